// Typed registry errors. Each message is one line a person or a model can act on: what was wrong,
// where, and what to do next.
export class RegistryValidationError extends Error {
  constructor(
    /** The field that is wrong (e.g. "appId", "name", "appOnly.secretEnv"). */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryValidationError';
  }
}

export class UnknownConnectionError extends Error {
  constructor(
    readonly connection: string,
    readonly known: string[],
    message: string,
  ) {
    super(message);
    this.name = 'UnknownConnectionError';
  }
}

/** The registry file cannot be used as it is (bad JSON or wrong shape); it is never overwritten. */
export class RegistryFileError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    const where = line === undefined ? file : `${file}:${line}:${column}`;
    super(
      `Registry file ${where}: ${problem}. It was left untouched: fix it by hand` +
        ` (or restore ${file}.bak, the version before the last change), then retry.`,
    );
    this.name = 'RegistryFileError';
  }
}

export function isRegistryError(error: unknown): error is RegistryValidationError | UnknownConnectionError | RegistryFileError {
  return error instanceof RegistryValidationError || error instanceof UnknownConnectionError || error instanceof RegistryFileError;
}
