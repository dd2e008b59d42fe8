// The command policy of the session pool (mm-readme.md "Command guardrails" and "Send Guards").
// A command is parsed (tokenizer.ts, syntax.ts), never matched as raw text: every command in every
// pipeline, statement, script block, subexpression and literal Invoke-Expression string is judged
// after aliases, module qualifiers and paths are resolved. What cannot be judged before it runs
// (a command name computed at run time, `& $x`, iex of a non-literal, encoded commands, script
// blocks built from text) is refused with the reason.
import { commandArguments, literalValue, parseScript, type Element, type Script } from './syntax';
import { PwshSyntaxError } from './tokenizer';

export type Verdict = 'allow' | 'warn' | 'block' | 'confirm';

export interface SendPreview {
  cmdlet: string;
  preview: string;
}

export interface GuardrailVerdict {
  verdict: Verdict;
  reasons: string[];
  sends?: SendPreview[];
}

/** Resolves the built-in aliases that matter to the rules (about_Aliases; curl/wget on Windows PowerShell). */
const ALIASES: Record<string, string> = {
  iex: 'invoke-expression',
  iwr: 'invoke-webrequest',
  irm: 'invoke-restmethod',
  curl: 'invoke-webrequest',
  wget: 'invoke-webrequest',
  icm: 'invoke-command',
  saps: 'start-process',
  start: 'start-process',
  sal: 'set-alias',
  nal: 'new-alias',
  '%': 'foreach-object',
  foreach: 'foreach-object',
  '?': 'where-object',
  where: 'where-object',
  ni: 'new-item',
  si: 'set-item',
};

const INSTALLS = new Set([
  'install-module',
  'install-psresource',
  'install-package',
  'install-script',
  'update-module',
  'update-psresource',
  'save-module',
  'save-psresource',
]);

const ROLE_GRANTS = new Set([
  'new-azroleassignment',
  'new-mgrolemanagementdirectoryroleassignment',
  'new-mgbetarolemanagementdirectoryroleassignment',
  'new-mgdirectoryrolememberbyref',
  'add-azureaddirectoryrolemember',
]);

/** Cmdlets that create, change or delete app registrations, service principals or their credentials. */
const APP_REGISTRATION =
  /^(new|set|update|remove|add|register)-(azad(application|serviceprincipal|appcredential|spcredential|appfederatedcredential)|mg(beta)?(application|serviceprincipal)\w*|azuread(application|serviceprincipal|msapplication)\w*|pnp(azuread|entraid)app\w*)$/;

/** Cmdlets that hand an access token to the caller; tokens never leave the session. */
const TOKEN_EXPORTS = new Set(['get-azaccesstoken', 'get-msaltoken', 'get-pnpaccesstoken', 'get-pnpappauthaccesstoken', 'get-pnpgraphaccesstoken']);

const WEB_REQUESTS = new Set(['invoke-webrequest', 'invoke-restmethod', 'start-bitstransfer']);
const API_REQUESTS = new Set(['invoke-mggraphrequest', 'invoke-azrestmethod', 'invoke-pnpgraphmethod', 'invoke-pnpsprestmethod']);

const SHELLS = new Set(['pwsh', 'powershell', 'pwsh-preview', 'powershell_ise', 'cmd', 'bash', 'sh', 'zsh', 'dash']);

const LOGIN_HOST = /\b(login\.microsoftonline\.(com|us|de)|login\.microsoft\.com|login\.windows\.net|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|sts\.windows\.net)\b/i;

/** Send guards: these send mail or chat messages on someone's behalf. */
const SENDS = new Map(
  [
    'Send-MailMessage',
    'Send-MgUserMail',
    'Send-MgBetaUserMail',
    'Send-MgUserMessage',
    'New-MgChatMessage',
    'New-MgBetaChatMessage',
    'New-MgTeamChannelMessage',
    'New-MgBetaTeamChannelMessage',
    'Submit-PnPTeamsChannelMessage',
  ].map((n) => [n.toLowerCase(), n]),
);

const GRAPH_SEND_PATH = /\/(sendMail|reply|replyAll|forward|send)\b|\/(chats|channels)\/[^/]+\/messages\b/i;

/** Parameters that forward mail elsewhere, per cmdlet. */
const FORWARDING: Record<string, string[]> = {
  'new-inboxrule': ['forwardto', 'forwardasattachmentto', 'redirectto'],
  'set-inboxrule': ['forwardto', 'forwardasattachmentto', 'redirectto'],
  'set-mailbox': ['forwardingsmtpaddress', 'forwardingaddress', 'delivertomailboxandforward'],
  'new-transportrule': ['redirectmessageto', 'blindcopyto'],
  'set-transportrule': ['redirectmessageto', 'blindcopyto'],
};

/** Keywords that start a statement which is not a command; their blocks are judged as scripts. */
const STATEMENT_KEYWORDS = new Set([
  'if', 'elseif', 'else', 'foreach', 'for', 'while', 'do', 'until', 'switch', 'try', 'catch', 'finally',
  'function', 'filter', 'trap', 'param', 'begin', 'process', 'end', 'clean', 'break', 'continue', 'class',
  'enum', 'data', 'dynamicparam', 'workflow', 'using',
]);
/** Keywords followed by a pipeline that runs. */
const PIPELINE_KEYWORDS = new Set(['return', 'throw', 'exit']);
const ASSIGNMENT = new Set(['=', '+=', '-=', '*=', '/=', '%=', '??=']);

/** Members that run code built from text or from an object the policy never saw. */
const DYNAMIC_MEMBERS = new Set(['invoke', 'invokereturnasis', 'invokescript', 'newscriptblock', 'addscript', 'invokewithcontext', 'expandstring']);
const CODE_TYPES = /^(system\.management\.automation\.)?(scriptblock|powershell|runspaces\.runspacefactory|runspacefactory)$/i;

const MAX_NESTING = 4;

class Findings {
  blocks: string[] = [];
  warnings: string[] = [];
  sends: SendPreview[] = [];
  block(reason: string) {
    if (!this.blocks.includes(reason)) this.blocks.push(reason);
  }
  warn(reason: string) {
    if (!this.warnings.includes(reason)) this.warnings.push(reason);
  }
}

interface Context {
  findings: Findings;
  /** How deep inside literal Invoke-Expression strings we are. */
  nesting: number;
  /** Appended to reasons found inside an Invoke-Expression string. */
  via: string;
}

/** Judges one command line (or script) before it is sent to a pwsh session. */
export function checkCommand(command: string): GuardrailVerdict {
  const findings = new Findings();
  judgeSource(command, { findings, nesting: 0, via: '' });
  if (findings.blocks.length) return { verdict: 'block', reasons: findings.blocks };
  if (findings.sends.length) {
    const reasons = [
      ...findings.sends.map((s) => `${s.cmdlet} sends a message: show the preview and re-run with confirmation to send it`),
      ...findings.warnings,
    ];
    return { verdict: 'confirm', reasons, sends: findings.sends };
  }
  if (findings.warnings.length) return { verdict: 'warn', reasons: findings.warnings };
  return { verdict: 'allow', reasons: [] };
}

function judgeSource(source: string, ctx: Context) {
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
      for (const e of command.elements) judgeNested(e, ctx);
      judgeDynamicCode(command.elements, ctx);
      if (command.invocation) judgeInvocation(command.invocation, command.elements, ctx, index > 0);
      else judgeStatement(command.elements, ctx, index === 0, index > 0);
    });
  }
}

/** Script blocks, parentheses, subexpressions and `$()` inside strings are scripts of their own. */
function judgeNested(e: Element, ctx: Context) {
  if (e.kind === 'block') judgeScript(e.body, ctx);
  else if (e.kind === 'string' || e.kind === 'word') {
    if (e.kind === 'string') for (const sub of e.subexpressions) judgeSource(sub, ctx);
    const text = e.kind === 'string' ? e.value : e.text;
    if (/\/oauth2\//i.test(text) && LOGIN_HOST.test(text)) {
      ctx.findings.block(`Raw OAuth requests are blocked (${LOGIN_HOST.exec(text)![0]}/…/oauth2): sign in through the module's connect command instead${ctx.via}`);
    }
  }
}

function judgeDynamicCode(elements: Element[], ctx: Context) {
  elements.forEach((e, i) => {
    const before = elements[i - 1];
    if (e.kind === 'member') {
      const name = e.name.toLowerCase();
      if (e.static && name === 'create' && before?.kind === 'type' && CODE_TYPES.test(before.name)) {
        ctx.findings.block(`${before.text}::Create builds code from text at run time, which cannot be judged${ctx.via}`);
      } else if (DYNAMIC_MEMBERS.has(name)) {
        ctx.findings.block(`.${e.name}() runs code that cannot be judged before it runs${ctx.via}`);
      }
    } else if (e.kind === 'variable' && e.name.toLowerCase() === 'executioncontext') {
      ctx.findings.block(`$ExecutionContext can run code built at run time, which cannot be judged${ctx.via}`);
    } else if (e.kind === 'type' && CODE_TYPES.test(e.name) && !/^(system\.management\.automation\.)?scriptblock$/i.test(e.name)) {
      ctx.findings.block(`${e.text} starts a PowerShell pipeline of its own, which cannot be judged${ctx.via}`);
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
  if (head.kind === 'word' && !/^\.?[0-9]/.test(head.value)) {
    const word = head.value.toLowerCase();
    if (!head.escaped && !head.quoted && PIPELINE_KEYWORDS.has(word)) {
      judgeStatement(elements.slice(1), ctx, true, false);
      return;
    }
    if (first && !head.escaped && !head.quoted && STATEMENT_KEYWORDS.has(word)) return;
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

interface ResolvedName {
  canonical: string;
  scriptFile: boolean;
}

/** Strips paths (`/usr/bin/pwsh`, `C:\...\powershell.exe`) and module qualifiers, then resolves aliases. */
function resolveName(raw: string): ResolvedName {
  let name = raw.toLowerCase();
  const isPath = /[/]/.test(name) || /\.(exe|ps1|psm1|cmd|bat|sh)$/.test(name) || /^[a-z]:\\/.test(name) || name.startsWith('.\\');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  if (isPath && /\.(ps1|psm1|cmd|bat|sh)$/.test(name)) return { canonical: name, scriptFile: true };
  name = name.replace(/\.exe$/, '');
  return { canonical: ALIASES[name] ?? name, scriptFile: false };
}

function paramMatches(given: string, full: string): boolean {
  const p = given.toLowerCase();
  return p.length >= 2 && full.startsWith(p);
}

function argumentText(elements: Element[]): string {
  return elements.map((e) => (e.kind === 'string' ? e.value : e.text)).join(' ');
}

function judgeCommand(rawName: string, args: Element[], ctx: Context, piped: boolean) {
  const f = ctx.findings;
  if (rawName.length > 1 && /[*?[\]]/.test(rawName)) {
    f.block(`The command name '${rawName}' is a wildcard pattern, so what runs cannot be judged${ctx.via}`);
    return;
  }
  const { canonical: name, scriptFile } = resolveName(rawName);
  if (scriptFile) {
    f.block(`Running the script file '${rawName}' is blocked: its content cannot be judged${ctx.via}`);
    return;
  }
  const parsed = commandArguments(args);
  const argText = argumentText(args);

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
    }
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
  } else if (name.startsWith('remove-az')) {
    f.warn(`${rawName} deletes Azure resources: check the target before running it${ctx.via}`);
  } else if (FORWARDING[name]) {
    const hit = parsed.named.find((n) => FORWARDING[name].some((full) => paramMatches(n.name, full)));
    if (hit) f.warn(`${rawName} -${hit.name} forwards mail outside the mailbox: confirm the destination is intended${ctx.via}`);
  }
  const send = SENDS.get(name);
  if (send) f.sends.push({ cmdlet: send, preview: sendPreview(send, parsed) });
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
  } else if (method === 'POST' && GRAPH_SEND_PATH.test(argText)) {
    ctx.findings.sends.push({ cmdlet: rawName, preview: sendPreview(rawName, parsed) });
  }
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
