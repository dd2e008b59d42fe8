// A very small PowerShell evaluator for the stand-in pwsh: statements, pipelines of cmdlets with
// literal arguments, variables and assignment, `throw`, property access, `@()`/`@{}`/`()` values and
// script blocks as Where-Object filters. Enough for the commands the pool sends and tests write;
// anything else fails the way PowerShell would tell a user it cannot run it.
import { parseScript, type Element, type Script } from '../../../lib/pwsh/syntax';

export interface ErrorRecord {
  message: string;
  category: string;
  fullyQualifiedErrorId: string;
  exceptionType: string;
}

/** A terminating error (ends the script). */
export class PwshError extends Error {
  constructor(readonly record: ErrorRecord) {
    super(record.message);
  }
}

export function commandNotFound(name: string): PwshError {
  return new PwshError({
    message: `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
    category: 'ObjectNotFound',
    fullyQualifiedErrorId: 'CommandNotFoundException',
    exceptionType: 'System.Management.Automation.CommandNotFoundException',
  });
}

export function runtimeError(message: string, category = 'NotSpecified', id = 'RuntimeException'): PwshError {
  return new PwshError({ message, category, fullyQualifiedErrorId: id, exceptionType: 'System.Management.Automation.RuntimeException' });
}

export interface ScriptBlockValue {
  kind: 'scriptblock';
  body: Script;
}

export interface CmdletCall {
  name: string;
  /** Lower-cased parameter names; a switch is true. */
  named: Map<string, unknown>;
  positional: unknown[];
  input: unknown[];
  /** The command is a later element of a pipeline (its input may be empty). */
  piped: boolean;
  runtime: Runtime;
}

export type Cmdlet = (call: CmdletCall) => Promise<unknown[]> | unknown[];

export interface Host {
  out(line: string): void;
  err(line: string): void;
}

/** Parameters that take no value (so the next element is positional). */
const SWITCHES = new Set(['device', 'usedeviceauthentication', 'devicelogin', 'listavailable', 'force', 'asjob', 'compress']);

export class Runtime {
  readonly variables = new Map<string, unknown>();
  /** Non-terminating errors written during the current invocation. */
  errors: ErrorRecord[] = [];

  constructor(
    readonly host: Host,
    private readonly resolve: (name: string) => Cmdlet | undefined,
  ) {}

  async run(source: string): Promise<unknown[]> {
    return this.runScript(parseScript(source), []);
  }

  async runScript(script: Script, dollarUnder: unknown[]): Promise<unknown[]> {
    const output: unknown[] = [];
    for (const pipeline of script.pipelines) {
      let input: unknown[] = [];
      for (let i = 0; i < pipeline.length; i++) {
        input = await this.runCommand(pipeline[i].elements, input, i > 0, dollarUnder, pipeline[i].invocation);
      }
      output.push(...input);
    }
    return output;
  }

  writeError(record: ErrorRecord) {
    this.errors.push(record);
  }

  private async runCommand(elements: Element[], input: unknown[], piped: boolean, scope: unknown[], invocation?: '&' | '.'): Promise<unknown[]> {
    const head = elements[0];
    if (!head) return [];
    if (invocation && head.kind === 'block' && head.open === '{') return this.runScript(head.body, scope);
    if (elements[1]?.kind === 'operator' && elements[1].text === '=' && head.kind === 'variable') {
      const value = await this.runCommand(elements.slice(2), [], false, scope);
      this.variables.set(head.name.toLowerCase(), value.length === 1 ? value[0] : value);
      return [];
    }
    if (head.kind === 'word' && !invocation && head.value.toLowerCase() === 'throw') {
      const value = elements[1] ? await this.value(elements[1], scope) : 'ScriptHalted';
      throw runtimeError(String(value), 'OperationStopped', String(value));
    }
    if ((head.kind === 'word' && !/^[0-9]/.test(head.value)) || (invocation && head.kind === 'string')) {
      const name = head.value;
      const cmdlet = this.resolve(name);
      if (!cmdlet) throw commandNotFound(name);
      const { named, positional } = await this.arguments(elements.slice(1), scope);
      return cmdlet({ name, named, positional, input: piped ? input : [], piped, runtime: this });
    }
    if (elements.length === 1) {
      const v = await this.value(head, scope);
      return Array.isArray(v) ? v : [v];
    }
    throw runtimeError(`The stand-in pwsh cannot evaluate this expression: ${elements.map((e) => e.text).join(' ')}`, 'ParserError', 'StandInUnsupported');
  }

  private async arguments(elements: Element[], scope: unknown[]) {
    const named = new Map<string, unknown>();
    const positional: unknown[] = [];
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i];
      if (e.kind === 'parameter') {
        const name = e.name.toLowerCase();
        const next = elements[i + 1];
        if (e.colon || (next && next.kind !== 'parameter' && !SWITCHES.has(name))) {
          const [value, used] = await this.listValue(elements, i + 1, scope);
          named.set(name, value);
          i += used;
        } else {
          named.set(name, true);
        }
      } else {
        const [value, used] = await this.listValue(elements, i, scope);
        positional.push(value);
        i += used - 1;
      }
    }
    return { named, positional };
  }

  /** A value, or `a, b, c` as an array. Returns how many elements it used. */
  private async listValue(elements: Element[], start: number, scope: unknown[]): Promise<[unknown, number]> {
    const values = [await this.value(elements[start], scope)];
    let i = start + 1;
    while (elements[i]?.kind === 'operator' && elements[i].text === ',' && elements[i + 1]) {
      values.push(await this.value(elements[i + 1], scope));
      i += 2;
    }
    return [values.length === 1 ? values[0] : values, i - start];
  }

  async value(e: Element, scope: unknown[]): Promise<unknown> {
    switch (e.kind) {
      case 'word':
        return /^-?\d+(\.\d+)?$/.test(e.value) ? Number(e.value) : e.value;
      case 'string':
        return e.expandable ? e.value.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, n: string) => String(this.variable(n, scope) ?? '')) : e.value;
      case 'variable':
        return this.variable(e.name, scope);
      case 'block':
        if (e.open === '{') return { kind: 'scriptblock', body: e.body } satisfies ScriptBlockValue;
        if (e.open === '@{') return this.hashtable(e.body, scope);
        {
          const out = await this.runScript(e.body, scope);
          return e.open === '@(' ? out : out.length === 1 ? out[0] : out;
        }
      default:
        throw runtimeError(`The stand-in pwsh cannot evaluate '${e.text}'.`, 'ParserError', 'StandInUnsupported');
    }
  }

  private variable(name: string, scope: unknown[]): unknown {
    const n = name.toLowerCase();
    if (n === 'true') return true;
    if (n === 'false') return false;
    if (n === 'null') return null;
    if (n === '_' || n === 'psitem') return scope[0];
    if (n.startsWith('env:')) return process.env[name.slice(4)];
    return this.variables.get(n);
  }

  private async hashtable(body: Script, scope: unknown[]): Promise<Record<string, unknown>> {
    const table: Record<string, unknown> = {};
    for (const pipeline of body.pipelines) {
      const [key, op, ...rest] = pipeline[0]?.elements ?? [];
      if (!key || op?.kind !== 'operator' || op.text !== '=' || !rest.length) {
        throw runtimeError('The stand-in pwsh reads hashtables of the form @{ key = value; ... } only.', 'ParserError', 'StandInUnsupported');
      }
      table[String(await this.value(key, scope))] = await this.value(rest[0], scope);
    }
    return table;
  }

  /** Evaluates a Where-Object filter: `{ operand [-eq|-ne|-like|-notlike|-match|-gt|-lt operand] }`. */
  async filter(block: ScriptBlockValue, item: unknown): Promise<boolean> {
    const elements = block.body.pipelines[0]?.[0]?.elements ?? [];
    const operands: unknown[] = [];
    let op: string | undefined;
    for (let i = 0; i < elements.length; i++) {
      const e = elements[i];
      if (e.kind === 'parameter') {
        op = e.name.toLowerCase();
        continue;
      }
      let v = await this.value(e, [item]);
      while (elements[i + 1]?.kind === 'member') {
        const member = elements[++i] as Extract<Element, { kind: 'member' }>;
        v = property(v, member.name);
      }
      operands.push(v);
    }
    const [a, b] = operands;
    const text = (x: unknown) => String(x ?? '').toLowerCase();
    switch (op) {
      case undefined:
        return Boolean(a);
      case 'eq':
        return typeof a === 'string' || typeof b === 'string' ? text(a) === text(b) : a === b;
      case 'ne':
        return typeof a === 'string' || typeof b === 'string' ? text(a) !== text(b) : a !== b;
      case 'like':
      case 'notlike': {
        const re = new RegExp(`^${text(b).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
        return re.test(text(a)) === (op === 'like');
      }
      case 'match':
        return new RegExp(String(b), 'i').test(String(a ?? ''));
      case 'gt':
        return Number(a) > Number(b);
      case 'lt':
        return Number(a) < Number(b);
      default:
        throw runtimeError(`The stand-in pwsh does not know the operator -${op}.`, 'ParserError', 'StandInUnsupported');
    }
  }
}

/** Case-insensitive property access, as PowerShell's. */
export function property(v: unknown, name: string): unknown {
  if (!v || typeof v !== 'object') return undefined;
  const key = Object.keys(v).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : (v as Record<string, unknown>)[key];
}
