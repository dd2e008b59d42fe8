// The workflow bundle, built once per version of the workflow sources and cached, so a worker starts
// in seconds instead of bundling with webpack on every start. An installed package has no workflow
// sources: it ships the bundle prebuilt by `npm pack` (bin/build.js --workflows) as PREBUILT_BUNDLE.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { CACHE_DIR, PROJECT_ROOT } from '../lib/paths';
import type { Logger } from '../lib/logger';
import { temporalLogger } from '../lib/temporal/log-adapter';

export const WORKFLOWS_PATH = path.join(PROJECT_ROOT, 'workflows', 'index.ts');
/** Workflow interceptors bundled with the workflows: the audit's headers (who asked, undo). */
export const WORKFLOW_INTERCEPTOR_MODULES = [path.join(PROJECT_ROOT, 'workflows', 'audit-context.ts')];
/** Written by `node bin/build.js --workflows` (the package's prepack); keep the name in step with it. */
export const PREBUILT_BUNDLE = path.join(PROJECT_ROOT, 'dist', 'workflow-bundle.js');

/** Workflow code may import pure modules from lib/: hash both trees. */
const SOURCE_DIRS = ['workflows', 'lib'].map((d) => path.join(PROJECT_ROOT, d));

function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  const sdk = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8'));
  hash.update(sdk.version);
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) hash.update(full).update(fs.readFileSync(full));
    }
  };
  SOURCE_DIRS.forEach(walk);
  return hash.digest('hex').slice(0, 16);
}

export async function workflowBundle(logger: Logger): Promise<{ codePath: string }> {
  if (!fs.existsSync(WORKFLOWS_PATH)) {
    if (fs.existsSync(PREBUILT_BUNDLE)) return { codePath: PREBUILT_BUNDLE };
    throw new Error(`No workflow code: neither the sources (${WORKFLOWS_PATH}) nor the prebuilt bundle (${PREBUILT_BUNDLE}) are there. Reinstall the package.`);
  }
  const codePath = path.join(CACHE_DIR, `workflows-${sourceHash()}.js`);
  if (fs.existsSync(codePath)) return { codePath };
  const started = Date.now();
  logger.info('bundling workflow code (once per change of the workflow sources)');
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: temporalLogger(logger.child({ part: 'bundler' })) });
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const temp = `${codePath}.${process.pid}.tmp`;
  fs.writeFileSync(temp, code);
  fs.renameSync(temp, codePath);
  logger.info({ ms: Date.now() - started }, 'workflow bundle cached');
  return { codePath };
}
