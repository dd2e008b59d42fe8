// Names other processes depend on: task queues, search attributes, workflow id keys. Defined once,
// imported by workers, clients, workflows and tests. Pure data: safe to import from workflow code.
export const TASK_QUEUE = 'm365';

/** The queue of `mm demo`'s own worker, so a worker serving real connections never picks up demo work. */
export const DEMO_TASK_QUEUE = 'm365-demo';

/** The pwsh pool worker's host-affine queue: all commands of a session reach the process holding it. */
export const pwshTaskQueue = (host: string) => `m365-pwsh@${host}`;

export const SEARCH_ATTRIBUTES = {
  connection: 'M365Connection',
  operation: 'M365Operation',
  target: 'M365Target',
  /** What a running workflow waits for from a person: `signIn`, `confirmation` or `none` (kept current by the workflow). */
  waiting: 'M365Waiting',
} as const;

/** Headers workflows put on their activities and children for the audit (workflows/audit-context.ts). */
export const AUDIT_HEADERS = {
  /** Who asked for the work: `mcp:<client>[ token:<name>]`, `cli:<OS user>`, `schedule:<id>`. */
  requestedBy: 'mm-requested-by',
  /** `undo` on the steps of a rollback (and every step of a child started by one). */
  step: 'mm-step',
  /** The run's subject (its M365Target: a UPN, a team's name), for rows whose step names only an id. */
  subject: 'mm-subject',
} as const;

/** `temporal server start-dev --search-attribute` arguments. */
export const SEARCH_ATTRIBUTE_ARGS = Object.values(SEARCH_ATTRIBUTES).flatMap((name) => ['--search-attribute', `${name}=Keyword`]);

/** Workflow ids come from business keys, so a repeated request adopts the existing workflow. */
export function workflowIdFor(operation: string, ...keys: string[]): string {
  return [operation, ...keys.map((k) => k.trim().toLowerCase())].join('/');
}
