// The guardrails' judgement of a parsed command (guardrails.ts explains the policy): each script,
// pipeline, statement and command is judged with the rules of guardrail-rules.ts, and what it finds
// (refusals, warnings, sends, destructive commands) is collected in Findings.
import { commandArguments, literalValue, parseScript, type Element, type Script } from './syntax';
import { PwshSyntaxError } from './tokenizer';
import { isGuardedSend } from '../graph/send-guards';
import type { SendPreview } from './guardrails';
import {
  INSTALLS,
  ROLE_GRANTS,
  APP_REGISTRATION,
  TOKEN_EXPORTS,
  WEB_REQUESTS,
  API_REQUESTS,
  SHELLS,
  CODE_RUNNERS,
  DESTRUCTIVE,
  SESSION_ONLY,
  LOGIN_HOST,
  SENDS,
  FORWARDING,
  STATEMENT_KEYWORDS,
  PIPELINE_KEYWORDS,
  ASSIGNMENT,
  DYNAMIC_MEMBERS,
  CODE_TYPES,
  SCRIPTBLOCK_TYPE,
  AMBIGUOUS_CHARACTERS,
  UNICODE_DASHES,
  VARIABLE_SCOPES,
  COMMAND_DRIVE,
  MAX_NESTING,
  OPATH_FILTER_PARAMETER,
  OPATH_COMPARISON,
  resolveName,
  paramMatches,
  argumentText,
  isCommandName,
} from './guardrail-rules';

export class Findings {
  blocks: string[] = [];
  warnings: string[] = [];
  sends: SendPreview[] = [];
  destructive: string[] = [];
  block(reason: string) {
    if (!this.blocks.includes(reason)) this.blocks.push(reason);
  }
  warn(reason: string) {
    if (!this.warnings.includes(reason)) this.warnings.push(reason);
  }
}

export interface Context {
  findings: Findings;
  /** How deep inside literal Invoke-Expression strings we are. */
  nesting: number;
  /** Appended to reasons found inside an Invoke-Expression string. */
  via: string;
  /** Inside the `{ }` of an Exchange OPATH filter (`-Filter { Name -eq 'x' }`), which is text to the cmdlet. */
  opathFilter?: boolean;
}

export function judgeSource(source: string, ctx: Context) {
  const odd = AMBIGUOUS_CHARACTERS.exec(source);
  if (odd) {
    const code = `U+${odd[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    ctx.findings.block(`The command contains ${code} (a control, invisible or unusual blank character) that PowerShell may read differently from these checks; write it plainly or as an escape inside a string${ctx.via}`);
    return;
  }
  if (/^[ \t]*#[ \t]*requires\b/im.test(source)) {
    ctx.findings.block(`#Requires loads modules or changes how the command runs before it can be judged; import modules with Import-Module <name>${ctx.via}`);
  }
  let script: Script;
  try {
    script = parseScript(source);
  } catch (e) {
    if (!(e instanceof PwshSyntaxError)) throw e;
    ctx.findings.block(`The command cannot be parsed, so it cannot be judged: ${e.message}${ctx.via}`);
    return;
  }
  judgeScript(script, ctx);
}

function judgeScript(script: Script, ctx: Context) {
  for (const pipeline of script.pipelines) {
    pipeline.forEach((command, index) => {
      // Where-Object and ForEach-Object run their -Filter(Script) blocks; other cmdlets' -Filter blocks are OPATH text.
      const head = command.elements[0];
      const runsBlocks = head?.kind === 'word' && /^(where-object|foreach-object)$/.test(resolveName(head.value).canonical);
      command.elements.forEach((e, i) => {
        const before = command.elements[i - 1];
        const filter = !runsBlocks && e.kind === 'block' && e.open === '{' && before?.kind === 'parameter' && OPATH_FILTER_PARAMETER.test(before.name);
        // Only the filter's own clauses, grouped by ( ), are OPATH; subexpressions and blocks inside it are not.
        const opathFilter = filter || (ctx.opathFilter && e.kind === 'block' && e.open === '(');
        judgeNested(e, opathFilter === Boolean(ctx.opathFilter) ? ctx : { ...ctx, opathFilter });
      });
      judgeDynamicCode(command.elements, ctx);
      if (command.invocation) judgeInvocation(command.invocation, command.elements, ctx, index > 0);
      else judgeStatement(command.elements, ctx, index === 0, index > 0);
    });
  }
}

/** Script blocks, parentheses, subexpressions and `$()` inside strings are scripts of their own. */
function judgeNested(e: Element, ctx: Context) {
  if (e.kind === 'block') judgeScript(e.body, ctx);
  else if (e.kind === 'variable') {
    const [scope, rest] = e.name.includes(':') ? [e.name.slice(0, e.name.indexOf(':')).toLowerCase(), e.name.slice(e.name.indexOf(':') + 1)] : ['', e.name];
    if (scope && !VARIABLE_SCOPES.has(scope)) {
      ctx.findings.block(`The variable ${e.text} reads or writes the ${scope}: drive; defining commands or reading items through variables is blocked${ctx.via}`);
    }
    if (rest.toLowerCase() === 'executioncontext') ctx.findings.block(`$ExecutionContext can run code built at run time, which cannot be judged${ctx.via}`);
  } else if (e.kind === 'string' || e.kind === 'word') {
    if (e.kind === 'string') for (const sub of e.subexpressions) judgeSource(sub, ctx);
    const text = e.kind === 'string' ? e.value : e.text;
    if (e.kind === 'word' && UNICODE_DASHES.test(e.text[0])) {
      ctx.findings.block(`${e.text} starts with a typographic dash, which PowerShell reads as '-' and these checks do not; write '-'${ctx.via}`);
    }
    if (e.kind === 'word' && e.text.startsWith('--%')) ctx.findings.block(`The stop-parsing token --% passes the rest of the line unparsed, so it cannot be judged${ctx.via}`);
    if (e.kind === 'word' && e.text.startsWith('::')) ctx.findings.block(`A static member named by a quote or a variable (${e.text}) cannot be judged${ctx.via}`);
    if (COMMAND_DRIVE.test(text)) ctx.findings.block(`'${text}' names an item of the function: or alias: drive; defining commands through it is blocked: it would hide what later commands run${ctx.via}`);
    if (/\/oauth2\//i.test(text) && LOGIN_HOST.test(text)) {
      ctx.findings.block(`Raw OAuth requests are blocked (${LOGIN_HOST.exec(text)![0]}/…/oauth2): sign in through the module's connect command instead${ctx.via}`);
    }
  }
}

function judgeDynamicCode(elements: Element[], ctx: Context) {
  elements.forEach((e, i) => {
    const before = elements[i - 1];
    const adjacent = before !== undefined && before.start + before.text.length === e.start;
    if (e.kind === 'member') {
      const name = e.name.toLowerCase();
      if (e.static && before?.kind !== 'type') {
        ctx.findings.block(`::${e.name} on a type computed at run time (${before?.text ?? '?'}) cannot be judged${ctx.via}`);
      } else if (e.static && name === 'create' && before?.kind === 'type' && SCRIPTBLOCK_TYPE.test(before.name)) {
        ctx.findings.block(`${before.text}::Create builds code from text at run time, which cannot be judged${ctx.via}`);
      } else if (DYNAMIC_MEMBERS.has(name)) {
        ctx.findings.block(`.${e.name}() runs code that cannot be judged before it runs${ctx.via}`);
      }
    } else if (e.kind === 'operator' && e.text === '.' && adjacent) {
      ctx.findings.block(`A member named by a quote or a variable (${before.text}.${elements[i + 1]?.text ?? ''}) cannot be judged${ctx.via}`);
    } else if (e.kind === 'type' && CODE_TYPES.test(e.name) && !SCRIPTBLOCK_TYPE.test(e.name)) {
      ctx.findings.block(`${e.text} builds, loads or runs code of its own, which cannot be judged${ctx.via}`);
    }
  });
}

/** `& x` / `. x`: the name must be a literal (or a script block, judged as a script). */
function judgeInvocation(op: '&' | '.', elements: Element[], ctx: Context, piped: boolean) {
  const head = elements[0];
  if (!head) {
    ctx.findings.block(`'${op}' without a command cannot be judged${ctx.via}`);
    return;
  }
  if (head.kind === 'block' && head.open === '{') return;
  const name = literalValue(head);
  if (name === undefined || (head.kind === 'word' && (head.escaped || head.quoted))) {
    ctx.findings.block(`The command name after '${op}' is computed at run time (${head.text}), so it cannot be judged${ctx.via}`);
    return;
  }
  judgeCommand(name, elements.slice(1), ctx, piped);
}

function judgeStatement(elements: Element[], ctx: Context, first: boolean, piped: boolean) {
  const head = elements[0];
  if (!head) return;
  if (elements[1]?.kind === 'operator' && ASSIGNMENT.has(elements[1].text)) {
    judgeStatement(elements.slice(2), ctx, true, false); // hashtable entry `key = <pipeline>`
    return;
  }
  if (head.kind === 'word' && !/^[-+]?\.?[0-9]/.test(head.value)) {
    const word = head.value.toLowerCase();
    if (!head.escaped && !head.quoted && PIPELINE_KEYWORDS.has(word)) {
      judgeStatement(elements.slice(1), ctx, true, false);
      return;
    }
    if (first && !head.escaped && !head.quoted && STATEMENT_KEYWORDS.has(word)) {
      if (word === 'function' || word === 'filter' || word === 'workflow') {
        ctx.findings.block(`Defining a ${word} is blocked: calling it later hides what runs; write the commands themselves${ctx.via}`);
      } else if (word === 'using' && literalValue(elements[1])?.toLowerCase() !== 'namespace') {
        ctx.findings.block(`'using ${literalValue(elements[1]) ?? ''}' loads a module or assembly before it can be judged; import modules with Import-Module <name>${ctx.via}`);
      }
      return;
    }
    if (head.escaped || head.quoted) {
      // `t in Ins`tall is a tab to PowerShell: show control characters as '?' in the message.
      const reads = [...head.value].map((ch) => (ch.charCodeAt(0) < 32 ? '?' : ch)).join('');
      ctx.findings.block(`The command name ${head.text} hides what it runs with ${head.escaped ? 'backtick escapes' : 'quotes'} (reads as '${reads}'); write the name plainly${ctx.via}`);
      return;
    }
    if (head.expandable) {
      ctx.findings.block(`The command name ${head.text} is built from variables at run time, so it cannot be judged${ctx.via}`);
      return;
    }
    judgeCommand(head.value, elements.slice(1), ctx, piped);
    return;
  }
  // An expression: what follows an assignment (or `in` of foreach) is a pipeline that runs.
  const k = elements.findIndex(
    (e) => (e.kind === 'operator' && ASSIGNMENT.has(e.text)) || (e.kind === 'word' && e.value.toLowerCase() === 'in'),
  );
  if (k >= 0) judgeStatement(elements.slice(k + 1), ctx, true, false);
}

function judgeCommand(rawName: string, args: Element[], ctx: Context, piped: boolean) {
  const f = ctx.findings;
  if (rawName.length > 1 && /[*?[\]]/.test(rawName)) {
    f.block(`The command name '${rawName}' is a wildcard pattern, so what runs cannot be judged${ctx.via}`);
    return;
  }
  if (/[^\x20-\x7e]/.test(rawName)) {
    const shown = [...rawName].map((ch) => (/[\x20-\x7e]/.test(ch) ? ch : `<U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`)).join('');
    f.block(`The command name ${shown} has characters outside ASCII (typographic dashes, look-alike letters); write the name plainly${ctx.via}`);
    return;
  }
  const { canonical: name, scriptFile } = resolveName(rawName);
  if (scriptFile) {
    f.block(`Running the script file '${rawName}' is blocked: its content cannot be judged${ctx.via}`);
    return;
  }
  const parsed = commandArguments(args);
  const argText = argumentText(args);
  const opathClause = ctx.opathFilter && args[0]?.kind === 'parameter' && OPATH_COMPARISON.test(args[0].name);
  if (!SHELLS.has(name) && !isCommandName(rawName) && !opathClause) {
    f.block(
      /[/\\~]|^\./.test(rawName)
        ? `Running '${rawName}' by path is blocked: what it runs cannot be judged${ctx.via}`
        : `'${rawName}' is not a cmdlet (Verb-Noun) or a known alias: native programs and commands PowerShell would have to guess cannot be judged${ctx.via}`,
    );
    return;
  }

  if (name === 'invoke-expression') {
    judgeInvokeExpression(rawName, parsed, ctx, piped);
  } else if (SHELLS.has(name)) {
    const encoded = parsed.named.some((n) => paramMatches(n.name, 'encodedcommand') || /^(e|ec|enc)$/i.test(n.name));
    f.block(
      encoded
        ? `${rawName} -EncodedCommand runs an encoded command, which cannot be judged${ctx.via}`
        : `Starting another shell (${rawName}) is blocked: its commands would bypass these checks${ctx.via}`,
    );
  } else if (name === 'start-process') {
    const target = parsed.named.find((n) => paramMatches(n.name, 'filepath'))?.value ?? parsed.positional[0];
    const program = literalValue(target);
    if (program === undefined) f.block(`Start-Process of a program computed at run time cannot be judged${ctx.via}`);
    else if (/-(e|ec|enc\w*)\b/i.test(argText) && SHELLS.has(resolveName(program).canonical)) {
      f.block(`Start-Process ${program} with -EncodedCommand runs an encoded command, which cannot be judged${ctx.via}`);
    } else if (SHELLS.has(resolveName(program).canonical)) {
      f.block(`Start-Process ${program} starts another shell whose commands would bypass these checks${ctx.via}`);
    } else {
      f.block(`Start-Process ${program} ${CODE_RUNNERS[name]}${ctx.via}`);
    }
  } else if (CODE_RUNNERS[name]) {
    f.block(`${rawName} is blocked: it ${CODE_RUNNERS[name]}, which cannot be judged${ctx.via}`);
  } else if (name === 'foreach-object' && parsed.named.some((n) => paramMatches(n.name, 'parallel') || paramMatches(n.name, 'asjob'))) {
    f.block(`${rawName} -Parallel runs its script block in other runspaces, which cannot be judged${ctx.via}`);
  } else if (name === 'import-module' && importsFromPath(parsed)) {
    f.block(`${rawName} of a path, an assembly or a computed name loads code that cannot be judged; import installed modules by name${ctx.via}`);
  } else if (name === 'new-object' && CODE_TYPES.test(literalValue(parsed.named.find((n) => paramMatches(n.name, 'typename'))?.value ?? parsed.positional[0]) ?? '')) {
    f.block(`${rawName} of ${argText} builds or runs code of its own, which cannot be judged${ctx.via}`);
  } else if (name === 'set-alias' || name === 'new-alias') {
    f.block(`Defining an alias (${rawName}) is blocked: it would hide what later commands run${ctx.via}`);
  } else if ((name === 'new-item' || name === 'set-item') && /(^|\s)(alias|function):/i.test(argText)) {
    f.block(`Defining a command through the ${/alias:/i.test(argText) ? 'alias' : 'function'}: drive is blocked: it would hide what later commands run${ctx.via}`);
  } else if (name === 'invoke-command' && parsed.named.some((n) => paramMatches(n.name, 'filepath'))) {
    f.block(`Invoke-Command -FilePath runs a script file whose content cannot be judged${ctx.via}`);
  } else if (INSTALLS.has(name)) {
    f.block(`${rawName} is blocked: installing or updating modules changes the pool's hosts (container integrity); modules are provisioned with the host${ctx.via}`);
  } else if (ROLE_GRANTS.has(name)) {
    f.block(`${rawName} is blocked: granting roles is an access escalation; assign roles in the portal or through Privileged Identity Management${ctx.via}`);
  } else if (APP_REGISTRATION.test(name)) {
    f.block(`${rawName} is blocked: app registrations and service principals are not changed from a session (they hold this tool's own access)${ctx.via}`);
  } else if (TOKEN_EXPORTS.has(name)) {
    f.block(`${rawName} is blocked: access tokens never leave the session${ctx.via}`);
  } else if (WEB_REQUESTS.has(name) || name === 'new-object') {
    if (LOGIN_HOST.test(argText)) {
      f.block(`Raw OAuth requests are blocked (${rawName} to ${LOGIN_HOST.exec(argText)![0]}): sign in through the module's connect command instead${ctx.via}`);
    }
  } else if (API_REQUESTS.has(name)) {
    judgeApiRequest(rawName, parsed, argText, ctx);
  } else if (FORWARDING[name]) {
    const hit = parsed.named.find((n) => FORWARDING[name].some((full) => paramMatches(n.name, full)));
    if (hit) f.warn(`${rawName} -${hit.name} forwards mail outside the mailbox: confirm the destination is intended${ctx.via}`);
  }
  const send = SENDS.get(name);
  if (send) f.sends.push({ cmdlet: send, preview: sendPreview(send, parsed) });
  if (DESTRUCTIVE.test(name) && !SESSION_ONLY.has(name)) {
    const shown = argText.length > 300 ? `${argText.slice(0, 300)}…` : argText;
    f.destructive.push(`${rawName} removes or disables something${shown ? ` (${shown})` : ''}: it runs only once confirmed${ctx.via}`);
  }
}


/** Import-Module of anything but an installed module's plain name. */
function importsFromPath(parsed: ReturnType<typeof commandArguments>): boolean {
  if (parsed.named.some((n) => ['assembly', 'moduleinfo', 'fullyqualifiedname'].some((p) => paramMatches(n.name, p)))) return true;
  const names = [...parsed.named.filter((n) => paramMatches(n.name, 'name')).map((n) => n.value), ...parsed.positional];
  return names.some((v) => {
    const text = literalValue(v);
    return text === undefined || /[/\\~:]|^\.|\.(psm1|psd1|ps1|dll|cdxml|xaml)$/i.test(text);
  });
}

function judgeInvokeExpression(rawName: string, parsed: ReturnType<typeof commandArguments>, ctx: Context, piped: boolean) {
  const arg = parsed.named.find((n) => paramMatches(n.name, 'command'))?.value ?? parsed.positional[0];
  if (!arg) {
    ctx.findings.block(
      piped
        ? `${rawName} of piped input cannot be judged before it runs${ctx.via}`
        : `${rawName} without a literal command cannot be judged${ctx.via}`,
    );
    return;
  }
  const text = literalValue(arg);
  if (text === undefined) {
    ctx.findings.block(`${rawName} of a value computed at run time (${arg.text}) cannot be judged${ctx.via}`);
    return;
  }
  if (ctx.nesting >= MAX_NESTING) {
    ctx.findings.block(`${rawName} nested ${MAX_NESTING} levels deep cannot be judged`);
    return;
  }
  judgeSource(text, { findings: ctx.findings, nesting: ctx.nesting + 1, via: ` (inside ${rawName})${ctx.via}` });
}

/** Invoke-MgGraphRequest and friends: app registrations, raw OAuth and message sends through the REST API. */
function judgeApiRequest(rawName: string, parsed: ReturnType<typeof commandArguments>, argText: string, ctx: Context) {
  const methodArg = parsed.named.find((n) => paramMatches(n.name, 'method'))?.value;
  const method = (literalValue(methodArg) ?? (methodArg ? '?' : 'GET')).toUpperCase();
  if (LOGIN_HOST.test(argText)) {
    ctx.findings.block(`Raw OAuth requests are blocked (${rawName} to ${LOGIN_HOST.exec(argText)![0]})${ctx.via}`);
  } else if (method !== 'GET' && /\/(applications|serviceprincipals)\b/i.test(argText)) {
    ctx.findings.block(`${rawName} ${method} on app registrations or service principals is blocked: they hold this tool's own access${ctx.via}`);
  } else if ((method === 'POST' || method === '?') && sendsThroughGraph(parsed, argText)) {
    ctx.findings.sends.push({ cmdlet: rawName, preview: sendPreview(rawName, parsed) });
  }
}

/**
 * A POST through the REST API sends when its URI, read as Graph will execute it (lib/graph/send-guards),
 * is a send; a URI computed at run time, or a $batch whose body we cannot read, counts as one.
 */
function sendsThroughGraph(parsed: ReturnType<typeof commandArguments>, argText: string): boolean {
  const named = parsed.named.find((n) => paramMatches(n.name, 'uri'))?.value;
  const candidates = named ? [named, ...parsed.positional] : parsed.positional;
  if (!candidates.length) return /send|reply|forward|messages|batch/i.test(argText);
  return candidates.some((e) => {
    const text = literalValue(e);
    return text === undefined || isGuardedSend('POST', text);
  });
}

/** A readable draft of what a send cmdlet would send: its parameters, one per line. */
function sendPreview(cmdlet: string, parsed: ReturnType<typeof commandArguments>): string {
  const shown = (e: Element | undefined) => {
    if (!e) return '(switch)';
    const text = literalValue(e) ?? (e.kind === 'string' ? e.value : e.text);
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  };
  const lines = [cmdlet];
  for (const n of parsed.named) lines.push(`  ${n.name}: ${shown(n.value)}`);
  for (const p of parsed.positional) lines.push(`  ${shown(p)}`);
  return lines.join('\n');
}
