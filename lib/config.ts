// Every environment variable the project reads, parsed once with a schema. A wrong value stops the
// process with one line that names the variable and what it accepts (see ConfigError).
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parsePayloadKeys, payloadKeySource, type PayloadKeySource } from './temporal/payload-keys';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly accepts: string,
    readonly value: string | undefined,
  ) {
    // A key or token is never repeated back: the message may end up in a log.
    const shown = SECRET_VARIABLES.has(variable) ? '(value not shown)' : JSON.stringify(value ?? '');
    super(`Invalid ${variable}=${shown}: expected ${accepts}.`);
    this.name = 'ConfigError';
  }
}

const SECRET_VARIABLES = new Set(['MM_DB_KEY', 'MM_TOKEN_KEY', 'MM_PAYLOAD_KEY', 'MM_HTTP_TOKEN', 'TEMPORAL_API_KEY']);

const home = () => os.homedir();
const expandHome = (p: string) => (p === '~' || p.startsWith('~/') ? path.join(home(), p.slice(1)) : p);

const boolText = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const hostPort = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/)
  .refine((v) => {
    const port = Number(v.slice(v.lastIndexOf(':') + 1));
    return port > 0 && port < 65536;
  });

const port = z.coerce.number().int().min(1).max(65535);
const dir = z.string().trim().min(1).transform((p) => path.resolve(expandHome(p)));
const file = dir;
const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((u) => /^https?:\/\//.test(u))
  .transform((u) => u.replace(/\/+$/, ''));

/** Host names as a Host header carries them (IPv6 in brackets), comma-separated. */
const hostNames = z
  .string()
  .transform((v) => v.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^(\[[0-9a-f:]+\]|[a-z0-9.-]{1,253})$/)).min(1));

interface Variable<T> {
  schema: z.ZodType<T>;
  accepts: string;
  default: (() => string) | undefined;
}

function variable<T>(schema: z.ZodType<T>, accepts: string): Variable<T> & { default: undefined };
function variable<T>(schema: z.ZodType<T>, accepts: string, defaultValue: () => string): Variable<T> & { default: () => string };
function variable<T>(schema: z.ZodType<T>, accepts: string, defaultValue?: () => string): Variable<T> {
  return { schema, accepts, default: defaultValue };
}

/** The variables, their schemas, what they accept (said in errors and in the README table) and defaults. */
export const variables = {
  M365_CONNECTIONS: variable(file, 'a file path', () => path.join(home(), '.m365-connections.json')),
  MM_STATE_DIR: variable(dir, 'a directory path', () => path.join(home(), '.m365-state')),
  MM_LOG_DIR: variable(dir, 'a directory path', () => path.join(home(), '.m365-logs')),
  MM_TOKEN_DIR: variable(dir, 'a directory path', () => path.join(home(), '.mm-graph-tokens')),
  MM_LOG_LEVEL: variable(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    'one of fatal, error, warn, info, debug, trace, silent',
    () => 'info',
  ),
  TEMPORAL_ADDRESS: variable(hostPort, 'host:port, e.g. 127.0.0.1:7233', () => '127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: variable(
    z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/),
    'a namespace name (letters, digits, . _ -)',
    () => 'default',
  ),
  TEMPORAL_API_KEY: variable(z.string().trim().min(1), 'a non-empty API key'),
  TEMPORAL_TLS: variable(boolText, 'true or false', () => 'false'),
  TEMPORAL_TLS_CLIENT_CERT_PATH: variable(file, 'a PEM certificate file path'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: variable(file, 'a PEM private key file path'),
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: variable(file, 'a PEM CA certificate file path'),
  TEMPORAL_TLS_SERVER_NAME: variable(z.string().trim().min(1), 'a server name for TLS verification'),
  TEMPORAL_CLI: variable(file, 'the path of a temporal executable'),
  MM_UI_PORT: variable(port, 'a port number 1-65535', () => '8233'),
  MM_AUTOSTART: variable(boolText, 'true or false', () => 'true'),
  MM_SEND_GUARDS: variable(boolText, 'true or false', () => 'true'),
  MM_SANDBOX_URL: variable(httpUrl, 'an http(s) URL such as http://127.0.0.1:5999'),
  MM_DB_KEY: variable(z.string().min(16), 'a key of at least 16 characters'),
  MM_TOKEN_KEY: variable(z.string().min(16), 'a key of at least 16 characters'),
  MM_PAYLOAD_KEY: variable(
    z.string().refine((text) => {
      try {
        parsePayloadKeys(text, 'MM_PAYLOAD_KEY');
        return true;
      } catch {
        return false;
      }
    }),
    'a base64 AES-256 key of 32 bytes (openssl rand -base64 32), or comma-separated id:key pairs, the first one current',
  ),
  MM_CODEC_PORT: variable(port, 'a port number 1-65535', () => '8234'),
  MM_WAIT_SECONDS: variable(z.coerce.number().min(0).max(600), 'seconds from 0 to 600', () => '20'),
  MM_WORKFLOW_CACHE: variable(z.coerce.number().int().min(2).max(100000), 'a whole number of workflows from 2 to 100000', () => '200'),
  MM_HTTP_PORT: variable(port, 'a port number 1-65535', () => '3333'),
  MM_HTTP_TOKEN: variable(z.string().min(16), 'a bearer token of at least 16 characters'),
  MM_HTTP_ALLOWED_HOSTS: variable(hostNames, 'comma-separated host names a client may use in the Host header, e.g. mm.internal,10.0.0.5'),
  MM_WORKER_HEALTH_PORT: variable(port, 'a port number 1-65535'),
  MM_METRICS_PORT: variable(port, 'a port number 1-65535'),
  MM_MCP_METRICS_PORT: variable(port, 'a port number 1-65535'),
  MM_METRICS_HOST: variable(z.string().trim().regex(/^[A-Za-z0-9.:[\]-]{1,253}$/), 'a host name or IP address to listen on', () => '127.0.0.1'),
  MM_PWSH: variable(z.string().trim().min(1), 'a pwsh executable path', () => 'pwsh'),
  MM_PWSH_TASK_QUEUE: variable(z.string().trim().regex(/^[A-Za-z0-9@._:-]{1,200}$/), 'a task queue name (letters, digits, @ . _ : -)'),
} as const;

type Vars = typeof variables;
type Parsed = { [K in keyof Vars]: Vars[K] extends Variable<infer T> ? T : never };
export type Env = { [K in keyof Parsed]: Vars[K] extends { default: () => string } ? Parsed[K] : Parsed[K] | undefined };

export interface Config {
  env: Env;
  registryPath: string;
  stateDir: string;
  logDir: string;
  tokenDir: string;
  logLevel: Env['MM_LOG_LEVEL'];
  temporal: TemporalSettings;
  uiPort: number;
  /** The codec server's port (`mm codec-server`, and beside the dev server in `mm up`). */
  codecPort: number;
  autostart: boolean;
  sendGuards: boolean;
  sandboxUrl?: string;
  waitSeconds: number;
  /** Workflows a worker keeps in memory (MM_WORKFLOW_CACHE); an evicted one replays from its history. */
  workflowCache: number;
}

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** True when TEMPORAL_ADDRESS is a plain loopback address: mm may start the embedded dev server there. */
  embedded: boolean;
  apiKey?: string;
  tls?: { clientCertPath?: string; clientKeyPath?: string; serverCaPath?: string; serverName?: string };
  cliPath?: string;
  /** The keys every client and worker seals payloads with (lib/temporal/codec.ts). */
  payloadKeys: PayloadKeySource;
}

/** Parses the environment. Throws ConfigError naming the first variable that is wrong. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const env = {} as Record<string, unknown>;
  for (const [name, spec] of Object.entries(variables) as [string, Variable<unknown>][]) {
    const raw = source[name];
    const text = raw === undefined || raw === '' ? spec.default?.() : raw;
    if (text === undefined) {
      env[name] = undefined;
      continue;
    }
    const result = spec.schema.safeParse(text);
    if (!result.success) throw new ConfigError(name, spec.accepts, raw);
    env[name] = result.data;
  }
  const e = env as Env;
  const tlsFiles = e.TEMPORAL_TLS_CLIENT_CERT_PATH ?? e.TEMPORAL_TLS_CLIENT_KEY_PATH;
  if (Boolean(e.TEMPORAL_TLS_CLIENT_CERT_PATH) !== Boolean(e.TEMPORAL_TLS_CLIENT_KEY_PATH)) {
    const missing = e.TEMPORAL_TLS_CLIENT_CERT_PATH ? 'TEMPORAL_TLS_CLIENT_KEY_PATH' : 'TEMPORAL_TLS_CLIENT_CERT_PATH';
    throw new ConfigError(missing, 'a PEM file path, set together with its pair for mutual TLS', undefined);
  }
  const useTls = e.TEMPORAL_TLS || Boolean(tlsFiles) || Boolean(e.TEMPORAL_API_KEY);
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):\d+$/.test(e.TEMPORAL_ADDRESS);
  return {
    env: e,
    registryPath: e.M365_CONNECTIONS,
    stateDir: e.MM_STATE_DIR,
    logDir: e.MM_LOG_DIR,
    tokenDir: e.MM_TOKEN_DIR,
    logLevel: e.MM_LOG_LEVEL,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      embedded: loopback && !useTls,
      apiKey: e.TEMPORAL_API_KEY,
      tls: useTls
        ? {
            clientCertPath: e.TEMPORAL_TLS_CLIENT_CERT_PATH,
            clientKeyPath: e.TEMPORAL_TLS_CLIENT_KEY_PATH,
            serverCaPath: e.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
            serverName: e.TEMPORAL_TLS_SERVER_NAME,
          }
        : undefined,
      cliPath: e.TEMPORAL_CLI,
      payloadKeys: payloadKeySource(e.MM_STATE_DIR, e.MM_PAYLOAD_KEY),
    },
    uiPort: e.MM_UI_PORT,
    codecPort: e.MM_CODEC_PORT,
    autostart: e.MM_AUTOSTART,
    sendGuards: e.MM_SEND_GUARDS,
    sandboxUrl: e.MM_SANDBOX_URL,
    waitSeconds: e.MM_WAIT_SECONDS,
    workflowCache: e.MM_WORKFLOW_CACHE,
  };
}
