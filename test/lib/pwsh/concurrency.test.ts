// 10 connections × 4 modules × 5 concurrent commands through the pool: every output and every host
// line reaches its own caller, nothing interleaved, one process per (connection, module).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSandbox, type Sandbox } from '../../../sandbox';
import { PWSH_MODULES as ALL_MODULES, PwshPool } from '../../../lib/pwsh';

/** The four PowerShell modules (pac runs pac commands, not PowerShell: see pac.test.ts). */
const PWSH_MODULES = ALL_MODULES.filter((m) => m !== 'pac');
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { STAND_IN_PWSH, memoryLogger, sandboxConnection, waitForState } from '../../helpers/pwsh-pool';

let sandbox: Sandbox;
let env: TestEnv;
let pool: PwshPool;

before(async () => {
  sandbox = await startSandbox({ throttle: 'off', deviceCodeIntervalSeconds: 0.05, autoApprove: true });
  env = makeTestEnv({ MM_SANDBOX_URL: sandbox.url });
  pool = new PwshPool({ executable: STAND_IN_PWSH, env: env.env, logger: memoryLogger('info').logger, stateDir: env.config.stateDir });
});

after(async () => {
  await pool.close();
  await sandbox.close();
  env.cleanup();
});

test('10 connections × 4 modules × 5 concurrent commands: each caller gets its own output', { timeout: 300_000 }, async () => {
  const connections = Array.from({ length: 10 }, (_, i) => sandboxConnection(`Tenant-${i}`));
  // Sign every session in first (the sandbox approves device codes by itself here).
  const first = await Promise.all(connections.flatMap((c) => PWSH_MODULES.map((m) => pool.run(c, m, 'Write-Output warm'))));
  // With auto-approval a sign-in may finish before the pool answers: the code or the output, never an
  // error (the code-first answer itself is tested without auto-approval in pool.test.ts).
  for (const r of first) assert.ok(r.kind === 'auth_pending' || r.kind === 'output', JSON.stringify(r));
  for (const c of connections) for (const m of PWSH_MODULES) await waitForState(pool, c.name, m, 'authenticated');

  const jobs = connections.flatMap((c) =>
    PWSH_MODULES.flatMap((m) =>
      Array.from({ length: 5 }, (_, k) => {
        const tag = `${c.name}/${m}/${k}`;
        // Host output, a multi-line script and a pause so the commands really overlap in each queue.
        const command = `Write-Host 'host ${tag}'\nStart-Sleep -Milliseconds ${20 + ((k * 37) % 60)}\nWrite-Output '${tag}' @{ tag = '${tag}'; k = ${k} }`;
        return pool.run(c, m, command).then((r) => ({ tag, r, connection: c.name, module: m }));
      }),
    ),
  );
  const results = await Promise.all(jobs);
  assert.equal(results.length, 200);
  const pids = new Map<string, Set<number>>();
  for (const { tag, r, connection, module } of results) {
    assert.equal(r.kind, 'output', `${tag}: ${JSON.stringify(r)}`);
    if (r.kind !== 'output') continue;
    assert.deepEqual(r.output, [tag, { tag, k: Number(tag.split('/')[2]) }], tag);
    assert.deepEqual(r.hostLines, [`host ${tag}`], tag);
    const key = `${connection}/${module}`;
    pids.set(key, (pids.get(key) ?? new Set()).add(r.pid));
  }
  assert.equal(pids.size, 40);
  assert.ok([...pids.values()].every((set) => set.size === 1), 'one process per (connection, module)');
  assert.equal(new Set([...pids.values()].map((s) => [...s][0])).size, 40, 'no two sessions share a process');
});
