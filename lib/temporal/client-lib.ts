// @temporalio/client, loaded on first use: printing help or listing MCP tools never pays for it
// (it is the heaviest import of the MCP process).
type ClientLib = typeof import('@temporalio/client');

let loaded: Promise<ClientLib> | undefined;

export function temporalClientLib(): Promise<ClientLib> {
  loaded ??= import('@temporalio/client');
  return loaded;
}

type ClientErrorName =
  | 'WorkflowNotFoundError'
  | 'WorkflowExecutionAlreadyStartedError'
  | 'WorkflowFailedError'
  | 'WorkflowUpdateFailedError'
  | 'ScheduleNotFoundError'
  | 'ScheduleAlreadyRunning';

/**
 * `err instanceof <the SDK's error class>` without loading the SDK: its error classes answer
 * instanceof by the marker `Symbol.for('__temporal_is<Name>')` on their prototype (so that errors
 * from another copy of the SDK match too), and this asks for the same marker.
 */
export function isClientError<K extends ClientErrorName>(err: unknown, name: K): err is InstanceType<ClientLib[K]> {
  return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[Symbol.for(`__temporal_is${name}`)] === true;
}
