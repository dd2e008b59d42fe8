// The connection registry (registry.ts) and what its callers use: listings, inputs, errors.
export { Registry } from './registry';
export { MissingAppIdError } from './entries';
export type { Actor, ChangeOrigin, ConnectionInput, ConnectionListing, ConnectionProblem, ConnectionStatus, RegistryOptions } from './types';
export { RegistryFileError, RegistryValidationError, UnknownConnectionError, isRegistryError } from './errors';
export type { Connection } from './schema';
