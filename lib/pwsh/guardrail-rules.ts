// What the guardrails know: the aliases they resolve, the cmdlets they refuse or hold, the types and
// members that run code, and the characters PowerShell reads differently from our tokenizer. The
// judgement that applies them is guardrail-judge.ts.
import type { Element } from './syntax';

/** Resolves built-in aliases (about_Aliases; curl/wget on Windows PowerShell); a name neither here nor Verb-Noun is refused. */
export const ALIASES: Record<string, string> = {
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
  ii: 'invoke-item',
  ipmo: 'import-module',
  sajb: 'start-job',
  ihy: 'invoke-history',
  r: 'invoke-history',
  select: 'select-object',
  sort: 'sort-object',
  ft: 'format-table',
  fl: 'format-list',
  fw: 'format-wide',
  gm: 'get-member',
  measure: 'measure-object',
  group: 'group-object',
  tee: 'tee-object',
  echo: 'write-output',
  write: 'write-output',
  gci: 'get-childitem',
  dir: 'get-childitem',
  gc: 'get-content',
  gcm: 'get-command',
  gi: 'get-item',
  gp: 'get-itemproperty',
  gv: 'get-variable',
  gmo: 'get-module',
  sleep: 'start-sleep',
  cd: 'set-location',
  sl: 'set-location',
  sc: 'set-content',
  ac: 'add-content',
  cpi: 'copy-item',
  mi: 'move-item',
  rni: 'rename-item',
  rm: 'remove-item',
  ri: 'remove-item',
  del: 'remove-item',
  erase: 'remove-item',
  rd: 'remove-item',
  rmdir: 'remove-item',
  rv: 'remove-variable',
  rmo: 'remove-module',
  ipal: 'import-alias',
  nmo: 'new-module',
  rcjb: 'receive-job',
  clv: 'clear-variable',
  cls: 'clear-host',
};

/** A cmdlet name: Verb-Noun (native programs and the names PowerShell completes with Get- have no dash). */
export const COMMAND_FORM = /^[a-z][a-z0-9]*-[a-z0-9_]+$/;

export const INSTALLS = new Set([
  'install-module',
  'install-psresource',
  'install-package',
  'install-script',
  'update-module',
  'update-psresource',
  'save-module',
  'save-psresource',
]);

export const ROLE_GRANTS = new Set([
  'new-azroleassignment',
  'new-mgrolemanagementdirectoryroleassignment',
  'new-mgbetarolemanagementdirectoryroleassignment',
  'new-mgdirectoryrolememberbyref',
  'add-azureaddirectoryrolemember',
]);

/** Cmdlets that create, change or delete app registrations, service principals or their credentials. */
export const APP_REGISTRATION =
  /^(new|set|update|remove|add|register)-(azad(application|serviceprincipal|appcredential|spcredential|appfederatedcredential)|mg(beta)?(application|serviceprincipal)\w*|azuread(application|serviceprincipal|msapplication)\w*|pnp(azuread|entraid)app\w*)$/;

/** Cmdlets that hand an access token to the caller; tokens never leave the session. */
export const TOKEN_EXPORTS = new Set(['get-azaccesstoken', 'get-msaltoken', 'get-pnpaccesstoken', 'get-pnpappauthaccesstoken', 'get-pnpgraphaccesstoken']);

export const WEB_REQUESTS = new Set(['invoke-webrequest', 'invoke-restmethod', 'start-bitstransfer']);
export const API_REQUESTS = new Set(['invoke-mggraphrequest', 'invoke-azrestmethod', 'invoke-pnpgraphmethod', 'invoke-pnpsprestmethod']);

export const SHELLS = new Set(['pwsh', 'powershell', 'pwsh-preview', 'powershell_ise', 'cmd', 'bash', 'sh', 'zsh', 'dash']);

/** Cmdlets that run code the policy never sees: other runspaces, jobs, remote sessions, compiled or loaded code. */
export const CODE_RUNNERS: Record<string, string> = {
  'invoke-command': 'runs a script block in another scope, runspace or computer',
  'start-job': 'runs a script block as a background job',
  'start-threadjob': 'runs a script block on another thread',
  'new-pssession': 'opens a session whose commands bypass these checks',
  'enter-pssession': 'opens a session whose commands bypass these checks',
  'invoke-item': 'opens files with whatever program they are associated with',
  'add-type': 'compiles and loads code (C#, assemblies) that can run anything',
  'import-alias': 'defines aliases from a file, hiding what later commands run',
  'invoke-history': 'runs earlier commands again without showing them',
  'start-process': 'starts a program whose commands cannot be judged',
};

/** Cmdlets that remove or disable something: they run only once confirmed. */
export const DESTRUCTIVE = /^(remove|disable)-/;
/** Remove-/Disable- cmdlets that change only the session itself (the Azure connect command disables context autosave). */
export const SESSION_ONLY = new Set(['disable-azcontextautosave', 'disable-azdatacollection', 'remove-variable']);

export const LOGIN_HOST = /\b(login\.microsoftonline\.(com|us|de)|login\.microsoft\.com|login\.windows\.net|login\.chinacloudapi\.cn|login\.partner\.microsoftonline\.cn|sts\.windows\.net)\b/i;

/** Send guards: these send mail or chat messages on someone's behalf. */
export const SENDS = new Map(
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


/** Parameters that forward mail elsewhere, per cmdlet. */
export const FORWARDING: Record<string, string[]> = {
  'new-inboxrule': ['forwardto', 'forwardasattachmentto', 'redirectto'],
  'set-inboxrule': ['forwardto', 'forwardasattachmentto', 'redirectto'],
  'set-mailbox': ['forwardingsmtpaddress', 'forwardingaddress', 'delivertomailboxandforward'],
  'new-transportrule': ['redirectmessageto', 'blindcopyto'],
  'set-transportrule': ['redirectmessageto', 'blindcopyto'],
};

/** Keywords that start a statement which is not a command; their blocks are judged as scripts. */
export const STATEMENT_KEYWORDS = new Set([
  'if', 'elseif', 'else', 'foreach', 'for', 'while', 'do', 'until', 'switch', 'try', 'catch', 'finally',
  'function', 'filter', 'trap', 'param', 'begin', 'process', 'end', 'clean', 'break', 'continue', 'class',
  'enum', 'data', 'dynamicparam', 'workflow', 'using', 'default',
]);
/** Keywords followed by a pipeline that runs. */
export const PIPELINE_KEYWORDS = new Set(['return', 'throw', 'exit']);
export const ASSIGNMENT = new Set(['=', '+=', '-=', '*=', '/=', '%=', '??=']);

/** Members that run code built from text or from an object the policy never saw. */
export const DYNAMIC_MEMBERS = new Set([
  'invoke', 'invokereturnasis', 'invokescript', 'newscriptblock', 'addscript', 'addcommand', 'addstatement', 'invokewithcontext',
  'expandstring', 'invokecommand', 'getscriptblock', 'parseinput', 'parsefile', 'begininvoke', 'invokemember', 'createinstance',
  'createpipeline', 'createnestedpipeline', 'createrunspace', 'createrunspacepool',
]);
/** Types that build or run code (PowerShell drops a leading `System.`). */
export const CODE_TYPES =
  /^(system\.)?((management\.automation\.)?(scriptblock|powershell|runspaces\.\w+|runspacefactory|runspacepool|language\.\w+|engineintrinsics|commandinvocationintrinsics|psmoduleinfo)|diagnostics\.process(startinfo)?|reflection\.(assembly|emit\.\w+)|appdomain|activator|codedom\.\w+|runtime\.interopservices\.marshal)$/i;
export const SCRIPTBLOCK_TYPE = /^(system\.)?(management\.automation\.)?scriptblock$/i;

/** Characters PowerShell may read as blanks, line ends or nothing where our tokenizer does not (and NUL and other controls). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const AMBIGUOUS_CHARACTERS = /[\u0000-\u0008\u000e-\u001f\u007f\u0085\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/;
/** The dashes PowerShell accepts in place of `-` before a parameter or in an operator. */
export const UNICODE_DASHES = /[\u2013\u2014\u2015]/;
/** Variable scopes; any other `prefix:` names a provider item (`${function:Foo}`, `${c:/x}`). */
export const VARIABLE_SCOPES = new Set(['global', 'local', 'script', 'private', 'using', 'env', 'variable']);
/** An argument that names an item of the drives holding commands (`function:Foo`, `Microsoft.PowerShell.Core\Alias::zz`). */
export const COMMAND_DRIVE = /^\s*((microsoft\.powershell\.core\\)?(function|alias)::?|.*\\(function|alias)::)/i;

export const MAX_NESTING = 4;

/** Parameters whose script block Exchange reads as an OPATH filter string, never runs. */
export const OPATH_FILTER_PARAMETER = /^(filter|recipientfilter|contentfilter|searchquery)$/i;
/** The comparison operators of an OPATH filter clause (`Name -eq 'x'`). */
export const OPATH_COMPARISON = /^(c|i)?(eq|ne|gt|ge|lt|le|like|notlike|match|notmatch|contains|notcontains|in|notin)$/i;

export interface ResolvedName {
  canonical: string;
  scriptFile: boolean;
}

/** Strips paths (`/usr/bin/pwsh`, `C:\...\powershell.exe`) and module qualifiers, then resolves aliases. */
export function resolveName(raw: string): ResolvedName {
  let name = raw.toLowerCase();
  const isPath = /[/]/.test(name) || /\.(exe|ps1|psm1|cmd|bat|sh)$/.test(name) || /^[a-z]:\\/.test(name) || name.startsWith('.\\');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  if (isPath && /\.(ps1|psm1|cmd|bat|sh)$/.test(name)) return { canonical: name, scriptFile: true };
  name = name.replace(/\.exe$/, '');
  return { canonical: ALIASES[name] ?? name, scriptFile: false };
}

export function paramMatches(given: string, full: string): boolean {
  const p = given.toLowerCase();
  return p.length >= 2 && full.startsWith(p);
}

export function argumentText(elements: Element[]): string {
  return elements.map((e) => (e.kind === 'string' ? e.value : e.text)).join(' ');
}

/** A cmdlet name (Verb-Noun, optionally `Module\Verb-Noun`) or an alias we resolve. */
export function isCommandName(raw: string): boolean {
  const lower = raw.toLowerCase();
  if (ALIASES[lower]) return true;
  const qualified = /^([a-z][a-z0-9_.]*)\\([^\\/]+)$/.exec(lower);
  return COMMAND_FORM.test(qualified ? qualified[2] : lower);
}
