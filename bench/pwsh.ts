// Bench rows for the pwsh pool: the round trip of a trivial command through the run tool (MCP →
// runCommand workflow on the main worker → pwsh activity on the pool worker → stand-in pwsh), and
// the same command through pool.run directly, on one signed-in exo session.
import { Registry } from '../lib/registry';
import { latencyRow, overheadRow, timeEach, type BenchRow } from './harness';
import { BENCH_CONNECTION, startBenchTenant } from './tenant';

const COMMAND = 'Write-Output 1';

interface RunAnswer {
  workflowId: string;
  status: string;
  waitingFor?: { userCode?: string };
  result?: { pid?: number };
}

/** Measures `calls` sequential runs of a trivial command; the caller adds the rows to its table. */
export async function benchPwsh(options: { address: string; calls: number; say?: (line: string) => void }): Promise<BenchRow[]> {
  const say = options.say ?? (() => undefined);
  const { sandbox, env, mcp, pwsh, close } = await startBenchTenant(options.address, 'run');
  const run = async () => {
    const r = await mcp.client.callTool({ name: 'run', arguments: { connection: BENCH_CONNECTION, module: 'exo', command: COMMAND, waitSeconds: 60 } });
    return r.structuredContent as unknown as RunAnswer;
  };
  try {
    say('pwsh: signing the exo session in…');
    const first = await run();
    if (first.status !== 'waiting_for_sign_in' || !first.waitingFor?.userCode) throw new Error(`expected a device code, got ${JSON.stringify(first)}`);
    sandbox.approve(first.waitingFor.userCode);
    // workflow_status returns at each change of state: follow it to the end.
    let signedIn = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.workflowId, waitSeconds: 60 } });
    for (let i = 0; i < 10 && (signedIn.structuredContent as unknown as RunAnswer).status === 'running'; i += 1) {
      signedIn = await mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.workflowId, waitSeconds: 60 } });
    }
    if ((signedIn.structuredContent as unknown as RunAnswer).status !== 'done') throw new Error(`sign-in did not complete: ${JSON.stringify(signedIn.structuredContent)}`);

    say(`pwsh: ${options.calls} runs of '${COMMAND}' through MCP → workflow → pool worker → stand-in…`);
    const pids = new Set<number>();
    const viaRun = await timeEach(options.calls, async () => {
      const r = await run();
      if (r.status !== 'done') throw new Error(`run answered ${r.status}`);
      pids.add(r.result!.pid!);
    });
    say(`pwsh: ${options.calls} calls of pool.run directly…`);
    const bench = new Registry(env.config.registryPath).forMcp(BENCH_CONNECTION);
    const direct = await timeEach(options.calls, () => pwsh.pool.run(bench, 'exo', COMMAND));
    const through = latencyRow(`run tool: MCP → runCommand workflow → pwsh worker → stand-in ('${COMMAND}')`, viaRun, `${pids.size} pwsh process(es)`);
    const directRow = latencyRow(`pool.run directly on the same session ('${COMMAND}')`, direct);
    return [through, directRow, overheadRow('overhead of the Temporal path for a pwsh command (p50 difference)', through, directRow)];
  } finally {
    await close();
  }
}
