// A repeat of a business key that asks for something else is refused with the difference listed
// (mcp/operations/changed-request.ts): the same request adopts the first run, a different one starts
// nothing and says what differs and how to get it. Through a real MCP client, on the answer text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeChanges, requestChanges } from '../../../mcp/operations/changed-request';
import { expectToolError, textOf } from '../../helpers/mcp';
import { CONNECTION, startHarness, tenantView, upn, type Harness } from '../../helpers/provisioning';

describe('requestChanges', () => {
  test('names each differing field; a field left out of the repeat is no difference', () => {
    const was = { displayName: 'Falcon', visibility: 'Private', channels: [{ displayName: 'Design' }, { displayName: 'Build' }], owners: ['a@x'] };
    assert.deepEqual(requestChanges(was, { ...was }), []);
    assert.deepEqual(requestChanges(was, { displayName: 'falcon' }), [], 'names compare case-insensitively; omitted fields ask nothing');
    const changes = requestChanges(was, { ...was, visibility: 'Public', channels: [{ displayName: 'Marketing' }] });
    assert.deepEqual(
      changes.map((c) => c.field),
      ['channels', 'visibility'],
    );
    assert.equal(describeChanges(changes), 'channels: it had Design, Build, you asked Marketing; visibility: it had Private, you asked Public');
  });

  test('nested fields by path; sealed secrets never compared; a value where there was none is a difference', () => {
    const was = { user: { userPrincipalName: 'ann@x', passwordSealed: 'sealed:v1:aaa' }, license: 'SPE_E3' };
    assert.deepEqual(requestChanges(was, { user: { userPrincipalName: 'ann@x', passwordSealed: 'sealed:v1:bbb' }, license: 'spe_e3' }), []);
    assert.deepEqual(requestChanges(was, { ...was, license: 'EXCHANGESTANDARD', groups: ['IT Admins'] }), [
      { field: 'groups', was: undefined, now: ['IT Admins'] },
      { field: 'license', was: 'SPE_E3', now: 'EXCHANGESTANDARD' },
    ]);
    assert.deepEqual(requestChanges({ user: { jobTitle: 'Dev' } }, { user: { jobTitle: 'Lead' } }), [{ field: 'user.jobTitle', was: 'Dev', now: 'Lead' }]);
  });

  test('how a run goes is not what it asks: confirming, another pool queue, other waits are the same request', () => {
    const was = { featureId: 'unified-audit-log', pwshTaskQueue: 'm365-pwsh-host-a', confirmTimeoutMs: 60_000 };
    assert.deepEqual(requestChanges(was, { featureId: 'unified-audit-log', pwshTaskQueue: 'm365-pwsh-host-b', confirmed: true, confirmTimeoutMs: 5_000 }), []);
  });
});

describe('a changed request for the same business key (create_teams_group, create_user)', () => {
  let h: Harness;
  const call = (name: string, args: Record<string, unknown>) =>
    h.mcp.client.callTool({ name, arguments: { connection: CONNECTION, waitSeconds: 90, ...args } }, undefined, { timeout: 120_000 });

  before(async () => {
    h = await startHarness('changed', { throttle: 'off', replicationDelayMs: 0, teamCreationMs: 0 });
  });
  after(() => h.close());

  test('a team asked again as Public with another channel: refused with both differences, nothing changed', async () => {
    const first = { displayName: 'Changed Falcon', visibility: 'Private', owners: [upn('admin')], channels: [{ displayName: 'Design' }, { displayName: 'Build' }] };
    const made = await call('create_teams_group', first);
    assert.equal(made.isError, undefined, textOf(made));
    assert.match(textOf(made), /Created the team Changed Falcon/);

    const again = await call('create_teams_group', first);
    assert.equal(again.isError, undefined, textOf(again));
    assert.equal((again.structuredContent as { adopted?: boolean }).adopted, true, 'the same request adopts the first run');

    const before = tenantView(h.sandbox.snapshot());
    const changed = await call('create_teams_group', { ...first, visibility: 'Public', channels: [{ displayName: 'Marketing' }] });
    expectToolError(changed, /already finished with different details \(workflow create-team\/contoso\/changedfalcon\): channels: it had Design, Build, you asked Marketing; visibility: it had Private, you asked Public\. Nothing was started or changed\./);
    assert.match(textOf(changed), /PATCH \/groups\/\{id\} for visibility/, 'says how to get what was asked');
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });

  test('a user asked again with another licence and a group: refused, naming both', async () => {
    const first = { email: upn('changed.ann'), displayName: 'Ann Changed', password: 'Welcome-2026!', license: 'SPE_E3', usageLocation: 'US' };
    const made = await call('create_user', first);
    assert.equal(made.isError, undefined, textOf(made));
    const changed = await call('create_user', { ...first, license: 'EXCHANGESTANDARD', groups: ['IT Admins'] });
    expectToolError(changed, /groups: it had nothing, you asked IT Admins; license: it had SPE_E3, you asked EXCHANGESTANDARD\. Nothing was started or changed\. The user stays as that run made it\./);
    const again = await call('create_user', { ...first, password: 'Another-2026!' });
    assert.equal(again.isError, undefined, `a new password alone is the same request: ${textOf(again)}`);
  });
});
