// The interactive add, driven in-process with scripted answers instead of a terminal.
import { Command } from 'commander';
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { registerConnectionsCommand, type Prompter } from '../../cli/connections';
import type { AuditEntry } from '../../lib/audit';
import { makeTestEnv, type TestEnv } from '../helpers/env';
import { APP_ID, TENANT_ID, readJson } from '../helpers/registry';

function scripted(answers: Record<string, string>, asked: string[]): Prompter {
  const answer = (message: string, validate?: (v: string) => true | string) => {
    const key = Object.keys(answers).find((k) => message.startsWith(k));
    asked.push(key ?? message);
    const value = key ? answers[key] : '';
    const verdict = validate?.(value) ?? true;
    if (verdict !== true) throw new Error(`prompt rejected ${value}: ${verdict}`);
    return Promise.resolve(value);
  };
  return { input: (q) => answer(q.message, q.validate), select: (q) => answer(q.message) };
}

describe('mm connections add on a terminal', () => {
  let env: TestEnv;
  let out: string[];
  let err: string[];
  let exitCode: number | undefined;
  let audit: AuditEntry[];

  const run = async (args: string[], prompter: Prompter) => {
    const program = new Command('mm').exitOverride();
    registerConnectionsCommand(program, {
      config: env.config,
      audit: { record: (e) => void audit.push(e) },
      out: (t) => void out.push(t),
      err: (t) => void err.push(t),
      setExitCode: (c) => (exitCode = c),
      interactive: true,
      prompter,
    });
    await program.parseAsync(['connections', ...args], { from: 'user' });
  };

  beforeEach(() => {
    env = makeTestEnv();
    out = [];
    err = [];
    exitCode = undefined;
    audit = [];
  });
  afterEach(() => env.cleanup());

  test('asks only for what the flags left out, checks each answer, and adds the connection', async () => {
    const asked: string[] = [];
    const prompter = scripted(
      { appId: APP_ID, 'tenantId': TENANT_ID, description: 'Contoso GA', mcps: 'mm,exo', expectedEmail: '', cloud: 'global', who: 'human' },
      asked,
    );
    await run(['add', 'Contoso-GA', '--tenant', 'contoso.com'], prompter);
    assert.equal(exitCode, undefined, err.join('\n'));
    assert.deepEqual(asked, ['appId', 'tenantId', 'description', 'mcps', 'expectedEmail', 'cloud', 'who']);
    const entry = readJson(env.config.registryPath).connections['Contoso-GA'];
    assert.deepEqual(entry.mcps, ['mm', 'exo']);
    assert.equal(entry.confirmWith, 'human');
    assert.equal(entry.expectedEmail, undefined);
    assert.equal(audit[0].actor, 'cli');
  });

  test('a wrong answer is caught by the prompt itself', async () => {
    await assert.rejects(run(['add', 'X'], scripted({ appId: 'not-a-guid' }, [])), /appId: must be a GUID/);
  });

  test('an empty appId shows the setup instructions and exits 1 without writing', async () => {
    await run(['add', 'Contoso-GA', '--tenant', 'contoso.com'], scripted({ appId: '' }, []));
    assert.equal(exitCode, 1);
    assert.match(out.join('\n'), /Option A: Azure Portal[\s\S]*Option B: CLI for Microsoft 365/);
    assert.match(err.join('\n'), /appId: is required/);
    assert.equal(audit[0].outcome, 'refused');
    assert.deepEqual(audit[0].fields, ['appId']);
  });
});
