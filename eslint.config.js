// Lint: TypeScript-aware rules, no floating promises anywhere, no Node built-ins (or anything else
// non-deterministic) imported from workflow code, and layers that import downward only:
// mcp → workflows → activities → lib (DESIGN.md, decision 12).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const noNodeBuiltins = (message) => nodeBuiltins.map((name) => ({ name, message }));

/** The lib/temporal files bundled into the workflow sandbox: workflows may import them by value. */
const workflowSafeLib = ['lib/temporal/names.ts', 'lib/temporal/outcome.ts', 'lib/temporal/search-attributes.ts', 'lib/temporal/signals.ts', 'lib/temporal/status.ts'];

const layer = {
  activities: { group: ['**/activities', '**/activities/*'], message: 'What MCP and activities share lives in lib/ (lib/temporal for signals, queries and queues).' },
  workflows: { group: ['**/workflows', '**/workflows/*'], message: 'Activities and lib do not import workflow code: signals, queries and status types live in lib/temporal.' },
};

export default tseslint.config(
  { ignores: ['node_modules/**', '.tools/**', 'dist/**', 'test-output/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // node:test's describe/test return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: noNodeBuiltins('Workflow code is deterministic: no Node built-ins (use an activity).'),
          patterns: [
            {
              group: ['../activities/*', '../lib/*', '!../lib/temporal', '../lib/temporal/*', ...workflowSafeLib.map((f) => `!../${f.replace(/\.ts$/, '')}`)],
              allowTypeImports: true,
              message: 'Workflows import activities and lib code by type only (the pure lib/temporal names, outcome, search attributes, signals and status are allowed).',
            },
          ],
        },
      ],
    },
  },
  {
    // The MCP front and the CLI start workflows only through the operations module (mcp/operations)
    // and read them through the runner (mcp/workflow-runner.ts): only those touch the client's values.
    files: ['mcp/**/*.ts', 'cli/**/*.ts'],
    ignores: ['mcp/operations/**', 'mcp/workflow-runner.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: '@temporalio/client', allowTypeImports: true, message: 'Start workflows through mcp/operations; read them through mcp/workflow-runner.' }],
          patterns: [layer.activities],
        },
      ],
    },
  },
  {
    files: ['mcp/operations/**', 'mcp/workflow-runner.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer.activities] }] },
  },
  {
    files: ['activities/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer.workflows] }] },
  },
  {
    files: ['lib/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer.activities, layer.workflows] }] },
  },
  {
    files: workflowSafeLib,
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: noNodeBuiltins('Bundled into the workflow sandbox: no Node built-ins.'), patterns: [layer.activities, layer.workflows] },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
