// The PowerShell session pool (pool.ts) and what its callers use: guardrails, errors, modules,
// session records. See README.md for the states and the framing.
export { PwshPool } from './pool';
export type { PwshPoolOptions, PwshRunOptions, PwshRunResult } from './types';
export { checkCommand } from './guardrails';
export type { GuardrailVerdict, SendPreview, Verdict } from './guardrails';
export * from './errors';
export { PWSH_MODULES, type PwshModule } from './script';
export type { SessionInfo, SessionState } from './session-file';
