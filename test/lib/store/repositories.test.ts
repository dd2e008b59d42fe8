import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store, type TemplateContent } from '../../../lib/store';
import { makeTestEnv, type TestEnv } from '../../helpers/env';

let env: TestEnv;
let store: Store;
before(() => {
  env = makeTestEnv();
  store = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
});
after(() => {
  store.close();
  env.cleanup();
});

describe('audit log', () => {
  test('round-trips entries, newest first, filtered by connection and limited', () => {
    store.audit.record({ actor: 'mcp', action: 'create_user', connection: 'Contoso', target: 'jane@contoso.com', fields: ['displayName', 'password'], outcome: 'ok', workflowId: 'provision-user/contoso/jane' });
    store.audit.record({ actor: 'cli', action: 'connections add', connection: 'Fabrikam', outcome: 'ok' });
    store.audit.record({ actor: 'human', action: 'approve', connection: 'Contoso', outcome: 'refused', detail: 'stale hash' });

    const contoso = store.audit.list({ connection: 'Contoso' });
    assert.deepEqual(
      contoso.map(({ id: _id, at: _at, ...entry }) => entry),
      [
        { actor: 'human', action: 'approve', connection: 'Contoso', outcome: 'refused', detail: 'stale hash' },
        { actor: 'mcp', action: 'create_user', connection: 'Contoso', target: 'jane@contoso.com', fields: ['displayName', 'password'], outcome: 'ok', workflowId: 'provision-user/contoso/jane' },
      ],
    );
    assert.ok(!Number.isNaN(Date.parse(contoso[0].at)));
    assert.equal(store.audit.list({ limit: 1 })[0].action, 'approve');
    assert.equal(store.audit.list().length, 3);
  });

  test('scrubs tokens out of free-text details', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    store.audit.record({ actor: 'worker', action: 'graph call', connection: 'Scrub', outcome: 'failed', detail: `401 with Bearer ${jwt}` });
    const [entry] = store.audit.list({ connection: 'Scrub' });
    assert.ok(!entry.detail!.includes(jwt));
    assert.match(entry.detail!, /redacted/);
  });

  test('a step is one row: a later attempt updates its outcome; filters by time, action and target', () => {
    const step = { actor: 'worker', action: 'createUser', connection: 'Steps', target: 'jo@contoso.com', workflowId: 'provision-user/steps/jo', runId: 'r1', kind: 'change', requestedBy: 'mcp:claude token:ops', stepKey: 'provision-user/steps/jo/r1/3' } as const;
    store.audit.record({ ...step, outcome: 'failed', detail: 'attempt 1: 503' });
    store.audit.record({ ...step, outcome: 'ok', detail: 'id 42' });
    store.audit.record({ ...step, stepKey: 'provision-user/steps/jo/r1/9', action: 'deleteUser', kind: 'undo', outcome: 'ok' });
    const rows = store.audit.list({ connection: 'Steps' });
    assert.deepEqual(
      rows.map((r) => [r.action, r.kind, r.outcome, r.detail, r.requestedBy, r.runId]),
      [
        ['deleteUser', 'undo', 'ok', undefined, 'mcp:claude token:ops', 'r1'],
        ['createUser', 'change', 'ok', 'id 42', 'mcp:claude token:ops', 'r1'],
      ],
    );
    assert.deepEqual(store.audit.list({ connection: 'Steps', action: 'deleteUser' }).map((r) => r.kind), ['undo']);
    assert.equal(store.audit.list({ target: 'JO@contoso' }).length, 2, 'target: contains, case-insensitive');
    assert.equal(store.audit.list({ target: '%' }).length, 0, 'LIKE wildcards are plain text');
    assert.equal(store.audit.list({ connection: 'Steps', since: new Date(Date.now() + 60_000).toISOString() }).length, 0);
  });
});

describe('template usage', () => {
  test('records sends and lists them by template, newest first', () => {
    store.usage.record({ templateId: 'welcome', version: 1, connection: 'Contoso', sender: 'hr@contoso.com', recipientCount: 2, messageId: 'm1', status: 'sent', workflowId: 'send/1', at: new Date('2026-01-01T10:00:00Z') });
    store.usage.record({ templateId: 'welcome', version: 2, connection: 'Contoso', sender: 'hr@contoso.com', recipientCount: 1, status: 'rejected', at: new Date('2026-01-02T10:00:00Z') });
    store.usage.record({ templateId: 'other', version: 1, connection: 'Contoso', sender: 'x@contoso.com', recipientCount: 1, status: 'failed' });
    const sends = store.usage.listByTemplate('welcome');
    assert.deepEqual(
      sends.map((s) => [s.version, s.status, s.recipientCount, s.messageId, s.workflowId]),
      [
        [2, 'rejected', 1, undefined, undefined],
        [1, 'sent', 2, 'm1', 'send/1'],
      ],
    );
    assert.equal(sends[1].at, '2026-01-01T10:00:00.000Z');
  });

  test('refuses an unknown status, naming it', () => {
    assert.throws(
      () => store.usage.record({ templateId: 't', version: 1, connection: 'c', sender: 's', recipientCount: 1, status: 'bounced' as 'sent' }),
      /status must be one of sent, rejected, expired, failed/,
    );
  });
});

describe('compliance results', () => {
  test('stores scans and answers latest, history and since', () => {
    store.compliance.insertResults([
      { connection: 'Contoso', scanId: 's1', checkId: 'mfa', status: 'fail', observed: { withoutMfa: 3 }, at: new Date('2026-02-01T00:00:00Z') },
      { connection: 'Contoso', scanId: 's1', checkId: 'audit-log', status: 'pass', at: new Date('2026-02-01T00:00:01Z') },
    ]);
    store.compliance.insertResults([
      { connection: 'Contoso', scanId: 's2', checkId: 'mfa', status: 'pass', observed: { withoutMfa: 0 }, at: new Date('2026-03-01T00:00:00Z') },
      { connection: 'Contoso', scanId: 's2', checkId: 'audit-log', status: 'error', observed: { message: '403' }, at: new Date('2026-03-01T00:00:01Z') },
    ]);
    store.compliance.insertResults([{ connection: 'Fabrikam', scanId: 'f1', checkId: 'mfa', status: 'skipped', at: new Date('2026-04-01T00:00:00Z') }]);

    const latest = store.compliance.latestScan('Contoso')!;
    assert.equal(latest.scanId, 's2');
    assert.equal(latest.at, '2026-03-01T00:00:00.000Z');
    assert.deepEqual(
      latest.results.map((r) => [r.checkId, r.status, r.observed]),
      [
        ['audit-log', 'error', { message: '403' }],
        ['mfa', 'pass', { withoutMfa: 0 }],
      ],
    );
    assert.deepEqual(
      store.compliance.history('Contoso', 'mfa').map((r) => [r.scanId, r.status]),
      [
        ['s1', 'fail'],
        ['s2', 'pass'],
      ],
    );
    assert.deepEqual(
      store.compliance.scansSince('Contoso', new Date('2026-01-15T00:00:00Z')).map((s) => s.scanId),
      ['s1', 's2'],
    );
    assert.deepEqual(
      store.compliance.scansSince('Contoso', new Date('2026-02-15T00:00:00Z')).map((s) => s.scanId),
      ['s2'],
    );
    assert.equal(store.compliance.latestScan('Nobody'), undefined);
  });

  test('a scan with an invalid status is stored not at all', () => {
    assert.throws(
      () =>
        store.compliance.insertResults([
          { connection: 'Half', scanId: 'h1', checkId: 'a', status: 'pass' },
          { connection: 'Half', scanId: 'h1', checkId: 'b', status: 'warn' as 'pass' },
        ]),
      /status of check b must be one of pass, fail, error, skipped/,
    );
    assert.equal(store.compliance.latestScan('Half'), undefined);
  });
});

describe('template repository', () => {
  const content: TemplateContent = {
    templateName: 'Repo Test',
    subject: 'S1',
    bodyHtml: '<p>one</p>',
    bodyText: 'one',
    category: 'wiring',
    variables: [],
  };

  test('keeps every version and points at the newest', () => {
    store.templates.insert('repo-test', content);
    const updated = store.templates.addVersion('repo-test', { ...content, subject: 'S2', description: 'second' });
    assert.equal(updated.version, 2);
    assert.equal(updated.subject, 'S2');
    assert.deepEqual(
      store.templates.versions('repo-test').map((v) => [v.version, v.subject, v.note]),
      [
        [1, 'S1', 'created'],
        [2, 'S2', 'updated'],
      ],
    );
    assert.equal(store.templates.getByName('repo TEST')?.templateId, 'repo-test');
  });

  test('search treats % and _ literally', () => {
    assert.equal(store.templates.list({ search: '%' }).length, 0);
    assert.equal(store.templates.list({ search: 'repo' }).length, 1);
  });

  test('once runs its function for the first caller only', () => {
    let runs = 0;
    assert.equal(store.templates.once('mark', () => (runs += 1)), true);
    assert.equal(store.templates.once('mark', () => (runs += 1)), false);
    assert.equal(runs, 1);
  });

  test('deleting removes versions, keeps sends', () => {
    store.usage.record({ templateId: 'repo-test', version: 2, connection: 'c', sender: 's@c.com', recipientCount: 1, status: 'sent' });
    assert.equal(store.templates.remove('repo-test'), true);
    assert.equal(store.templates.get('repo-test'), undefined);
    assert.deepEqual(store.templates.versions('repo-test'), []);
    assert.equal(store.usage.listByTemplate('repo-test').length, 1);
  });
});

describe('compromise responses', () => {
  test('the evidence then the report of a response, by workflow and by account; a one-time secret is gone after its read', () => {
    const workflowId = 'respond-to-compromise/contoso/adele@contoso.com';
    store.compromise.saveEvidence({ workflowId, runId: 'run-1', connection: 'Contoso', userPrincipalName: 'Adele@contoso.com', collectedAt: '2026-12-07T01:00:00Z', evidence: { signIns: [{ ip: '102.89.1.7' }] } });
    assert.deepEqual(store.compromise.get(workflowId)?.evidence, { signIns: [{ ip: '102.89.1.7' }] });
    assert.equal(store.compromise.get(workflowId)?.reportMarkdown, undefined);
    assert.equal(store.compromise.saveReport(workflowId, 'run-1', { markdown: '# Report', html: '<h1>Report</h1>', status: 'contained' }), true);
    assert.equal(store.compromise.saveReport('respond-to-compromise/none', 'run-1', { markdown: '', html: '', status: 'contained' }), false, 'no evidence, no report');
    const stored = store.compromise.get(workflowId)!;
    assert.deepEqual([stored.reportMarkdown, stored.reportHtml, stored.status, stored.userPrincipalName], ['# Report', '<h1>Report</h1>', 'contained', 'adele@contoso.com']);
    store.compromise.saveEvidence({ workflowId, runId: 'run-1', connection: 'Contoso', userPrincipalName: 'adele@contoso.com', collectedAt: '2026-12-07T01:00:00Z', evidence: { retried: true } });
    assert.equal(store.compromise.get(workflowId)?.reportMarkdown, '# Report', 'the report is kept when a retry stores the evidence again');
    store.compromise.saveEvidence({ workflowId, runId: 'run-2', connection: 'Contoso', userPrincipalName: 'adele@contoso.com', collectedAt: '2026-12-07T01:05:00Z', evidence: { again: true } });
    assert.deepEqual(store.compromise.get(workflowId)?.evidence, { again: true }, 'the latest run without a run id');
    assert.equal(store.compromise.get(workflowId, 'run-1')?.reportMarkdown, '# Report', 'a run again keeps the earlier run');
    assert.deepEqual(store.compromise.forUser('Contoso', 'ADELE@contoso.com').map((r) => r.runId), ['run-2', 'run-1']);

    store.compromise.putSecret({ workflowId, name: 'password', subject: 'adele@contoso.com', sealed: 'sealed:v1:abc' });
    assert.equal(store.compromise.hasSecret(workflowId, 'password'), true);
    assert.equal(store.compromise.takeSecret(workflowId, 'password')?.sealed, 'sealed:v1:abc');
    assert.equal(store.compromise.takeSecret(workflowId, 'password'), undefined, 'read once');
    assert.equal(store.compromise.hasSecret(workflowId, 'password'), false);
  });
});
