// The permissions `mm connections setup` lists come from one place: the tools' own list and the
// compliance checks' reads and automatic fixes. The README's permissions table names nothing the
// list lacks for the compliance tools and the Exchange cmdlets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CHECKS } from '../../../lib/compliance/checks';
import { PROJECT_ROOT } from '../../../lib/paths';
import { DELEGATED_PERMISSIONS, setupInstructions } from '../../../lib/registry/setup-instructions';

const listed = new Set(DELEGATED_PERMISSIONS.map((p) => p.permission));

test('every Graph permission a check reads with, and every one remediate_finding fixes with, is listed once', () => {
  for (const check of CHECKS) {
    for (const read of check.meta.reads.filter((r) => r.endpoint.startsWith('GET /'))) {
      const first = read.permission.split(/\s*\+\s*/).map((p) => p.split(/\s+or\s+/)[0]);
      for (const p of first) assert.ok(listed.has(p), `${check.meta.id} reads with ${p}`);
    }
    if (check.fix && check.meta.remediation.permission) assert.ok(listed.has(check.meta.remediation.permission.split(/\s+/)[0]), `${check.meta.id} fixes with ${check.meta.remediation.permission}`);
  }
  assert.equal(listed.size, DELEGATED_PERMISSIONS.length, 'no permission twice');
  for (const p of ['SharePointTenantSettings.Read.All', 'SecurityAlert.Read.All', 'Policy.ReadWrite.Authorization', 'Exchange.Manage']) assert.ok(listed.has(p), p);
  assert.deepEqual(DELEGATED_PERMISSIONS.filter((p) => p.api === 'exchange').map((p) => p.permission), ['Exchange.Manage']);
  assert.deepEqual(DELEGATED_PERMISSIONS.filter((p) => p.api === 'sharepoint').map((p) => p.permission), ['AllSites.FullControl']);
  assert.deepEqual(DELEGATED_PERMISSIONS.filter((p) => p.api === 'flow').map((p) => p.permission), ['Flows.Read.All', 'Flows.Manage.All']);
});

test('PnP sign-in (SharePoint AllSites.FullControl) and graph_request resource "flow" (Power Automate) are in the portal steps and the CLI scopes', () => {
  const text = setupInstructions({ tenant: 'contoso.com' });
  assert.match(text, /Microsoft APIs > SharePoint > Delegated permissions, add:\n\s+\| `AllSites\.FullControl`/);
  assert.match(text, /Power Automate .*> Delegated permissions, add:\n\s+\| `Flows\.Read\.All`[^\n]*\n\s+\| `Flows\.Manage\.All`/);
  assert.ok(text.includes('https://microsoft.sharepoint-df.com/AllSites.FullControl,'));
  assert.ok(text.includes('https://service.flow.microsoft.com/Flows.Manage.All'));
  assert.ok(setupInstructions({ cloud: 'usgovhigh' }).includes('https://high.service.flow.microsoft.us/Flows.Read.All'));
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Permissions'), readme.indexOf('## Compliance'));
  assert.match(section, /`AllSites\.FullControl`/);
  assert.match(section, /`Flows\.Read\.All`.*`Flows\.Manage\.All`/);
});

test("the README's rows for the compliance tools and the Exchange cmdlets name only listed permissions", () => {
  const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Permissions'), readme.indexOf('## Compliance'));
  const rows = section.split('\n').filter((l) => /^\| `(compliance_scan|remediate_finding|configure_tracking|get_message_tracking_logs|deploy_outlook_addin)`/.test(l));
  assert.equal(rows.length, 5);
  const named = rows.flatMap((r) => [...r.matchAll(/`([A-Z][A-Za-z]+(?:\.[A-Za-z]+)+)`/g)].map((m) => m[1]));
  // A read is covered by the read-write permission listed (Mail.ReadBasic by Mail.ReadWrite); *AsApp ones are application permissions.
  const covered = (p: string) => listed.has(p) || listed.has(p.replace(/\.Read(Basic)?(?=\.|$)/, '.ReadWrite')) || p.endsWith('AsApp');
  for (const p of named) assert.ok(covered(p), `README names ${p}; the setup list lacks it`);
  assert.match(section, /mm connections setup/);
});

test('sovereign clouds: Exchange.Manage on that cloud’s Exchange host', () => {
  assert.ok(setupInstructions({ cloud: 'usgovhigh' }).includes('https://outlook.office365.us/Exchange.Manage'));
  assert.ok(setupInstructions({ cloud: 'global' }).includes('https://outlook.office365.com/Exchange.Manage'));
});
