// docker-compose.yml is the documented production stack; with no Docker engine here it is checked
// statically: it parses, every service has an image, ports bind loopback, references resolve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../lib/paths';

interface Service {
  image?: string;
  ports?: string[];
  depends_on?: Record<string, unknown>;
  environment?: Record<string, string>;
  command?: string | string[];
}

const compose = parse(fs.readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};

test('every service has an image, and published ports bind loopback only', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    assert.ok(service.image, `${name} has an image`);
    for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:\d+:\d+$/, `${name} publishes ${port} on loopback`);
  }
});

test('dependencies name existing services; our processes reach Temporal by its service name', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const dep of Object.keys(service.depends_on ?? {})) assert.ok(compose.services[dep], `${name} depends on ${dep}, which exists`);
  }
  const temporalPort = compose.services.temporal.ports?.[0]?.split(':')[2];
  for (const name of ['worker', 'mcp']) {
    assert.equal(compose.services[name].environment?.TEMPORAL_ADDRESS, `temporal:${temporalPort}`);
    assert.equal(compose.services[name].environment?.MM_AUTOSTART, 'false');
  }
});

test('the Temporal server and UI images match the versions the dev server embeds', () => {
  assert.match(compose.services.temporal.image ?? '', /:1\.29\.1$/);
  assert.match(compose.services['temporal-ui'].image ?? '', /:2\.42\.1$/);
});

test('the MCP service serves HTTP on the published port and the search attributes are registered', () => {
  const command = String(compose.services.mcp.command);
  const published = compose.services.mcp.ports?.[0]?.split(':')[2];
  assert.match(command, new RegExp(`mcp --http --host 0\\.0\\.0\\.0 --port ${published}`));
  const setup = String(compose.services['temporal-admin-tools'].command);
  for (const attr of ['M365Connection', 'M365Operation', 'M365Target']) assert.match(setup, new RegExp(`--name ${attr} --type Keyword`));
});
