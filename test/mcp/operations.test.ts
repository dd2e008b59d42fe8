// The operations catalog: workflow ids are a contract with every workflow already started (a repeat
// adopts a running or finished one only when it makes the same id), so the ids a release made are
// pinned here; and every workflow a client can start has exactly one way in.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as workflows from '../../workflows';
import * as operations from '../../mcp/operations';
import * as catalogModule from '../../mcp/operations/catalog';
import type { Reuse, WorkflowName } from '../../mcp/operations';

const CONNECTION = 'Contoso';
/** Started only by other workflows, never by a client. */
const CHILD_ONLY = new Set<WorkflowName>(['signIn', 'complianceAlert']);

const catalog = Object.values(catalogModule) as unknown as { workflowType: WorkflowName; reuse: Reuse }[];

describe('operations catalog', () => {
  test('every workflow a client starts has an operation, and every operation names an exported workflow', () => {
    const exported = new Set(Object.keys(workflows) as WorkflowName[]);
    const covered = new Set(catalog.map((o) => o.workflowType));
    for (const name of exported) {
      if (CHILD_ONLY.has(name)) assert.ok(!covered.has(name), `${name} is started by workflows only`);
      else assert.ok(covered.has(name), `no operation starts ${name}`);
    }
    for (const name of covered) assert.ok(exported.has(name), `${name} is not exported by workflows/index.ts`);
  });

  test('business-key ids are the ones earlier releases made (a repeat adopts across an upgrade)', () => {
    const pinned: [string, string][] = [
      [operations.provisionUser.workflowId({ connection: CONNECTION, user: { userPrincipalName: 'ann.lee@contoso.com', displayName: 'Ann', passwordSealed: 'x' } }), 'provision-user/contoso/ann.lee@contoso.com'],
      [operations.createTeam.workflowId({ connection: CONNECTION, displayName: 'Project Falcon', owners: [] }), 'create-team/contoso/projectfalcon'],
      [operations.offboardUser.workflowId({ connection: CONNECTION, userPrincipalName: 'leaver@contoso.com' }), 'offboard-user/contoso/leaver@contoso.com'],
      [operations.remediateFinding.workflowId({ connection: CONNECTION, checkId: 'mfa-admins', confirmWith: 'human' }), 'remediate-finding/contoso/mfa-admins'],
      [
        operations.graphRequest.workflowId({ connection: CONNECTION, method: 'POST', endpoint: '/users/a@contoso.com/sendMail', resource: 'graph', body: { message: {} } }, {}),
        // sha256 of the JSON [method, endpoint, resource, version, body, requestId], as released
        'graph-request/contoso/post-6f39ce2c39a0ba652dc3',
      ],
      [
        operations.runCommand.workflowId({ connection: CONNECTION, module: 'exo', command: 'Set-Mailbox a -Type Shared', pwshTaskQueue: 'q' }, { read: false }),
        'run/contoso/exo/cc27194681c704a61ecb',
      ],
      [
        operations.enableFeature.workflowId({ connection: CONNECTION, featureId: 'focused-inbox', scope: 'user', targetEmail: 'Ann@Contoso.com', pwshTaskQueue: 'q' }),
        'enable-feature/contoso/focused-inbox/ann@contoso.com/enable',
      ],
    ];
    for (const [made, expected] of pinned) assert.equal(made, expected);
  });

  test('reads run afresh: two requests for the same read make two ids, two identical writes one', () => {
    const read = { connection: CONNECTION, method: 'GET' as const, endpoint: '/users', resource: 'graph' as const };
    assert.notEqual(operations.graphRequest.workflowId(read, {}), operations.graphRequest.workflowId(read, {}));
    const write = { ...read, method: 'PATCH' as const, endpoint: '/users/a', body: { jobTitle: 'x' } };
    assert.equal(operations.graphRequest.workflowId(write, {}), operations.graphRequest.workflowId(write, {}));
    assert.notEqual(operations.graphRequest.workflowId(write, {}), operations.graphRequest.workflowId(write, { requestId: 'again' }));
    const dryRun = { connection: CONNECTION, userPrincipalName: 'leaver@contoso.com', dryRun: true };
    assert.match(operations.offboardUser.workflowId(dryRun), /^offboard-user-preview\/contoso\/leaver@contoso\.com\/[0-9a-f]{8}$/);
  });

  test('desired-state operations run a finished workflow again; provisioning adopts it', () => {
    assert.deepEqual(
      catalog.filter((o) => o.reuse === 'desired-state').map((o) => o.workflowType).sort(),
      ['configureMailbox', 'configureTracking', 'deployOutlookAddin', 'enableFeature', 'remediateFinding', 'respondToCompromise'],
    );
    for (const o of [operations.provisionUser, operations.createTeam, operations.offboardUser, operations.connectService]) assert.equal(o.reuse, 'adopt-or-retry');
  });
});
