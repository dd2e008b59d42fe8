// `mm sandbox` runs the local sandbox tenant in the foreground; `mm sandbox approve CODE` approves a
// device code on a running one (through its admin API, found by MM_SANDBOX_URL).
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DAEMON_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID, startSandbox, type Sandbox, type ThrottleProfileName } from '../sandbox';

export interface SandboxCommandDeps {
  out?: (text: string) => void;
  err?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  setExitCode?: (code: number) => void;
  /** Resolves when the foreground sandbox should stop (default: SIGINT or SIGTERM). */
  untilStopped?: (sandbox: Sandbox) => Promise<void>;
}

const DEFAULT_PORT = 5999;

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('give a port number from 0 to 65535 (0 picks a free one).');
  return n;
}

function throttleProfile(value: string): ThrottleProfileName {
  if (!['documented', 'scaled', 'off'].includes(value)) throw new InvalidArgumentError('give documented, scaled or off.');
  return value as ThrottleProfileName;
}

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of seconds, at least 1.');
  return n;
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function registerSandboxCommand(program: Command, deps: SandboxCommandDeps = {}): void {
  const out = deps.out ?? ((t: string) => process.stdout.write(t));
  const err = deps.err ?? ((t: string) => process.stderr.write(t));
  const setExitCode = deps.setExitCode ?? ((c: number) => (process.exitCode = c));
  const env = () => deps.env ?? process.env;

  const sandbox = program
    .command('sandbox')
    .description('Run the local sandbox tenant (Microsoft sign-in, Graph v1.0, Exchange admin API) in the foreground; Ctrl-C stops it.')
    .option('--port <n>', `port on 127.0.0.1 (0 picks a free one; default ${DEFAULT_PORT})`, port, DEFAULT_PORT)
    .option('--host <address>', 'listen address (default 127.0.0.1; another host\'s address only on a private test network)')
    .option('--throttle <profile>', 'documented (Microsoft\'s published limits), scaled (same shape, 100x smaller) or off', throttleProfile, 'documented')
    .option('--auto-approve [upn]', `approve every device code at once, as this user (default ${SANDBOX_ADMIN_UPN})`)
    .option('--snapshot <file>', 'load the tenant from this JSON file if it exists, and save every change to it')
    .option('--token-lifetime <seconds>', 'access token lifetime (default 3600)', seconds)
    .option('--quiet', 'do not print one line per request')
    .action(async (opts: { port: number; host?: string; throttle: ThrottleProfileName; autoApprove?: string | boolean; snapshot?: string; tokenLifetime?: number; quiet?: boolean }) => {
      let running: Sandbox;
      try {
        running = await startSandbox({
          port: opts.port,
          host: opts.host,
          throttle: opts.throttle,
          autoApprove: opts.autoApprove,
          snapshotFile: opts.snapshot,
          accessTokenLifetimeSeconds: opts.tokenLifetime,
          // Long enough to be seen in a demo, well under the documented 15 minutes.
          replicationDelayMs: 10_000,
          log: opts.quiet ? undefined : (line) => err(`${new Date().toISOString()} ${line}\n`),
        });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        err(`mm sandbox: ${code === 'EADDRINUSE' ? `port ${opts.port} is in use; pick another with --port (0 picks a free one)` : (e as Error).message}\n`);
        setExitCode(1);
        return;
      }
      out(
        [
          `Sandbox tenant listening on ${running.url}`,
          `  tenant:  ${SANDBOX_DOMAIN} (${SANDBOX_TENANT_ID})`,
          `  sign in: ${running.url}/devicelogin   (users: ${Object.values(running.state.data.users).map((u) => u.graph.userPrincipalName).join(', ')})`,
          `  apps:    public client ${SANDBOX_APP_ID}, app-only ${SANDBOX_DAEMON_APP_ID}`,
          `  admin:   ${running.url}/_sandbox/health   throttle: ${opts.throttle}${opts.autoApprove ? `   auto-approve: ${opts.autoApprove === true ? SANDBOX_ADMIN_UPN : opts.autoApprove}` : ''}`,
          '',
          `export MM_SANDBOX_URL=${running.url}`,
          '',
        ].join('\n'),
      );
      await (deps.untilStopped ?? waitForSignal)(running);
      await running.close();
      out('Sandbox stopped.\n');
    });

  sandbox
    .command('approve <code>')
    .description('Approve a pending device code on the running sandbox (MM_SANDBOX_URL).')
    .option('--as <upn>', `the sandbox user who signs in (default ${SANDBOX_ADMIN_UPN})`)
    .action(async (code: string, opts: { as?: string }) => {
      const base = env().MM_SANDBOX_URL?.replace(/\/+$/, '');
      if (!base) {
        err('mm sandbox approve: MM_SANDBOX_URL is not set. Start the sandbox with `mm sandbox` and run the export line it prints.\n');
        setExitCode(1);
        return;
      }
      let response: Response;
      try {
        response = await fetch(`${base}/_sandbox/approve`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code, upn: opts.as }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch {
        err(`mm sandbox approve: nothing answers at ${base} (MM_SANDBOX_URL). Is \`mm sandbox\` running?\n`);
        setExitCode(1);
        return;
      }
      const body = (await response.json().catch(() => ({}))) as { upn?: string; error?: { message?: string } };
      if (!response.ok) {
        err(`mm sandbox approve: ${body.error?.message ?? `the sandbox answered ${response.status}`}\n`);
        setExitCode(1);
        return;
      }
      out(`Approved ${code.toUpperCase()} as ${body.upn}.\n`);
    });
}
