// The feature catalog: every entry complete (what it changes, how it is checked and undone, in words
// that name the operations it runs; permissions; a read, an apply and an undo per scope that restores
// what was read), requests checked against it, and the exact calls its operations become.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CHECK_IDS } from '../../lib/compliance/checks';
import { FEATURE_IDS, FEATURES, featureById, FeatureRequestError, resolveFeatureRequest, scopesOf, type ScopeOperations, type ValueRef, type WriteOperation } from '../../lib/features';
import {
  alreadyAsWanted,
  changeTookEffect,
  describeWrite,
  exchangeReadCommand,
  exchangeWriteCommand,
  graphWriteBody,
  psValue,
  sameValue,
} from '../../workflows/feature-operations';

const USER = 'adele.vance@contoso.example';

const refs = (op: WriteOperation): ValueRef[] => Object.values(op.service === 'graph' ? op.body : op.parameters);
const referenced = (op: WriteOperation) => refs(op).flatMap((r) => (r !== null && typeof r === 'object' ? [r.property] : []));
const readNames = (ops: ScopeOperations) => (ops.read.service === 'graph' ? ops.read.fields : ops.read.properties);
const opName = (op: { service: string; cmdlet?: string; path?: string }) => (op.service === 'graph' ? op.path! : op.cmdlet!);

function refusal(run: () => unknown): FeatureRequestError {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof FeatureRequestError, String(err));
    return err;
  }
  assert.fail('the request was accepted');
}

describe('the feature catalog', () => {
  test('at least eight features with unique ids, the required ones among them', () => {
    assert.ok(FEATURES.length >= 8, `${FEATURES.length} features`);
    assert.equal(new Set(FEATURE_IDS).size, FEATURE_IDS.length, 'ids are unique');
    for (const id of FEATURE_IDS) assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)*$/, id);
    assert.deepEqual(scopesOf(featureById('unified-audit-log')!), ['organization']);
    assert.deepEqual(scopesOf(featureById('mailbox-auditing')!), ['organization', 'user']);
    const graph = FEATURES.filter((f) => Object.values(f.scopes).some((o) => o.read.service === 'graph'));
    assert.ok(graph.length >= 2, 'at least two Graph features');
  });

  test('every entry says what it changes, how it is checked and undone, naming the operations it runs', () => {
    for (const f of FEATURES) {
      assert.ok(f.title.length >= 8, `${f.id}: title`);
      for (const field of ['changes', 'check', 'undo'] as const) assert.ok(f[field].length >= 40, `${f.id}: ${field} is a sentence`);
      for (const field of ['read', 'write', 'roles'] as const) assert.ok(f.permissions[field].length >= 5, `${f.id}: permissions.${field}`);
      assert.ok(scopesOf(f).length >= 1, `${f.id}: a scope`);
      for (const ops of Object.values(f.scopes)) {
        assert.ok(f.changes.includes(opName(ops.apply)), `${f.id}: changes names ${opName(ops.apply)}`);
        assert.ok(f.check.includes(opName(ops.read)), `${f.id}: check names ${opName(ops.read)}`);
        assert.ok(f.undo.includes(opName(ops.undo)), `${f.id}: undo names ${opName(ops.undo)}`);
        for (const name of Object.keys(ops.enabledWhen)) assert.ok(f.check.includes(name), `${f.id}: check names ${name}`);
      }
    }
  });

  test('every scope has a read, an apply and an undo that restores what was read', () => {
    for (const f of FEATURES) {
      for (const [scope, ops] of Object.entries(f.scopes)) {
        const where = `${f.id}/${scope}`;
        const read = readNames(ops);
        assert.ok(read.length >= 1, `${where}: the read names properties`);
        if (ops.read.service === 'graph') assert.equal(ops.read.method, 'GET');
        else assert.match(ops.read.cmdlet, /^Get-/, `${where}: an Exchange read is a Get- cmdlet`);
        assert.ok(Object.keys(ops.enabledWhen).length >= 1, `${where}: a passing condition`);
        for (const name of [...Object.keys(ops.enabledWhen), ...Object.keys(ops.on), ...Object.keys(ops.off), ...referenced(ops.apply), ...referenced(ops.undo)]) {
          assert.ok(read.includes(name), `${where}: ${name} is read, so its value before the change is known`);
        }
        assert.ok(isOn(ops, ops.on), `${where}: the apply values pass the check`);
        assert.ok(!isOn(ops, ops.off), `${where}: the undo values do not pass`);
        for (const op of [ops.apply, ops.undo]) {
          if (op.service === 'graph') assert.equal(op.method, 'PATCH');
          else assert.match(op.cmdlet, /^(Set|Enable|Disable)-/);
        }
        // The undo written with the values read before gives them back (same properties as apply).
        if (referenced(ops.apply).length) assert.deepEqual(referenced(ops.undo).sort(), referenced(ops.apply).sort(), `${where}: undo restores what apply sets`);
        assert.notDeepEqual(describeWrite(ops.apply, USER, ops.on), describeWrite(ops.undo, USER, ops.off), `${where}: apply and undo write different things`);
      }
      if (f.scopes.user) assert.ok(f.scopes.user.read.service === 'exchange' && f.scopes.user.read.identity === '{targetEmail}', `${f.id}: the user read names the target`);
    }
  });

  test('compliance checks named by features exist, and the two audit features name theirs', () => {
    for (const f of FEATURES) if (f.complianceCheck) assert.ok(CHECK_IDS.includes(f.complianceCheck), `${f.id}: ${f.complianceCheck}`);
    assert.equal(featureById('unified-audit-log')!.complianceCheck, 'unified-audit-log');
    assert.equal(featureById('mailbox-auditing')!.complianceCheck, 'mailbox-audit-org');
  });
});

const isOn = (ops: ScopeOperations, values: Record<string, unknown>) => alreadyAsWanted(ops, values as never, {}, false);

describe('the exact calls the operations become', () => {
  test('unified audit log and mailbox auditing: the documented cmdlets, undo with the value read before', () => {
    const ual = featureById('unified-audit-log')!.scopes.organization!;
    assert.equal(describeWrite(ual.apply, undefined, ual.on), 'Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $true');
    assert.equal(exchangeReadCommand(ual.read as never, undefined), 'Get-AdminAuditLogConfig -ErrorAction Stop');
    assert.equal(exchangeWriteCommand(ual.undo as never, undefined, { UnifiedAuditLogIngestionEnabled: false }), 'Set-AdminAuditLogConfig -UnifiedAuditLogIngestionEnabled $false -ErrorAction Stop');

    const audit = featureById('mailbox-auditing')!;
    assert.equal(describeWrite(audit.scopes.organization!.apply, undefined, audit.scopes.organization!.on), 'Set-OrganizationConfig -AuditDisabled $false');
    assert.equal(describeWrite(audit.scopes.user!.apply, "o'neil@contoso.example", audit.scopes.user!.on), "Set-Mailbox -Identity 'o''neil@contoso.example' -AuditEnabled $true");
    assert.equal(exchangeReadCommand(audit.scopes.user!.read as never, USER), `Get-Mailbox -Identity '${USER}' -ErrorAction Stop`);
    assert.throws(() => exchangeReadCommand(audit.scopes.user!.read as never, undefined), /targetEmail/);
  });

  test('Graph features PATCH one property; archive and litigation hold write their switches and durations', () => {
    const guests = featureById('guest-invite-restricted')!.scopes.organization!;
    assert.equal(describeWrite(guests.apply, undefined, guests.on), 'PATCH /policies/authorizationPolicy {"allowInvitesFrom":"adminsAndGuestInviters"}');
    assert.deepEqual(graphWriteBody(guests.undo as never, { allowInvitesFrom: 'adminsGuestInvitersAndAllMembers' }), { allowInvitesFrom: 'adminsGuestInvitersAndAllMembers' });

    const archive = featureById('archive-mailbox')!.scopes.user!;
    assert.equal(describeWrite(archive.apply, USER, archive.on), `Enable-Mailbox -Identity '${USER}' -Archive`);
    assert.equal(describeWrite(archive.undo, USER, { ArchiveStatus: 'None' }), `Disable-Mailbox -Identity '${USER}' -Archive -Confirm:$false`);

    const hold = featureById('litigation-hold')!.scopes.user!;
    // Without a duration the parameter is left out (Exchange holds indefinitely); the undo restores both values read.
    assert.equal(describeWrite(hold.apply, USER, hold.on), `Set-Mailbox -Identity '${USER}' -LitigationHoldEnabled $true`);
    assert.equal(
      describeWrite(hold.undo, USER, { LitigationHoldEnabled: true, LitigationHoldDuration: '365.00:00:00' }),
      `Set-Mailbox -Identity '${USER}' -LitigationHoldEnabled $true -LitigationHoldDuration 365`,
    );
    assert.equal(psValue('Unlimited'), "'Unlimited'");
    assert.equal(psValue(null), '$null');
  });

  test('values compare as the tenant means them', () => {
    assert.ok(sameValue('365.00:00:00', 365));
    assert.ok(sameValue('unlimited', 'Unlimited'));
    assert.ok(sameValue('True', true));
    assert.ok(!sameValue('Off', 'Automatic'));
    assert.ok(!sameValue(undefined, false));
  });

  test('already as wanted, and whether a change took effect', () => {
    const invite = featureById('guest-invite-restricted')!.scopes.organization!;
    assert.ok(alreadyAsWanted(invite, { allowInvitesFrom: 'none' }, invite.on, false), 'none is stricter: already on');
    assert.ok(!alreadyAsWanted(invite, { allowInvitesFrom: 'everyone' }, invite.on, false));
    assert.ok(alreadyAsWanted(invite, { allowInvitesFrom: 'everyone' }, invite.off, true), 'undo of a feature that is off: nothing to do');
    assert.ok(changeTookEffect(invite, { allowInvitesFrom: 'everyone' }, invite.off, true));
    assert.ok(!changeTookEffect(invite, { allowInvitesFrom: 'adminsAndGuestInviters' }, invite.off, true));

    const hold = featureById('litigation-hold')!.scopes.user!;
    const wanted365 = { LitigationHoldEnabled: true, LitigationHoldDuration: 365 };
    assert.ok(alreadyAsWanted(hold, { LitigationHoldEnabled: true, LitigationHoldDuration: '365.00:00:00' }, wanted365, false));
    assert.ok(!alreadyAsWanted(hold, { LitigationHoldEnabled: true, LitigationHoldDuration: 'Unlimited' }, wanted365, false), 'another duration is a change');
  });
});

describe('requests checked against the catalog', () => {
  test('the wanted values: on (with configuration) to enable, off to undo', () => {
    const enable = resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: USER, configuration: { duration: 365 } });
    assert.deepEqual(enable.wanted, { LitigationHoldEnabled: true, LitigationHoldDuration: 365 });
    assert.equal(enable.target, USER);
    assert.deepEqual(resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: USER, configuration: { duration: 'UNLIMITED' } }).wanted.LitigationHoldDuration, 'Unlimited');
    assert.deepEqual(resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: USER, configuration: { duration: '30' } }).wanted.LitigationHoldDuration, 30);
    assert.deepEqual(resolveFeatureRequest({ featureId: 'unified-audit-log', scope: 'organization', undo: true }).wanted, { UnifiedAuditLogIngestionEnabled: false });
  });

  test('refusals name the field to fix', () => {
    assert.equal(refusal(() => resolveFeatureRequest({ featureId: 'no-such-thing', scope: 'organization' })).field, 'featureName');
    assert.match(refusal(() => resolveFeatureRequest({ featureId: 'no-such-thing', scope: 'organization' })).message, /unified-audit-log \(organization\): Unified audit log ingestion/);
    const scope = refusal(() => resolveFeatureRequest({ featureId: 'unified-audit-log', scope: 'user', targetEmail: USER }));
    assert.equal(scope.field, 'scope');
    assert.match(scope.message, /use scope 'organization'/);
    assert.equal(refusal(() => resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user' })).field, 'targetEmail');
    assert.equal(refusal(() => resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: 'not-an-address' })).field, 'targetEmail');
    assert.equal(refusal(() => resolveFeatureRequest({ featureId: 'mailbox-auditing', scope: 'organization', targetEmail: USER })).field, 'targetEmail');
    const unknownKey = refusal(() => resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: USER, configuration: { days: 3 } }));
    assert.equal(unknownKey.field, 'configuration');
    assert.match(unknownKey.message, /It accepts: duration/);
    assert.equal(refusal(() => resolveFeatureRequest({ featureId: 'archive-mailbox', scope: 'user', targetEmail: USER, configuration: { duration: 3 } })).field, 'configuration');
    for (const bad of [0, -5, 1.5, 99999, 'forever', true]) {
      const e = refusal(() => resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: USER, configuration: { duration: bad } }));
      assert.equal(e.field, 'configuration.duration', String(bad));
      assert.match(e.message, /whole number from 1 to 36500 or Unlimited/);
    }
    assert.equal(refusal(() => resolveFeatureRequest({ featureId: 'litigation-hold', scope: 'user', targetEmail: USER, configuration: { duration: 5 }, undo: true })).field, 'configuration');
  });
});
