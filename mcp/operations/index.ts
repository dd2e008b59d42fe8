// The typed seam between the MCP front (and the CLI) and Temporal: every workflow a client starts is
// an operation from the catalog, started through runOperation/startOperation.
export * from './catalog';
export { runOperation, scheduledScan, scheduledStart, startOperation, type RunOptions, type Started, type TemporalTarget } from './start';
export type { InputOf, Operation, ResultOf, Reuse, WorkflowName } from './define';
