// `mm connections` as a process: refusals exit 1 with one line naming the field and the fix and
// leave the file byte-for-byte as it was; tables for people, --json for programs.
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestEnv } from '../helpers/env';
import { APP_ID, TENANT_ID, readJson, runCli, writeSeed } from '../helpers/registry';

const env = makeTestEnv();
const file = env.config.registryPath;
const valid = ['--app-id', APP_ID, '--tenant', 'contoso.com', '--tenant-id', TENANT_ID, '--description', 'Test'];

describe('mm connections refusals', () => {
  let seed: string;
  before(() => {
    seed = writeSeed(file);
  });
  after(() => env.cleanup());

  const refusals: Array<{ what: string; args: string[]; field: RegExp; fix: RegExp }> = [
    { what: 'no appId', args: ['add', 'New', '--tenant', 'contoso.com', '--tenant-id', TENANT_ID, '--description', 'x'], field: /appId: is required/, fix: /mm connections setup/ },
    { what: 'bad GUID', args: ['add', 'New', ...valid, '--app-id', 'not-a-guid'], field: /appId: must be a GUID/, fix: /Fix: copy the Application \(client\) ID/ },
    { what: 'bad tenantId GUID', args: ['add', 'New', ...valid, '--tenant-id', '1234'], field: /tenantId: must be a GUID/, fix: /openid-configuration/ },
    { what: 'empty description', args: ['add', 'New', ...valid, '--description', '  '], field: /description: must not be empty/, fix: /Fix: say in a few words/ },
    { what: 'bad name', args: ['add', 'bad name!', ...valid], field: /name: is not a valid connection name/, fix: /Fix: use 1-64 letters/ },
    { what: 'wrong type (boolean)', args: ['edit', 'Contoso-GA', 'readOnly', 'maybe'], field: /readOnly: must be true or false/, fix: /Fix: give true or false/ },
    { what: 'wrong value (cloud)', args: ['add', 'New', ...valid, '--cloud', 'mars'], field: /cloud: is not a known cloud/, fix: /Fix: give one of global, usgov/ },
    { what: 'duplicate on add', args: ['add', 'Contoso-GA', ...valid], field: /name: a connection named 'Contoso-GA' already exists/, fix: /Fix: choose another name/ },
    { what: 'unknown field on edit', args: ['edit', 'Contoso-GA', 'colour', 'red'], field: /colour: not a connection field/, fix: /use one of appId, tenant/ },
    { what: 'unknown name on edit', args: ['edit', 'Nope', 'description', 'x'], field: /Connection 'Nope' not found/, fix: /Known: Contoso-GA, Legacy\. Add one with "mm connections add Nope"/ },
    { what: 'unknown name on remove', args: ['remove', 'Nope'], field: /Connection 'Nope' not found/, fix: /Known: Contoso-GA, Legacy/ },
    { what: 'unknown source on duplicate', args: ['duplicate', 'Nope', 'Copy'], field: /Connection 'Nope' not found/, fix: /Known: Contoso-GA, Legacy/ },
  ];

  for (const r of refusals) {
    test(`${r.what}: exit 1, the field and the fix on stderr, file unchanged`, async () => {
      const run = await runCli(env.env, r.args);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stderr, r.field);
      assert.match(run.stderr, r.fix);
      assert.equal(run.stderr.trim().split('\n').length, 1, 'one line');
      assert.equal(fs.readFileSync(file, 'utf8'), seed);
    });
  }

  test('an add without appId prints both setup routes, the permissions table and what to do with the appId', async () => {
    const run = await runCli(env.env, ['add', 'Fabrikam-GA', '--tenant', 'fabrikam.com', '--tenant-id', TENANT_ID, '--description', 'x']);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /Azure Portal/);
    assert.match(run.stdout, /npm install -g @pnp\/cli-microsoft365\n\s+m365 setup/);
    for (const p of ['Mail.ReadWrite', 'Calendars.ReadWrite', 'Sites.ReadWrite.All', 'ChannelMessage.Send']) assert.ok(run.stdout.includes(`\`${p}\``), p);
    // What the compliance checks and remediate_finding need, and the Exchange cmdlets' permission on its own API.
    for (const p of ['SharePointTenantSettings.Read.All', 'SecurityAlert.Read.All', 'Policy.ReadWrite.Authorization', 'SharePointTenantSettings.ReadWrite.All']) {
      assert.ok(run.stdout.includes(`\`${p}\``), p);
      assert.ok(run.stdout.includes(`https://graph.microsoft.com/${p}`), `${p} in the CLI command`);
    }
    assert.match(run.stdout, /Office 365 Exchange Online > Delegated permissions, add:\n\s+\| `Exchange\.Manage`/);
    assert.ok(run.stdout.includes('https://outlook.office365.com/Exchange.Manage'), 'Exchange.Manage in the CLI command');
    assert.match(run.stdout, /#@fabrikam\.com\//, 'tailored to the tenant given');
    assert.match(run.stdout, /mm connections add Fabrikam-GA --app-id <appId> --tenant fabrikam\.com/);
  });
});

describe('mm connections output', () => {
  const out = makeTestEnv();
  const outFile = out.config.registryPath;
  before(() => writeSeed(outFile));
  after(() => out.cleanup());

  test('list: a table for people, --json with status for programs, --mcp filters', async () => {
    const table = await runCli(out.env, ['list']);
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^NAME\s+TENANT\s+APP ID\s+MCPS\s+CLOUD\s+STATUS\s+DESCRIPTION$/m);
    assert.match(table.stdout, /^Legacy\s+fabrikam\.onmicrosoft\.com.*incomplete/m);
    const json = JSON.parse((await runCli(out.env, ['list', '--json', '--mcp', 'mm'])).stdout);
    assert.equal(json.file, outFile);
    assert.deepEqual(json.connections.map((c: { name: string }) => c.name), ['Contoso-GA']);
    assert.equal(json.connections[0].status, 'valid');
    assert.equal(json.connections[0].poolHint, undefined, 'only known fields are shown');
  });

  test('validate: incomplete entries are reported with exit 0; an invalid one makes it exit 1', async () => {
    const ok = await runCli(out.env, ['validate']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /incomplete Legacy\n\s+tenantId: is missing/);
    const doc = readJson(outFile);
    doc.connections.Broken = { appId: APP_ID, tenant: 'x.com', description: 'x', mcps: [] };
    fs.writeFileSync(outFile, JSON.stringify(doc, null, 2));
    const bad = await runCli(out.env, ['validate', '--json']);
    assert.equal(bad.code, 1);
    const report = JSON.parse(bad.stdout);
    assert.equal(report.valid, false);
    assert.equal(report.connections.find((c: { name: string }) => c.name === 'Broken').problems[0].field, 'mcps');
  });

  test('setup --tenant prints the instructions tailored to that tenant', async () => {
    const run = await runCli(out.env, ['setup', '--tenant', 'contoso.onmicrosoft.com']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /login\.microsoftonline\.com\/contoso\.onmicrosoft\.com\/v2\.0\/\.well-known\/openid-configuration/);
    assert.match(run.stdout, /m365 login --authType deviceCode --tenant contoso\.onmicrosoft\.com/);
  });

  test('a truncated file: list and add exit 1 naming file, line and column; the file is not overwritten', async () => {
    const truncated = fs.readFileSync(outFile, 'utf8').slice(0, 150);
    fs.writeFileSync(outFile, truncated);
    const lines = truncated.split('\n');
    const list = await runCli(out.env, ['list']);
    assert.equal(list.code, 1);
    assert.ok(list.stderr.includes(`${outFile}:${lines.length}:${lines.at(-1)!.length + 1}`), list.stderr);
    assert.match(list.stderr, /ends early/);
    const add = await runCli(out.env, ['add', 'New', ...valid]);
    assert.equal(add.code, 1);
    assert.equal(fs.readFileSync(outFile, 'utf8'), truncated);
  });
});
