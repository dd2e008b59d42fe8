// Logs go to stderr and to a file in MM_LOG_DIR, never to stdout: under stdio, stdout carries the
// MCP protocol. Values under keys that name secrets are redacted wherever they appear.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACTED_KEYS = [
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'token',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'passwordProfile',
  'authorization',
  'Authorization',
  'apiKey',
  'dbKey',
  'device_code',
];

/** Removes bearer tokens and JWT-shaped strings from free text (command output, error messages). */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi, '$1[redacted]')
    .replace(/((?:client_secret|refresh_token|access_token|password)["']?\s*[:=]\s*["']?)[^"'\s&,}]+/gi, '$1[redacted]');
}

export interface LoggerOptions {
  name: string;
  level?: string;
  /** Directory for `<name>.log`; omitted: stderr only. */
  logDir?: string;
  /** Human-readable lines on stderr (mm up in a terminal). */
  pretty?: boolean;
  /** false: the log file only, nothing on stderr (mm demo, whose terminal shows the tour); needs logDir. */
  stderr?: boolean;
}

/**
 * Opens a log file for appending, readable by its owner alone (0600, in a 0700 directory when it
 * creates it): logs name tenants, users and commands. An existing file is narrowed to its owner.
 */
export function openPrivateLog(logFile: string): number {
  fs.mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(logFile, 'a', 0o600);
  fs.fchmodSync(fd, 0o600);
  return fd;
}

export function createLogger(options: LoggerOptions): Logger {
  const streams: pino.StreamEntry[] = [];
  const level = (options.level ?? 'info') as pino.Level;
  if (options.stderr === false && !options.logDir) throw new Error('createLogger: a logger without stderr needs a logDir');
  if (options.stderr !== false) {
    // pino-pretty is loaded lazily: only interactive commands pay for it.
    streams.push({ level, stream: options.pretty ? pinoPretty() : pino.destination({ dest: 2, sync: true }) });
  }
  if (options.logDir) {
    streams.push({ level, stream: pino.destination({ dest: openPrivateLog(path.join(options.logDir, `${options.name}.log`)), sync: false }) });
  }
  return pino(
    {
      name: options.name,
      level,
      redact: { paths: REDACTED_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]), censor: '[redacted]' },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    pino.multistream(streams),
  );
}

const require = createRequire(import.meta.url);

function pinoPretty(): NodeJS.WritableStream {
  const pretty = require('pino-pretty') as (o: object) => NodeJS.WritableStream;
  return pretty({ destination: 2, colorize: process.stderr.isTTY, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' });
}

/** A logger that writes nothing, for tests and library defaults. */
export const silentLogger: Logger = pino({ level: 'silent' });
