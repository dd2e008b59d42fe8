// The administration suites' set-up: a sandbox tenant that approves every device code as its admin,
// delegated connections to it (Graph by device code, Exchange through the pool worker running the
// stand-in pwsh), the main worker and a real MCP client; optionally the Exchange session signed in
// once before the tests, so they see no sign-in.
import { SANDBOX_DOMAIN, type SandboxOptions } from '../../sandbox';
import type { TenantSnapshot } from '../../sandbox/state';
import { textOf } from './mcp';
import { callTool, startPwshMcpHarness, waitUntil, type PwshMcpHarness } from './pwsh-worker';

export const CONNECTION = 'Contoso';
export const upn = (local: string) => `${local}@${SANDBOX_DOMAIN}`;

export interface ToolAnswer<R> {
  workflowId: string;
  status: string;
  adopted?: boolean;
  error?: string;
  result?: R;
}

export interface HarnessOptions {
  /** Registry entries (name → extra fields) of delegated connections to the sandbox (default: Contoso). */
  connections?: Record<string, object>;
  /** Changes to the seeded tenant before anything signs in. */
  seed?: (snapshot: TenantSnapshot) => void;
  sandbox?: SandboxOptions;
  /** Sign the Contoso Exchange session in before the tests (default true). */
  signInExchange?: boolean;
}

export interface AdminHarness extends PwshMcpHarness {
  /** Calls a tool (on Contoso unless args name a connection) and, while its workflow still runs or signs in, follows it to its end. */
  call<R>(tool: string, args: Record<string, unknown>): Promise<{ result: Awaited<ReturnType<typeof callTool>>; s: ToolAnswer<R> }>;
}

export async function startAdminHarness(prefix: string, options: HarnessOptions = {}): Promise<AdminHarness> {
  const harness = await startPwshMcpHarness(prefix, options.connections ?? { [CONNECTION]: {} }, {
    sandbox: { autoApprove: true, ...options.sandbox },
    seed: options.seed,
  });
  const { mcp } = harness;

  const call = async <R>(tool: string, args: Record<string, unknown>) => {
    let result = await callTool(mcp.client, tool, { connection: CONNECTION, waitSeconds: 60, ...args });
    let s = result.structuredContent as unknown as ToolAnswer<R>;
    if (s && (s.status === 'running' || s.status === 'waiting_for_sign_in')) {
      const workflowId = s.workflowId;
      await waitUntil(async () => {
        result = await callTool(mcp.client, 'workflow_status', { workflowId, waitSeconds: 30 });
        s = result.structuredContent as unknown as ToolAnswer<R>;
        return s.status !== 'running' && s.status !== 'waiting_for_sign_in';
      }, `${tool} workflow ${workflowId} to finish`, 180_000);
    }
    return { result, s };
  };

  if (options.signInExchange ?? true) {
    // The sandbox approves the code.
    const warm = await call<{ status: string }>('run', { module: 'exo', command: 'Get-AcceptedDomain' });
    if (warm.s.status !== 'done') throw new Error(`The Exchange session did not sign in: ${textOf(warm.result)}`);
  }

  return { ...harness, call };
}
