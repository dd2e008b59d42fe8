// packaging/server.json is the MCP registry entry: it must validate against the registry's schema
// (vendored in packaging/server.schema.json) and agree with package.json and the configuration the
// server reads, or a registry client would start something that is not there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { variables } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, rel), 'utf8'));
const schema = read('packaging/server.schema.json');
const server = read('packaging/server.json');
const pkg = read('package.json');

function validator() {
  // strict: false because the registry's schema carries OpenAPI's `example` keyword.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

test('server.json validates against the MCP registry schema 2025-12-11', () => {
  assert.equal(schema.$id, 'https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json');
  assert.equal(server.$schema, schema.$id, 'server.json names the schema it is checked against');
  const validate = validator();
  assert.equal(validate(server), true, JSON.stringify(validate.errors, null, 2));
});

test('the schema check catches what the registry refuses', () => {
  const validate = validator();
  const broken = (change: (s: typeof server) => void) => {
    const copy = structuredClone(server);
    change(copy);
    return validate(copy);
  };
  assert.equal(broken((s) => (s.description = 'x'.repeat(101))), false, 'a description over 100 characters');
  assert.equal(broken((s) => (s.name = 'no-slash')), false, 'a name without its namespace');
  assert.equal(broken((s) => (s.packages[0].version = 'latest')), false, "a package version 'latest'");
  assert.equal(broken((s) => delete s.packages[0].transport), false, 'a package without its transport');
});

test('server.json agrees with package.json: name, version, npm package and stdio command', () => {
  assert.equal(server.name, pkg.mcpName, 'the registry matches server.json name to the package\'s mcpName');
  assert.equal(server.version, pkg.version);
  assert.equal(server.packages.length, 1);
  const [npm] = server.packages;
  assert.equal(npm.registryType, 'npm');
  assert.equal(npm.identifier, pkg.name);
  assert.equal(npm.version, pkg.version);
  assert.deepEqual(npm.transport, { type: 'stdio' });
  assert.deepEqual(npm.packageArguments, [{ type: 'positional', value: 'mcp', description: 'Serve the MCP tools on stdio.' }], 'npx -y <package> mcp');
  assert.equal(server.repository.url, pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''));
});

test('every environment variable server.json documents is one the server reads, with its real default', () => {
  const documented = server.packages[0].environmentVariables as Array<{ name: string; default?: string; isSecret?: boolean }>;
  assert.ok(documented.some((v) => v.name === 'M365_CONNECTIONS') && documented.some((v) => v.name === 'MM_AUTOSTART'));
  for (const v of documented) {
    const spec = (variables as Record<string, { default?: () => string }>)[v.name];
    assert.ok(spec, `${v.name} is read by lib/config.ts`);
    if (v.default !== undefined && spec.default) {
      const real = spec.default().replace(process.env.HOME ?? '\u0000', '~');
      assert.equal(v.default, real, `${v.name}'s documented default`);
    }
  }
  for (const secret of ['TEMPORAL_API_KEY', 'MM_DB_KEY', 'MM_TOKEN_KEY']) {
    assert.equal(documented.find((v) => v.name === secret)?.isSecret, true, `${secret} is marked secret`);
  }
});
