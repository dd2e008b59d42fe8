// The sandbox tenant: a local, stateful stand-in for Microsoft sign-in (Entra ID), Microsoft Graph v1.0
// and the Exchange Online admin REST endpoint. Tests start it in-process with startSandbox(); `mm sandbox`
// starts the same thing in the foreground. Clients keep Microsoft's https hostnames (CLOUD_HOSTS) and
// rewrite the origin to `sandbox.url`; nothing else about them changes.
export * from './constants';
export type { SandboxOptions, Sandbox, RunningSandbox, ThrottleProfileName, AppRegistration, MintTokenInput } from './types';
export type { FaultProfile, FaultRule } from './faults';
export type { SentMail, TenantSnapshot } from './state';
export { startSandbox } from './server';
