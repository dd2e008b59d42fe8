// The worker's own view: can it read the registry, write its state dir, which versions it runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Config } from '../lib/config';

export interface HealthCheckItem {
  name: string;
  ok: boolean;
  detail: string;
}

export interface WorkerHealth {
  host: string;
  pid: number;
  uptimeSeconds: number;
  temporal: { address: string; namespace: string };
  versions: { node: string; project: string; temporalSdk: string };
  checks: HealthCheckItem[];
}

const require = createRequire(import.meta.url);
const projectVersion = (require('../package.json') as { version: string }).version;
const sdkVersion = (require('@temporalio/worker/package.json') as { version: string }).version;

function registryCheck(file: string): HealthCheckItem {
  if (!fs.existsSync(file)) {
    return { name: 'registry', ok: true, detail: `${file} does not exist yet (no connections; add one with mm connections add)` };
  }
  try {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { connections?: object };
    return { name: 'registry', ok: true, detail: `${file}: ${Object.keys(data.connections ?? {}).length} connection(s)` };
  } catch (err) {
    return { name: 'registry', ok: false, detail: `${file} is not readable JSON: ${(err as Error).message}` };
  }
}

function stateDirCheck(dir: string): HealthCheckItem {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, `.probe-${process.pid}-${Date.now()}`);
    fs.writeFileSync(probe, 'ok');
    fs.rmSync(probe);
    return { name: 'stateDir', ok: true, detail: `${dir} is writable` };
  } catch (err) {
    return { name: 'stateDir', ok: false, detail: `${dir} is not writable: ${(err as Error).message}` };
  }
}

export function createHealthActivities(config: Config) {
  const startedAt = Date.now();
  return {
    async reportWorkerHealth(): Promise<WorkerHealth> {
      return {
        host: os.hostname(),
        pid: process.pid,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        temporal: { address: config.temporal.address, namespace: config.temporal.namespace },
        versions: { node: process.version, project: projectVersion, temporalSdk: sdkVersion },
        checks: [
          { name: 'temporal', ok: true, detail: `worker polling ${config.temporal.address} (${config.temporal.namespace})` },
          registryCheck(config.registryPath),
          stateDirCheck(config.stateDir),
        ],
      };
    },
  };
}
