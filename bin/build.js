#!/usr/bin/env node
// npm run build (npm ci runs it through `prepare`): compiles the `mm` command to dist/ with esbuild,
// so installed commands start from JavaScript instead of compiling TypeScript at every start.
// Packages stay external (node_modules is there at run time); each `await import()` of our own code
// becomes a chunk loaded on first use. bin/mm.js runs dist/ only while no source is newer than it.
// --workflows (the package's prepack) also writes the Temporal workflow bundle to
// dist/workflow-bundle.js: an installed package has no workflow sources to bundle at run time.
// --only-workflows writes that bundle alone and leaves the rest of dist/ as it is (the package test
// packs while other tests run the command from dist/).
import fs from 'node:fs';
import path from 'node:path';
import { newestSource, PROJECT_ROOT } from './sources.js';

const outdir = path.join(PROJECT_ROOT, 'dist');
const WORKFLOW_BUNDLE = 'workflow-bundle.js';
const onlyWorkflows = process.argv.includes('--only-workflows');
const withWorkflows = onlyWorkflows || process.argv.includes('--workflows');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  process.stderr.write('mm build: esbuild is not installed (dev dependencies omitted); mm runs its TypeScript sources through tsx.\n');
  process.exit(0);
}
async function buildWorkflowBundle() {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const started = Date.now();
  // The same workflow interceptors as workers/bundle.ts (the audit's headers): keep the two lists in step.
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(PROJECT_ROOT, 'workflows', 'index.ts'),
    workflowInterceptorModules: [path.join(PROJECT_ROOT, 'workflows', 'audit-context.ts')],
  });
  fs.mkdirSync(outdir, { recursive: true });
  const temp = path.join(outdir, `${WORKFLOW_BUNDLE}.${process.pid}.tmp`);
  fs.writeFileSync(temp, code);
  fs.renameSync(temp, path.join(outdir, WORKFLOW_BUNDLE));
  process.stderr.write(`mm build: workflow bundle dist/${WORKFLOW_BUNDLE} (${Math.round(code.length / 1024)} KiB) in ${Date.now() - started} ms\n`);
}

if (onlyWorkflows) {
  await buildWorkflowBundle();
  process.exit(0);
}
const stamp = newestSource();
// Every earlier output goes (stale chunks), except the workflow bundle of an earlier --workflows
// build when this one does not rebuild it: npm pack runs prepack (--workflows), then prepare.
if (fs.existsSync(outdir)) {
  for (const name of fs.readdirSync(outdir)) {
    if (name === WORKFLOW_BUNDLE && !withWorkflows) continue;
    fs.rmSync(path.join(outdir, name), { recursive: true, force: true });
  }
}
await esbuild.build({
  absWorkingDir: PROJECT_ROOT,
  entryPoints: { main: 'cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
fs.writeFileSync(path.join(outdir, 'build.json'), `${JSON.stringify({ newestSource: stamp })}\n`);

if (withWorkflows) await buildWorkflowBundle();
