// Exchange Online's InvokeCommand endpoint (invoke-command.ts) and its cmdlets by concern.
export { CMDLETS, invokeCommand } from './invoke-command';
export { CmdletError, type ExoReply } from './cmdlet';
