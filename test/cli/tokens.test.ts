// `mm tokens create|list|revoke`: the secret printed once and stored only as a hash (0600, atomic),
// limits kept, names checked, an absent token refused without a write.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Command } from 'commander';
import { tokensFile, tokenVerifier } from '../../lib/http-tokens';
import { registerTokensCommand } from '../../cli/tokens';
import { makeTestEnv } from '../helpers/env';

const env = makeTestEnv();

async function mm(...args: string[]): Promise<{ out: string[]; err: string[]; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  let code = 0;
  const program = new Command('mm').exitOverride();
  registerTokensCommand(program, { config: env.config, out: (t) => out.push(t), err: (t) => err.push(t), setExitCode: (c) => (code = c) });
  await program.parseAsync(['node', 'mm', 'tokens', ...args]);
  return { out, err, code };
}

describe('mm tokens', () => {
  after(() => env.cleanup());

  test('create prints the secret once; the file holds its hash only, mode 0600; list shows the limits; revoke ends it', async () => {
    const created = await mm('create', 'claude-desktop', '--connections', 'Contoso-GA,ClientX', '--read-only');
    assert.equal(created.code, 0, created.err.join('\n'));
    assert.equal(created.out.length, 1);
    const secret = created.out[0];
    assert.match(secret, /^mmt_[A-Za-z0-9_-]{43}$/);
    assert.match(created.err.join('\n'), /connections Contoso-GA, ClientX, read-only/);

    const file = tokensFile(env.config.stateDir);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(!text.includes(secret), 'the secret is not stored');
    assert.ok(text.includes(crypto.createHash('sha256').update(secret).digest('hex')));
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);

    const verify = tokenVerifier(env.config.stateDir);
    assert.deepEqual(verify(secret), { token: 'claude-desktop', readOnly: true, connections: ['Contoso-GA', 'ClientX'] });
    assert.equal(verify(`${secret}x`), undefined);

    const listed = await mm('list', '--json');
    const tokens = (JSON.parse(listed.out[0]) as { tokens: Array<Record<string, unknown>> }).tokens;
    assert.deepEqual(tokens.map((t) => [t.name, t.connections, t.readOnly, 'hash' in t]), [['claude-desktop', ['Contoso-GA', 'ClientX'], true, false]]);
    const table = await mm('list');
    assert.match(table.out.join('\n'), /claude-desktop\s+Contoso-GA,ClientX\s+yes/);

    const revoked = await mm('revoke', 'claude-desktop');
    assert.equal(revoked.code, 0);
    assert.equal(verify(secret), undefined, 'a revoked token no longer matches');
  });

  test('a second token of the same name, a reserved or dot name, an absent token: exit 1 with the fix, nothing written', async () => {
    await mm('create', 'ci');
    const file = tokensFile(env.config.stateDir);
    const before = fs.readFileSync(file, 'utf8');
    const cases: Array<[string[], RegExp]> = [
      [['create', 'CI'], /a token named 'CI' already exists. Fix: choose another name/],
      [['create', '__proto__'], /'__proto__' is a reserved word/],
      [['create', '..'], /must not start with a dot/],
      [['create', 'a/b'], /not a valid token name/],
      [['create', 'default'], /names MM_HTTP_TOKEN/],
      [['create', 'x', '--connections', ','], /list at least one connection/],
      [['revoke', 'nope'], /Token 'nope' does not exist: nothing revoked. Known: ci/],
    ];
    for (const [args, message] of cases) {
      const run = await mm(...args);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.err.join('\n'), message);
      assert.equal(fs.readFileSync(file, 'utf8'), before, `${args.join(' ')} wrote nothing`);
    }
  });
});
