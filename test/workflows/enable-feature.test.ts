// enable_feature end to end: MCP client → enableFeature workflow on the main worker → Graph (the
// sandbox) and Exchange cmdlets on the pool worker's stand-in pwsh → the sandbox tenant, whose state
// is compared before and after. A delegated connection signs in by device code; the sandbox approves.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client as TemporalClient } from '@temporalio/client';
import { SANDBOX_DOMAIN, type Sandbox } from '../../sandbox';
import type { EnableFeatureResult } from '../../workflows/enable-feature';
import { expectToolError, textOf } from '../helpers/mcp';
import { callTool } from '../helpers/pwsh-worker';
import { startAdminHarness, type AdminHarness } from '../helpers/admin';

const ADELE = `adele.vance@${SANDBOX_DOMAIN}`; // Microsoft 365 E3: Exchange Online Plan 2
const ALEX = `alex.wilber@${SANDBOX_DOMAIN}`; // Business Standard: Exchange Online Plan 1

interface Answer {
  workflowId: string;
  status: string;
  error?: string;
  waitingFor?: { kind: string; preview?: string; hash?: string; confirmWith?: string };
  result?: EnableFeatureResult;
}

describe('enable_feature through Temporal, Graph and the pool worker', () => {
  let h: AdminHarness;
  let sandbox: Sandbox;
  let temporal: TemporalClient;
  let mcp: AdminHarness['mcp'];

  const answerOf = (result: unknown) => (result as { structuredContent: Answer }).structuredContent;

  /** Calls the tool and follows a workflow that is still running (sign-ins included) to its end or its confirmation. */
  const enable = async (args: Record<string, unknown>) => {
    const { result, s } = await h.call<EnableFeatureResult>('enable_feature', args);
    return { result, s: s as Answer, r: s.result! };
  };
  const done = async (args: Record<string, unknown>, status: EnableFeatureResult['status']) => {
    const call = await enable(args);
    // A feature not turned on (rolled back, refused) ends its workflow Failed, answered isError with the report.
    const didIt = status === 'done' || status === 'unchanged';
    assert.equal(call.s.status, didIt ? 'done' : 'failed', textOf(call.result));
    assert.equal(Boolean((call.result as { isError?: boolean }).isError), !didIt, textOf(call.result));
    assert.equal(call.r.status, status, textOf(call.result));
    return call.r;
  };

  const org = () => sandbox.state.data.exchange;
  const mailbox = (upn: string) => sandbox.state.findUser(upn)!.mailbox!;
  const policies = () => sandbox.state.data.compliance;

  before(async () => {
    h = await startAdminHarness('features', { connections: { Contoso: {}, ContosoHuman: { confirmWith: 'human' }, ContosoReader: { readOnly: true } }, signInExchange: false });
    ({ sandbox, temporal, mcp } = h);
  });

  after(async () => h.close());

  test('invalid input: isError naming the field, before any workflow starts', async () => {
    const unknown = await callTool(mcp.client, 'enable_feature', { connection: 'Contoso', featureName: 'teleportation', scope: 'organization' });
    expectToolError(unknown, /featureName/);
    assert.match(textOf(unknown), /unified-audit-log \(organization\): Unified audit log ingestion/);
    assert.match(textOf(unknown), /litigation-hold \(user\): Litigation hold on a mailbox/);
    expectToolError(await callTool(mcp.client, 'enable_feature', { connection: 'Contoso', featureName: 'unified-audit-log', scope: 'user', targetEmail: ADELE }), /scope 'user' is not supported.*use scope 'organization'/s);
    expectToolError(await callTool(mcp.client, 'enable_feature', { connection: 'Contoso', featureName: 'litigation-hold', scope: 'user' }), /targetEmail is required/);
    expectToolError(await callTool(mcp.client, 'enable_feature', { connection: 'Contoso', featureName: 'mailbox-auditing', scope: 'organization', targetEmail: ADELE }), /targetEmail is only for scope 'user'/);
    expectToolError(
      await callTool(mcp.client, 'enable_feature', { connection: 'Contoso', featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, configuration: { duration: 'forever' } }),
      /configuration\.duration.*whole number from 1 to 36500 or Unlimited/s,
    );
    expectToolError(await callTool(mcp.client, 'enable_feature', { connection: 'Contoso', featureName: 'archive-mailbox', scope: 'user', targetEmail: ADELE, configuration: { size: 1 } }), /configuration key\(s\) size unknown/);
    expectToolError(await callTool(mcp.client, 'enable_feature', { connection: 'Nowhere', featureName: 'archive-mailbox', scope: 'user', targetEmail: ADELE }), /Nowhere.*Contoso/s);
    expectToolError(await callTool(mcp.client, 'enable_feature', { connection: 'ContosoReader', featureName: 'security-defaults', scope: 'organization' }), /policy of connection 'ContosoReader'.*read-only[\s\S]*mm connections edit ContosoReader --read-only false/);
    for await (const started of temporal.workflow.list({ query: `WorkflowType = 'enableFeature'` })) assert.fail(`no workflow should have started: ${started.workflowId}`);
  });

  test('unified-audit-log: enabled and verified; a second call changes nothing; undo restores', async () => {
    assert.equal(org().adminAuditLogConfig.UnifiedAuditLogIngestionEnabled, false, 'a new tenant starts without ingestion');
    const on = await done({ featureName: 'unified-audit-log', scope: 'organization', confirmed: true }, 'done');
    assert.deepEqual(on.before, { UnifiedAuditLogIngestionEnabled: false });
    assert.deepEqual(on.after, { UnifiedAuditLogIngestionEnabled: true });
    assert.equal(on.change, 'Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true');
    assert.equal(on.feature?.id, 'unified-audit-log');
    assert.match(on.feature!.check, /Get-AdminAuditLogConfig/);
    assert.equal(org().adminAuditLogConfig.UnifiedAuditLogIngestionEnabled, true, 'the tenant changed');

    const again = await done({ featureName: 'unified-audit-log', scope: 'organization', confirmed: true }, 'unchanged');
    assert.deepEqual(again.before, again.after);
    assert.deepEqual(again.after, { UnifiedAuditLogIngestionEnabled: true });

    const off = await done({ featureName: 'unified-audit-log', scope: 'organization', undo: true, confirmed: true }, 'done');
    assert.deepEqual([off.before, off.after], [{ UnifiedAuditLogIngestionEnabled: true }, { UnifiedAuditLogIngestionEnabled: false }]);
    assert.equal(org().adminAuditLogConfig.UnifiedAuditLogIngestionEnabled, false);
  });

  test('mailbox-auditing, organization: on by default (unchanged); undo turns it off; enabling turns it back on', async () => {
    assert.equal(org().organizationConfig.AuditDisabled, false);
    const already = await done({ featureName: 'mailbox-auditing', scope: 'organization', confirmed: true }, 'unchanged');
    assert.deepEqual(already.before, { AuditDisabled: false });
    await done({ featureName: 'mailbox-auditing', scope: 'organization', undo: true, confirmed: true }, 'done');
    assert.equal(org().organizationConfig.AuditDisabled, true);
    const on = await done({ featureName: 'mailbox-auditing', scope: 'organization', confirmed: true }, 'done');
    assert.deepEqual([on.before, on.after], [{ AuditDisabled: true }, { AuditDisabled: false }]);
    assert.equal(on.change, 'Set-OrganizationConfig -AuditDisabled $false');
    assert.equal(org().organizationConfig.AuditDisabled, false);
  });

  test('mailbox-auditing, user: no confirmation for one mailbox; undo, enable, then unchanged', async () => {
    assert.equal(mailbox(ADELE).auditEnabled, true);
    const off = await done({ featureName: 'mailbox-auditing', scope: 'user', targetEmail: ADELE, undo: true }, 'done');
    assert.deepEqual([off.before, off.after], [{ AuditEnabled: true }, { AuditEnabled: false }]);
    assert.equal(mailbox(ADELE).auditEnabled, false);
    assert.equal(mailbox(ALEX).auditEnabled, true, 'other mailboxes keep theirs');
    const on = await done({ featureName: 'mailbox-auditing', scope: 'user', targetEmail: ADELE }, 'done');
    assert.equal(on.change, `Set-Mailbox -Identity '${ADELE}' -AuditEnabled $true`);
    assert.equal(mailbox(ADELE).auditEnabled, true);
    const again = await done({ featureName: 'mailbox-auditing', scope: 'user', targetEmail: ADELE }, 'unchanged');
    assert.deepEqual(again.before, again.after);
  });

  test('security-defaults (Graph): without confirmation it waits with before → after; rejecting changes nothing; confirmed applies; undo restores', async () => {
    assert.equal(policies().securityDefaults.isEnabled, false);
    const held = await enable({ featureName: 'security-defaults', scope: 'organization' });
    assert.equal(held.s.status, 'waiting_for_confirmation', textOf(held.result));
    assert.match(held.s.waitingFor!.preview!, /PATCH \/policies\/identitySecurityDefaultsEnforcementPolicy \{"isEnabled":true\}/);
    assert.match(held.s.waitingFor!.preview!, /isEnabled: false → true/);
    assert.equal(policies().securityDefaults.isEnabled, false, 'nothing changed while waiting');

    const rejected = await callTool(mcp.client, 'confirm', { workflowId: held.s.workflowId, hash: held.s.waitingFor!.hash!, approve: false, waitSeconds: 30 });
    const r = answerOf(rejected).result!;
    assert.equal(r.status, 'rejected', textOf(rejected));
    assert.deepEqual(r.after, { isEnabled: false });
    assert.equal(policies().securityDefaults.isEnabled, false, 'rejection changed nothing');

    const on = await done({ featureName: 'security-defaults', scope: 'organization', confirmed: true }, 'done');
    assert.deepEqual([on.before, on.after], [{ isEnabled: false }, { isEnabled: true }]);
    assert.equal(policies().securityDefaults.isEnabled, true);
    await done({ featureName: 'security-defaults', scope: 'organization', undo: true, confirmed: true }, 'done');
    assert.equal(policies().securityDefaults.isEnabled, false);
  });

  test('guest-invite-restricted (Graph): a fault in the read-back rolls the change back; without it, applied and undone', async () => {
    assert.equal(policies().authorizationPolicy.allowInvitesFrom, 'everyone');
    // The first GET (the read before) passes; the second (the verification) is refused.
    sandbox.setFaults({ seed: 'verify', rules: [{ match: 'GET /v1.0/policies/authorizationPolicy', rate4xx: 1, status4xx: 400, after: 1, times: 1 }] });
    try {
      const failed = await done({ featureName: 'guest-invite-restricted', scope: 'organization', confirmed: true }, 'rolledBack');
      assert.match(failed.summary, /verify step failed: .*Injected fault/);
      assert.ok(failed.steps.some((s) => s.step === 'apply' && s.outcome === 'done'), 'the change had been applied');
      assert.ok(failed.steps.some((s) => s.outcome === 'undone'), JSON.stringify(failed.steps));
      assert.deepEqual(failed.before, { allowInvitesFrom: 'everyone' });
      assert.deepEqual(failed.after, { allowInvitesFrom: 'everyone' }, 'read back after the rollback');
    } finally {
      sandbox.setFaults(undefined);
    }
    assert.equal(policies().authorizationPolicy.allowInvitesFrom, 'everyone', 'the tenant is as before');

    const on = await done({ featureName: 'guest-invite-restricted', scope: 'organization', confirmed: true }, 'done');
    assert.deepEqual(on.after, { allowInvitesFrom: 'adminsAndGuestInviters' });
    assert.equal(policies().authorizationPolicy.allowInvitesFrom, 'adminsAndGuestInviters');
    await done({ featureName: 'guest-invite-restricted', scope: 'organization', undo: true, confirmed: true }, 'done');
    assert.equal(policies().authorizationPolicy.allowInvitesFrom, 'everyone');
  });

  test('litigation-hold (Exchange): a fault in the read-back rolls back; with a duration it is applied, then unchanged, then undone', async () => {
    assert.equal(mailbox(ADELE).litigationHoldEnabled, false);
    // InvokeCommand calls of one run: read before, apply, read back (faulted), restore, read after the rollback.
    sandbox.setFaults({ seed: 'verify', rules: [{ match: 'POST /adminapi/*', rate503: 1, after: 2, times: 1 }] });
    try {
      const failed = await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE }, 'rolledBack');
      assert.match(failed.summary, /verify step failed: .*Injected fault/);
      assert.deepEqual(failed.before, { LitigationHoldEnabled: false, LitigationHoldDuration: 'Unlimited' });
      assert.deepEqual(failed.after, failed.before, 'read back after the rollback');
    } finally {
      sandbox.setFaults(undefined);
    }
    assert.equal(mailbox(ADELE).litigationHoldEnabled, false, 'the hold was taken off again');

    const on = await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, configuration: { duration: 365 } }, 'done');
    assert.equal(on.change, `Set-Mailbox -Identity '${ADELE}' -LitigationHoldEnabled $true -LitigationHoldDuration 365`);
    assert.deepEqual(on.after, { LitigationHoldEnabled: true, LitigationHoldDuration: '365.00:00:00' });
    assert.equal(mailbox(ADELE).litigationHoldEnabled, true);
    assert.equal(mailbox(ADELE).litigationHoldDuration, 365);
    await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, configuration: { duration: 365 } }, 'unchanged');
    const off = await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, undo: true }, 'done');
    assert.deepEqual(off.after, { LitigationHoldEnabled: false, LitigationHoldDuration: '365.00:00:00' });
    assert.equal(mailbox(ADELE).litigationHoldEnabled, false);
  });

  test('litigation-hold already on with a duration: a new duration whose read-back fails restores the previous hold, not off', async () => {
    const held = await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, configuration: { duration: 365 } }, 'done');
    assert.deepEqual(held.after, { LitigationHoldEnabled: true, LitigationHoldDuration: '365.00:00:00' });
    // InvokeCommand calls of the next run: read before, apply, read back (faulted), then the rollback's.
    sandbox.setFaults({ seed: 'verify-held', rules: [{ match: 'POST /adminapi/*', rate503: 1, after: 2, times: 1 }] });
    try {
      const failed = await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, configuration: { duration: 730 } }, 'rolledBack');
      assert.match(failed.summary, /verify step failed: .*Injected fault/);
      assert.equal(failed.change, `Set-Mailbox -Identity '${ADELE}' -LitigationHoldEnabled $true -LitigationHoldDuration 730`);
      assert.ok(failed.steps.some((s) => s.step === 'apply' && s.outcome === 'done'), 'the new duration had been applied');
      assert.equal(failed.undone?.length, 1, JSON.stringify(failed.steps));
      assert.deepEqual(failed.before, { LitigationHoldEnabled: true, LitigationHoldDuration: '365.00:00:00' });
      assert.deepEqual(failed.after, failed.before, 'read back after the rollback: the hold from before this run');
    } finally {
      sandbox.setFaults(undefined);
    }
    assert.equal(mailbox(ADELE).litigationHoldEnabled, true, 'the hold that was on stays on');
    assert.equal(mailbox(ADELE).litigationHoldDuration, 365, 'with its previous duration');
    await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ADELE, undo: true }, 'done');
    assert.equal(mailbox(ADELE).litigationHoldEnabled, false);
  });

  test('litigation-hold on a Plan 1 mailbox: Exchange refuses it for the licence; nothing stays changed', async () => {
    const refused = await done({ featureName: 'litigation-hold', scope: 'user', targetEmail: ALEX }, 'rolledBack');
    assert.match(refused.summary, /apply step failed: .*license doesn't permit you to put a litigation hold on this mailbox/);
    assert.match(refused.summary, /undone: nothing \(no change had been made\)/, 'the undo found nothing to restore');
    assert.equal(mailbox(ALEX).litigationHoldEnabled, false);
    assert.deepEqual(refused.after, { LitigationHoldEnabled: false, LitigationHoldDuration: 'Unlimited' });
  });

  test('modern-auth-exchange in a dehydrated organization: Exchange asks for Enable-OrganizationCustomization; nothing changes', async () => {
    assert.equal(org().organizationConfig.OAuth2ClientProfileEnabled, true, 'on in a new tenant');
    org().organizationConfig.IsDehydrated = true;
    try {
      const refused = await done({ featureName: 'modern-auth-exchange', scope: 'organization', undo: true, confirmed: true }, 'rolledBack');
      assert.match(refused.summary, /undo step failed: .*run the command: Enable-OrganizationCustomization/);
      assert.match(refused.summary, /undone: nothing/);
    } finally {
      org().organizationConfig.IsDehydrated = false;
    }
    assert.equal(org().organizationConfig.OAuth2ClientProfileEnabled, true);
    const off = await done({ featureName: 'modern-auth-exchange', scope: 'organization', undo: true, confirmed: true }, 'done');
    assert.equal(off.change, 'Set-OrganizationConfig -OAuth2ClientProfileEnabled $false');
    assert.equal(org().organizationConfig.OAuth2ClientProfileEnabled, false);
    await done({ featureName: 'modern-auth-exchange', scope: 'organization', confirmed: true }, 'done');
    assert.equal(org().organizationConfig.OAuth2ClientProfileEnabled, true);
  });

  test('archive-mailbox and autoforward-blocked: applied, unchanged on a second call, undone', async () => {
    const archive = await done({ featureName: 'archive-mailbox', scope: 'user', targetEmail: ADELE }, 'done');
    assert.deepEqual([archive.before, archive.after], [{ ArchiveStatus: 'None' }, { ArchiveStatus: 'Active' }]);
    assert.equal(mailbox(ADELE).archiveStatus, 'Active');
    await done({ featureName: 'archive-mailbox', scope: 'user', targetEmail: ADELE }, 'unchanged');
    const noArchive = await done({ featureName: 'archive-mailbox', scope: 'user', targetEmail: ADELE, undo: true }, 'done');
    assert.equal(noArchive.change, `Disable-Mailbox -Identity '${ADELE}' -Archive -Confirm:$false`);
    assert.equal(mailbox(ADELE).archiveStatus, 'None');

    const defaultPolicy = () => org().hostedOutboundSpamFilterPolicies!.find((p) => p.Name === 'Default')!;
    assert.equal(defaultPolicy().AutoForwardingMode, 'Automatic');
    const blocked = await done({ featureName: 'autoforward-blocked', scope: 'organization', confirmed: true }, 'done');
    assert.deepEqual([blocked.before, blocked.after], [{ AutoForwardingMode: 'Automatic' }, { AutoForwardingMode: 'Off' }]);
    assert.equal(defaultPolicy().AutoForwardingMode, 'Off');
    await done({ featureName: 'autoforward-blocked', scope: 'organization', confirmed: true }, 'unchanged');
    await done({ featureName: 'autoforward-blocked', scope: 'organization', undo: true, confirmed: true }, 'done');
    assert.equal(defaultPolicy().AutoForwardingMode, 'Automatic');
  });

  test('a connection where a person confirms: confirmed: true from the assistant still waits, and the assistant cannot approve', async () => {
    const held = await enable({ connection: 'ContosoHuman', featureName: 'guest-access-restricted', scope: 'organization', confirmed: true });
    assert.equal(held.s.status, 'waiting_for_confirmation', textOf(held.result));
    assert.equal(held.s.waitingFor!.confirmWith, 'human');
    assert.match(textOf(held.result), /mm approve/);
    expectToolError(await callTool(mcp.client, 'confirm', { workflowId: held.s.workflowId, hash: held.s.waitingFor!.hash! }), /requires a person to confirm/);
    assert.equal(policies().authorizationPolicy.guestUserRoleId, '10dae51f-b6af-4016-8d66-8c2a99b929b3', 'nothing changed');
    await temporal.workflow.getHandle(held.s.workflowId).cancel();
  });
});
