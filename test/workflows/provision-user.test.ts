// provisionUser against the sandbox tenant: the whole journey through create_user, adoption of a
// repeated request (sequential and concurrent), and a fault at every step leaving the tenant as it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SKU_BUSINESS_BASIC, SKU_BUSINESS_STANDARD } from '../../sandbox/state';
import type { ProvisionUserResult } from '../../workflows/provision-user';
import type { CreateTeamResult } from '../../workflows/create-team';
import { expectToolError, textOf, untilSettled } from '../helpers/mcp';
import { CONNECTION, DELEGATED, startHarness, tenantView, upn, type Harness } from '../helpers/provisioning';

interface Answer {
  workflowId: string;
  status: string;
  waitingFor?: { kind: string; userCode?: string };
  adopted?: boolean;
  result?: ProvisionUserResult;
}

describe('provisionUser (create_user)', () => {
  let h: Harness;
  const call = async (args: Record<string, unknown>) => {
    const result = await h.mcp.client.callTool({ name: 'create_user', arguments: { connection: CONNECTION, password: 'Welcome-2026!', waitSeconds: 60, ...args } }, undefined, { timeout: 120_000 });
    return { result, s: result.structuredContent as unknown as Answer };
  };
  const userIn = (email: string) => Object.values(h.sandbox.state.data.users).find((u) => u.graph.userPrincipalName === email);
  let n = 0;
  const provision = (local: string, extra: Record<string, unknown> = {}) =>
    h.run<ProvisionUserResult>(
      'provisionUser',
      `provision-user/test/${local}-${++n}`,
      { connection: CONNECTION, user: { userPrincipalName: upn(local), displayName: local, passwordSealed: h.seal() }, ...extra },
      upn(local),
    );

  before(async () => {
    h = await startHarness('provision', { throttle: 'off', mailboxDelayMs: 1500, replicationDelayMs: 500, teamCreationMs: 500 });
    // A team to join, made by the createTeam workflow.
    const team = await h.run<CreateTeamResult>(
      'createTeam',
      'create-team/test/crew',
      { connection: CONNECTION, displayName: 'Crew', owners: [upn('admin')], replicationRetrySeconds: 1, operationPollSeconds: 1 },
      'Crew',
    );
    assert.equal(team.status, 'done', team.summary);
  });
  after(async () => {
    h.sandbox.setFaults(undefined);
    await h.close();
  });

  test('a new starter: user, licence, mailbox, settings, group and team in one workflow', async () => {
    const { result, s } = await call({
      email: upn('jane.doe'),
      displayName: 'Jane Doe',
      firstName: 'Jane',
      lastName: 'Doe',
      license: 'BusinessStandard',
      timeZone: 'W. Europe Standard Time',
      language: 'en-GB',
      groups: ['Sales'],
      teams: ['Crew'],
    });
    assert.equal(s.status, 'done', textOf(result));
    assert.equal(s.result?.status, 'done', textOf(result));
    const jane = userIn(upn('jane.doe'));
    assert.ok(jane, 'the user exists');
    assert.deepEqual((jane.graph.assignedLicenses as { skuId: string }[]).map((l) => l.skuId), [SKU_BUSINESS_STANDARD]);
    assert.equal(jane.graph.usageLocation, 'US', "the tenant's country by default");
    assert.equal(jane.mailboxSettings.timeZone, 'W. Europe Standard Time');
    assert.equal((jane.mailboxSettings.language as { locale: string }).locale, 'en-GB');
    const groups = Object.values(h.sandbox.state.data.groups);
    assert.ok(groups.find((g) => g.graph.displayName === 'Sales')!.members.includes(jane.graph.id));
    assert.ok(groups.find((g) => g.graph.displayName === 'Crew')!.members.includes(jane.graph.id));
    assert.equal(jane.password, 'Welcome-2026!');
    const history = JSON.stringify((await h.temporal.workflow.getHandle(s.workflowId).fetchHistory()).events);
    assert.ok(!history.includes('Welcome-2026!'), 'the password is not in the workflow history');
  });

  test('a connection not signed in answers with a device code; after sign-in the same workflow provisions the user', async () => {
    const first = await call({ connection: DELEGATED, email: upn('dee.code'), displayName: 'Dee Code', license: 'BusinessBasic' });
    assert.equal(first.s.status, 'waiting_for_sign_in', textOf(first.result));
    assert.match(textOf(first.result), /DEVICE CODE: /);
    h.sandbox.approve(first.s.waitingFor!.userCode!);
    const followed = await untilSettled(() => h.mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: first.s.workflowId, waitSeconds: 60 } }));
    const done = followed.structuredContent as unknown as Answer;
    assert.equal(done.result?.status, 'done', textOf(followed));
    // A delegated admin may not read another user's mailbox settings (Graph: 403): the step says so.
    assert.ok(done.result?.steps.some((st) => st.step === 'mailbox' && st.outcome === 'skipped' && /app-only/.test(st.detail ?? '')), textOf(followed));
    assert.ok(userIn(upn('dee.code')));
  });

  test('the same request twice, then twice at once: one user, one workflow', async () => {
    const first = await call({ email: upn('sam.twice'), displayName: 'Sam Twice', license: 'BusinessBasic' });
    const again = await call({ email: upn('sam.twice'), displayName: 'Sam Twice', license: 'BusinessBasic' });
    assert.equal(again.s.workflowId, first.s.workflowId);
    assert.equal(again.s.adopted, true);
    const [a, b] = await Promise.all([
      call({ email: upn('kim.atonce'), displayName: 'Kim At Once' }),
      call({ email: upn('kim.atonce'), displayName: 'Kim At Once' }),
    ]);
    assert.equal(a.s.workflowId, b.s.workflowId);
    assert.equal(a.s.result?.status, 'done', textOf(a.result));
    assert.equal(b.s.result?.status, 'done', textOf(b.result));
    for (const email of [upn('sam.twice'), upn('kim.atonce')]) {
      assert.equal(Object.values(h.sandbox.state.data.users).filter((u) => u.graph.userPrincipalName === email).length, 1, `one ${email}`);
      const runs = [];
      for await (const wf of h.temporal.workflow.list({ query: `WorkflowId = 'provision-user/contoso/${email}'` })) runs.push(wf.runId);
      assert.equal(runs.length, 1, `one workflow for ${email}`);
    }
  });

  test('an existing different user with the same UPN is refused; nothing changes', async () => {
    const before = tenantView(h.sandbox.snapshot());
    const { result } = await call({ email: upn('adele.vance'), displayName: 'Someone Else' });
    assert.match(textOf(result), /REJECTED: Nothing changed: USER_001/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });

  test('checks refuse an unverified domain, a weak password and a seat shortage before any change', async () => {
    const before = tenantView(h.sandbox.snapshot());
    const domain = await call({ email: 'x@fabrikam.example', displayName: 'X' });
    assert.match(textOf(domain.result), /domain 'fabrikam.example' is not verified/);
    expectToolError((await call({ email: upn('weak'), displayName: 'Weak', password: 'password' })).result, /password: must contain three/);
    const sku = h.sandbox.state.data.skus[SKU_BUSINESS_BASIC];
    const seats = sku.enabledUnits;
    sku.enabledUnits = h.sandbox.state.consumedUnits(SKU_BUSINESS_BASIC);
    try {
      const full = await call({ email: upn('no.seat'), displayName: 'No Seat', license: 'BusinessBasic' });
      assert.match(textOf(full.result), /no seats left for BusinessBasic/);
    } finally {
      sku.enabledUnits = seats;
    }
    const unknown = await call({ email: upn('no.sku'), displayName: 'No Sku', license: 'BusinessPremium' });
    assert.match(textOf(unknown.result), /license: 'BusinessPremium' is Microsoft 365 Business Premium \(SPB\), which this tenant does not subscribe to/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });

  const faultAt: { step: string; match: string; status?: 400 | 403 | 404 | 409; undone: RegExp }[] = [
    { step: 'user', match: 'POST /v1.0/users', undone: /undone: nothing/ },
    { step: 'usage location', match: 'PATCH /v1.0/users/*', undone: /undone: user created/ },
    { step: 'license', match: 'POST /v1.0/users/*/assignLicense', undone: /undone: user created/ },
    { step: 'mailbox', match: 'GET /v1.0/users/*/mailboxSettings', status: 404, undone: /undone: license BusinessStandard assigned, user created/ },
    { step: 'mailbox settings', match: 'PATCH /v1.0/users/*/mailboxSettings', undone: /undone: license BusinessStandard assigned, user created/ },
    { step: 'groups', match: 'POST /v1.0/groups/*/members/$ref', undone: /undone: license BusinessStandard assigned, user created/ },
    { step: 'teams', match: 'POST /v1.0/teams/*/members', undone: /undone: member of Sales, license BusinessStandard assigned, user created/ },
  ];
  for (const f of faultAt) {
    test(`a refusal at the ${f.step} step leaves the tenant as it was and says what was undone`, async () => {
      const local = `fault.${f.step.replace(/\s/g, '')}`;
      const before = tenantView(h.sandbox.snapshot());
      h.sandbox.setFaults({ seed: f.step, rules: [{ match: f.match, rate4xx: 1, status4xx: f.status }] });
      let result: ProvisionUserResult;
      try {
        result = await provision(local, { license: 'BusinessStandard', mailboxSettings: { timeZone: 'UTC' }, groups: ['Sales'], teams: ['Crew'] });
      } finally {
        h.sandbox.setFaults(undefined);
      }
      assert.equal(result.status, 'rolledBack', result.summary);
      assert.equal(result.failedStep, f.step, result.summary);
      assert.match(result.summary, new RegExp(`^${f.step} step failed: .*Injected fault`));
      assert.match(result.summary, f.undone);
      assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'users, licences, groups and deleted items as before');
    });
  }

  test('an existing user adopted, then a refusal at a later step: what the user had before stays (usage location, groups), only this run\'s changes are undone', async () => {
    const made = await provision('kept.user', { usageLocation: 'US', groups: ['Sales'] });
    assert.equal(made.status, 'done', made.summary);
    const before = tenantView(h.sandbox.snapshot());
    h.sandbox.setFaults({ seed: 'adopted', rules: [{ match: 'POST /v1.0/teams/*/members', rate4xx: 1 }] });
    let result: ProvisionUserResult;
    try {
      result = await provision('kept.user', { usageLocation: 'GB', groups: ['Sales'], teams: ['Crew'] });
    } finally {
      h.sandbox.setFaults(undefined);
    }
    assert.equal(result.status, 'rolledBack', result.summary);
    assert.ok(result.steps.some((st) => st.step === 'user' && st.outcome === 'adopted'), 'the user was adopted');
    assert.ok(!result.undone.some((u) => /Sales|user created/.test(u)), `nothing that was there is undone: ${result.undone.join('; ')}`);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'the user, its usage location and its groups as they were');
  });

  test('the welcome email: checked before any change, then a template send that waits for confirmation and sends once', async () => {
    const before = tenantView(h.sandbox.snapshot());
    const missing = await call({ email: upn('wendy.welcome'), displayName: 'Wendy Welcome', license: 'BusinessStandard', welcomeTemplateId: 'welcome', welcomeFrom: upn('admin') });
    expectToolError(missing.result, /welcome email \(welcomeVariables\).*companyName/);
    assert.equal((missing.result.structuredContent as { field?: string }).field, 'welcomeVariables');
    const noSender = await call({ email: upn('wendy.welcome'), displayName: 'Wendy Welcome', welcomeTemplateId: 'welcome' });
    expectToolError(noSender.result, /welcomeFrom/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before, 'nothing created for a refused welcome email');

    const variables = { companyName: 'Contoso', startDate: '1 December', managerName: 'Ann Manager', helpdeskEmail: upn('helpdesk') };
    const { result, s } = await call({ email: upn('wendy.welcome'), displayName: 'Wendy Welcome', license: 'BusinessStandard', welcomeTemplateId: 'welcome', welcomeFrom: upn('admin'), welcomeVariables: variables });
    assert.equal(s.result?.status, 'done', textOf(result));
    const step = s.result!.steps.find((x) => x.step === 'welcome email');
    assert.equal(step?.outcome, 'done', textOf(result));
    const welcomeId = `welcome-email/${CONNECTION.toLowerCase()}/${upn('wendy.welcome')}`;
    assert.match(step!.detail!, new RegExp(welcomeId));
    const sentBefore = h.sandbox.outbox().length;

    type Waiting = { status: string; waitingFor?: { kind: string; hash?: string; preview?: string } };
    let waiting: Awaited<ReturnType<typeof h.mcp.client.callTool>> | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 200))) {
      waiting = await h.mcp.client.callTool({ name: 'workflow_status', arguments: { workflowId: welcomeId } });
      if ((waiting.structuredContent as unknown as Waiting).waitingFor) break;
    }
    const w = waiting!.structuredContent as unknown as Waiting;
    assert.equal(w.waitingFor?.kind, 'confirmation', textOf(waiting!));
    assert.match(w.waitingFor!.preview!, /Welcome to Contoso, Wendy/);
    assert.equal(h.sandbox.outbox().length, sentBefore, 'nothing sent before confirmation');

    const again = await call({ email: upn('wendy.welcome'), displayName: 'Wendy Welcome', license: 'BusinessStandard', welcomeTemplateId: 'welcome', welcomeFrom: upn('admin'), welcomeVariables: variables });
    assert.equal(again.s.workflowId, s.workflowId, 'the same request adopts the first workflow');

    const confirmed = await h.mcp.client.callTool({ name: 'confirm', arguments: { workflowId: welcomeId, hash: w.waitingFor!.hash!, waitSeconds: 60 } }, undefined, { timeout: 120_000 });
    assert.notEqual(confirmed.isError, true, textOf(confirmed));
    const mails = h.sandbox.outbox().filter((m) => m.to.includes(upn('wendy.welcome')));
    assert.equal(mails.length, 1, 'exactly one welcome mail');
    assert.equal(mails[0].subject, 'Welcome to Contoso, Wendy');
    assert.match(mails[0].body.content, /wendy\.welcome@/);
  });

  test('a licence step that finds no seat left undoes the user and says why', async () => {
    const before = tenantView(h.sandbox.snapshot());
    // Seats run out between the checks and the assignment: the sandbox refuses as Graph does.
    h.sandbox.setFaults({ seed: 'seats', rules: [{ match: 'POST /v1.0/users/*/assignLicense', latencyMs: 300 }] });
    const sku = h.sandbox.state.data.skus[SKU_BUSINESS_BASIC];
    const seats = sku.enabledUnits;
    const pending = provision('late.seat', { license: 'BusinessBasic' });
    const deadline = Date.now() + 30_000;
    while (!Object.values(h.sandbox.state.data.users).some((u) => u.graph.userPrincipalName === upn('late.seat')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    sku.enabledUnits = h.sandbox.state.consumedUnits(SKU_BUSINESS_BASIC);
    let result: ProvisionUserResult;
    try {
      result = await pending;
    } finally {
      sku.enabledUnits = seats;
      h.sandbox.setFaults(undefined);
    }
    assert.equal(result.status, 'rolledBack', result.summary);
    assert.match(result.summary, /^license step failed: no seats left for BusinessBasic; undone: user created$/);
    assert.deepEqual(tenantView(h.sandbox.snapshot()), before);
  });
});
