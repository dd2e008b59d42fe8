// CommonJS packages loaded synchronously on first use, so a process that never renders a template
// (printing help, listing MCP tools) never pays for them. Node shares one module cache between
// require and import, so this is the same instance an `import` of the package gets.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
