// `mm tokens create|list|revoke`: the named bearer tokens of `mm mcp --http`. The secret is printed
// once, at creation (stdout, so a script can capture it); only its hash is kept.
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../lib/config';
import { createToken, HttpTokenError, readTokens, revokeToken, tokensFile } from '../lib/http-tokens';

export interface TokensCommandDeps {
  config?: Config;
  out?: (text: string) => void;
  err?: (text: string) => void;
  setExitCode?: (code: number) => void;
}

export function registerTokensCommand(program: Command, deps: TokensCommandDeps = {}): void {
  const out = deps.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const err = deps.err ?? ((text: string) => process.stderr.write(`${text}\n`));
  const fail = deps.setExitCode ?? ((code: number) => (process.exitCode = code));
  const stateDir = () => (deps.config ?? loadConfig()).stateDir;
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<void> | void) =>
    async (...args: A) => {
      try {
        await action(...args);
      } catch (error) {
        if (!(error instanceof HttpTokenError) && !(error instanceof ConfigError)) throw error;
        err(`mm tokens: ${error.message}`);
        fail(1);
      }
    };

  const tokens = program
    .command('tokens')
    .description('Manage the named bearer tokens of mm mcp --http (stored hashed in MM_STATE_DIR/http-tokens.json)');

  tokens
    .command('create')
    .argument('<name>', 'token name (1-64 letters, digits, . _ -), e.g. the client it is for')
    .option('--connections <list>', 'only these connections (comma-separated); default: all')
    .option('--read-only', 'only tools that change nothing')
    .description('Create a token and print its secret (shown once: store it in the client now)')
    .action(
      run(async (name: string, flags: { connections?: string; readOnly?: boolean }) => {
        const { secret, record } = await createToken(stateDir(), name, { connections: flags.connections?.split(','), readOnly: flags.readOnly });
        const limits = [record.connections ? `connections ${record.connections.join(', ')}` : 'all connections', record.readOnly ? 'read-only' : 'read and write'];
        err(`Created token '${name}' (${limits.join(', ')}). Its secret, shown once (send it as "Authorization: Bearer <secret>"):`);
        out(secret);
      }),
    );

  tokens
    .command('list')
    .option('--json', 'machine-readable output')
    .description('List the tokens (names and limits; secrets are not stored)')
    .action(
      run((flags: { json?: boolean }) => {
        const list = readTokens(stateDir()).map(({ hash: _hash, ...rest }) => rest);
        if (flags.json) {
          out(JSON.stringify({ file: tokensFile(stateDir()), tokens: list }, null, 2));
          return;
        }
        if (!list.length) {
          out('No named tokens. Create one with: mm tokens create NAME [--connections a,b] [--read-only]');
          return;
        }
        const rows = list.map((t) => [t.name, t.connections?.join(',') ?? '(all)', t.readOnly ? 'yes' : 'no', t.created]);
        const header = ['NAME', 'CONNECTIONS', 'READ-ONLY', 'CREATED'];
        const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        for (const row of [header, ...rows]) out(row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd());
      }),
    );

  tokens
    .command('revoke')
    .argument('<name>', 'token to revoke')
    .description('Revoke a token: the next request presenting it is refused')
    .action(
      run(async (name: string) => {
        await revokeToken(stateDir(), name);
        out(`Revoked token '${name}'.`);
      }),
    );
}
