// The previous release's workflow bundle, for the upgrade test: today's workflow sources with every
// patch taking its old branch (test/replay/unpatched-workflow.ts stands in for @temporalio/workflow).
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../workers/bundle';

export async function previousWorkflowBundle(): Promise<{ code: string }> {
  const shim = path.join(import.meta.dirname, 'unpatched-workflow.ts');
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    webpackConfigHook: (config) => ({
      ...config,
      resolve: { ...config.resolve, alias: { ...(config.resolve?.alias as Record<string, string>), '@temporalio/workflow$': shim } },
    }),
  });
}
