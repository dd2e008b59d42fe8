// The conditional access policies remediate_finding creates: each CA check's planned body is
// Microsoft's conditionalAccessPolicy shape, report-only (so its own check still fails), found again
// by its name, and passes its own check once enabled — alone, with security defaults off.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECKS } from '../../../lib/compliance/checks';
import { isMmPolicyFor, mmPolicyName, plannedCaPolicy, REPORT_ONLY } from '../../../lib/compliance/checks/ca-policies';

const NOW = new Date('2026-12-07T00:00:00Z');
const CA_CHECKS = CHECKS.filter((c) => c.createPolicy);
const evaluateWith = (check: (typeof CHECKS)[number], policy: Record<string, unknown>) =>
  check.evaluate({ securityDefaults: { isEnabled: false }, policies: [{ id: 'new-id', createdDateTime: '2026-12-07T00:00:00Z', ...policy }] }, NOW);

describe('conditional access remediations', () => {
  test('the CA checks that create a policy', () => {
    assert.deepEqual(CA_CHECKS.map((c) => c.meta.id).sort(), [
      'admin-mfa-enforced',
      'admin-phishing-resistant-mfa',
      'admin-signin-frequency',
      'legacy-auth-blocked',
      'mfa-all-users',
      'signin-risk-policy',
      'user-risk-policy',
    ]);
    for (const c of CA_CHECKS) {
      assert.equal(c.meta.remediation.auto, 'confirm', c.meta.id);
      assert.equal(c.meta.remediation.permission, 'Policy.ReadWrite.ConditionalAccess', c.meta.id);
      assert.doesNotMatch(c.meta.remediation.text, /this is manual/, c.meta.id);
      assert.equal(c.fix, undefined, `${c.meta.id}: one kind of fix`);
    }
  });

  for (const check of CA_CHECKS) {
    test(`${check.meta.id}: the planned policy is report-only and fails its check; enabled, it passes`, () => {
      const body = plannedCaPolicy(check, ['11111111-2222-4333-8444-555555555555']);
      assert.equal(body.state, REPORT_ONLY);
      assert.equal(body.displayName, mmPolicyName(check));
      assert.match(String(body.displayName), new RegExp(`^mm: CIS ${check.meta.cis!.replace(/\./g, '\\.')} .+ \\(${check.meta.id}\\)$`));
      assert.ok(isMmPolicyFor(body, check.meta.id));
      assert.ok(!CA_CHECKS.some((other) => other !== check && isMmPolicyFor(body, other.meta.id)), 'found again only for its own check');
      const conditions = body.conditions as { users: Record<string, string[]>; applications: { includeApplications: string[] } };
      assert.deepEqual(conditions.users.excludeUsers, ['11111111-2222-4333-8444-555555555555']);
      assert.deepEqual(conditions.applications.includeApplications, ['All']);
      assert.ok(body.grantControls || body.sessionControls, 'Microsoft needs grant or session controls');
      assert.ok(['displayName', 'state', 'conditions', 'grantControls', 'sessionControls'].every((k) => k in body));

      assert.equal(evaluateWith(check, body).status, 'fail', 'report-only enforces nothing');
      const outcome = evaluateWith(check, { ...body, state: 'enabled' });
      assert.equal(outcome.status, 'pass', outcome.summary);
      assert.match(outcome.summary, new RegExp(check.meta.id));
    });
  }
});
