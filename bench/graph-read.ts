// Bench rows for the DESIGN target "a Graph read through MCP → workflow → activity within 30 ms p50
// of the direct call": graph_request GET of one user through the MCP server (a graphRequest
// workflow: plan, sign-in state and the read, on the main worker), and the same read through the
// same Graph client and token cache called directly, on a signed-in connection of the sandbox.
import { silentLogger } from '../lib/logger';
import { SANDBOX_ADMIN_UPN } from '../sandbox/constants';
import { createWorkerServices } from '../workers/main';
import { latencyRow, overheadRow, timeEach, type BenchRow } from './harness';
import { BENCH_CONNECTION, startBenchTenant } from './tenant';

interface Answer {
  status: string;
  result?: { httpStatus?: number };
}

export async function benchGraphRead(options: { address: string; calls: number; say?: (line: string) => void }): Promise<BenchRow[]> {
  const say = options.say ?? (() => undefined);
  const { env, mcp, close } = await startBenchTenant(options.address, 'graph-read', { autoApprove: true });
  const endpoint = `/users/${SANDBOX_ADMIN_UPN}?$select=id,displayName`;
  const ask = async () => {
    const r = await mcp.client.callTool({ name: 'graph_request', arguments: { connection: BENCH_CONNECTION, method: 'GET', endpoint, waitSeconds: 60 } });
    return r.structuredContent as unknown as Answer;
  };
  const read = async () => {
    const answer = await ask();
    if (answer.status !== 'done' || answer.result?.httpStatus !== 200) throw new Error(`graph_request answered ${JSON.stringify(answer).slice(0, 300)}`);
  };
  try {
    // The first read signs the connection in (auto-approved); it answers with the device code.
    say('graph read: signing the connection in (auto-approved)…');
    for (let i = 0; (await ask()).status !== 'done'; i += 1) {
      if (i === 20) throw new Error('the connection did not sign in');
      await new Promise((r) => setTimeout(r, 500));
    }
    await read();
    say(`graph read: ${options.calls} graph_request GETs through MCP → workflow…`);
    const viaMcp = await timeEach(options.calls, read);
    say(`graph read: ${options.calls} of the same read through the Graph client directly…`);
    const services = createWorkerServices(env.config, silentLogger);
    const graph = services.graph.forConnection(services.registry.forMcp(BENCH_CONNECTION));
    await graph.request('GET', endpoint);
    const direct = await timeEach(options.calls, async () => {
      const response = await graph.request('GET', endpoint);
      if (response.status !== 200) throw new Error(`direct read answered ${response.status}`);
    });
    const through = latencyRow('graph_request GET one user: MCP → graphRequest workflow → read on the worker', viaMcp);
    const directRow = latencyRow('the same read through the Graph client directly (same token cache)', direct);
    return [through, directRow, overheadRow('overhead of the Temporal path for a Graph read (p50 difference; target ≤ 30 ms)', through, directRow)];
  } finally {
    await close();
  }
}
