// mm codec-server: the codec server (lib/temporal/codec-server.ts) with this installation's payload
// key, for the Temporal UI and the Temporal CLI to show decoded payloads to a person who holds it.
import type { Command } from 'commander';
import type { Config } from '../lib/config';
import type { Logger } from '../lib/logger';
import { payloadCodec } from '../lib/temporal/codec';
import { createCodecServer, listenCodecServer, type RunningCodecServer } from '../lib/temporal/codec-server';
import { commandContext, say } from './context';

/** The dev server's UI as a browser reaches it, by either loopback name. */
export function defaultUiOrigins(config: Config): string[] {
  return [`http://localhost:${config.uiPort}`, `http://127.0.0.1:${config.uiPort}`];
}

export async function startCodecServer(
  config: Config,
  logger: Logger,
  options: { host?: string; port?: number; uiOrigins?: string[] } = {},
): Promise<RunningCodecServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createCodecServer({
    codec: payloadCodec(config.temporal.payloadKeys),
    namespace: config.temporal.namespace,
    uiOrigins: options.uiOrigins?.length ? options.uiOrigins : defaultUiOrigins(config),
    hostNames: [host],
    logger: logger.child({ part: 'codec-server' }),
  });
  return listenCodecServer(server, host, options.port ?? config.codecPort);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerCodecServerCommand(program: Command): void {
  program
    .command('codec-server')
    .description('Serve /encode and /decode (Temporal codec server protocol) with the payload key, so the Temporal UI and CLI show decoded payloads')
    .option('--port <n>', 'port to listen on (default MM_CODEC_PORT, 8234)', (v) => Number(v))
    .option('--host <address>', 'address to listen on (default 127.0.0.1: only this machine; whoever reaches another address can decode every payload)')
    .option('--ui-origin <url>', 'origin of a Temporal UI allowed to call it from a browser (repeatable; default http://localhost:MM_UI_PORT and http://127.0.0.1:MM_UI_PORT)', collect)
    .addHelpText(
      'after',
      '\nPoint a UI at it with `temporal server start-dev --ui-codec-endpoint <url>` (mm up does this itself),\n' +
        "or in the UI's Data Encoder settings; the Temporal CLI takes `--codec-endpoint <url>`.",
    )
    .action(async (options: { port?: number; host?: string; uiOrigin?: string[] }) => {
      const { config, logger } = commandContext('codec-server', { pretty: process.stderr.isTTY });
      if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
        process.stderr.write('mm: --port: expected a port number 1-65535.\n');
        process.exitCode = 2;
        return;
      }
      for (const origin of options.uiOrigin ?? []) {
        if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
          process.stderr.write(`mm: --ui-origin ${origin}: expected an origin such as http://localhost:8233 (scheme, host, port; no path).\n`);
          process.exitCode = 2;
          return;
        }
      }
      const running = await startCodecServer(config, logger, { host: options.host, port: options.port, uiOrigins: options.uiOrigin });
      say(`Codec server at ${running.url} (POST /encode, /decode) for namespace '${config.temporal.namespace}'; Ctrl-C stops it.`);
      say(`  Temporal UI: start the dev server with --ui-codec-endpoint ${running.url}, or set it under Data Encoder in the UI.`);
      say(`  Temporal CLI: temporal workflow show --workflow-id <id> --codec-endpoint ${running.url}`);
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await running.close();
    });
}
