export { healthCheck } from './healthCheck';
export { signIn } from './signIn';
export { graphRequest } from './graphRequest';
