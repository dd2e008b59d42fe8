// Which PowerShell commands are provably reads, for read-only connections: the parser (syntax.ts)
// must show that every command in every pipeline is a Get-/Test-/Search-/Find- cmdlet (or a
// formatting step after one) named plainly, with no script block, subexpression, call operator,
// assignment or expanding string anywhere. Whatever it cannot decide is not a read.
import { checkCommand } from './guardrails';
import { resolveName } from './guardrail-rules';
import { parseScript, type Element } from './syntax';

const READ_VERB = /^(get|test|search|find)-[a-z0-9_]+$/;
/** Cmdlets that only shape what a read returned; allowed after a read in its pipeline. */
const SHAPERS = new Set(['select-object', 'sort-object', 'measure-object', 'group-object', 'where-object', 'format-table', 'format-list', 'convertto-json', 'convertto-csv', 'out-string']);

function plainArgument(e: Element): boolean {
  switch (e.kind) {
    case 'word':
      return !e.expandable;
    case 'string':
      return e.subexpressions.length === 0 && !e.expandable;
    case 'parameter':
      return true;
    case 'variable':
      // $true, $false, $null as switch values; any other variable is data the parser cannot see.
      return /^(true|false|null)$/i.test(e.name);
    case 'operator':
      return e.text === ',';
    default:
      return false;
  }
}

export function readsOnly(command: string): boolean {
  const verdict = checkCommand(command);
  if (verdict.verdict !== 'allow' && verdict.verdict !== 'warn') return false;
  let pipelines;
  try {
    pipelines = parseScript(command).pipelines;
  } catch {
    return false;
  }
  if (!pipelines.length) return false;
  return pipelines.every((pipeline) =>
    pipeline.every((cmd, index) => {
      const [head, ...args] = cmd.elements;
      if (cmd.invocation || head?.kind !== 'word' || head.escaped || head.quoted || head.expandable) return false;
      const name = resolveName(head.value).canonical;
      const allowed = READ_VERB.test(name) || (index > 0 && SHAPERS.has(name));
      return allowed && args.every(plainArgument);
    }),
  );
}
