// bulk_provision_users through a real MCP client: the answer text the model reads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csvColumns } from '../../../mcp/tools/bulk-provision-users';
import { expectToolError, textOf } from '../../helpers/mcp';
import { CONNECTION, PASSWORD, startHarness, upn, type Harness } from '../../helpers/provisioning';

describe('bulk_provision_users', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('bulk-tool', { throttle: 'off' });
  });
  after(() => h.close());

  const bulk = (csv: string) => h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv, waitSeconds: 30 } }, undefined, { timeout: 120_000 });

  test('the CSV licence column takes product and short names; the preview names each product beside its part number', async () => {
    const result = await bulk(`email,displayName,password,license\n${upn('bl.one')},One,${PASSWORD},Microsoft 365 Business Standard\n${upn('bl.two')},Two,${PASSWORD},business basic\n${upn('bl.three')},Three,${PASSWORD},\n`);
    const text = textOf(result);
    assert.match(text, /licences: Microsoft 365 Business Basic \(O365_BUSINESS_ESSENTIALS\) × 1, Microsoft 365 Business Standard \(O365_BUSINESS_PREMIUM\) × 1, none × 1/, text);
    assert.match(text, /1\. bl\.one@\S+ \(One\), Microsoft 365 Business Standard \(O365_BUSINESS_PREMIUM\)/);
    await h.mcp.client.callTool({ name: 'cancel_workflow', arguments: { workflowId: (result.structuredContent as { workflowId: string }).workflowId } });
  });

  test('a licence the tenant lacks is refused before the preview, naming the row and the tenant products', async () => {
    const result = await bulk(`email,displayName,password,license\n${upn('bl.four')},Four,${PASSWORD},BusinessStandard\n${upn('bl.five')},Five,${PASSWORD},Microsoft 365 Business Premium\n`);
    expectToolError(result, /users\[1\]\.license: 'Microsoft 365 Business Premium' is Microsoft 365 Business Premium \(SPB\), which this tenant does not subscribe to\. This tenant's products: Microsoft 365 E3 \(SPE_E3\), .* \(row 2\)/);
    assert.equal(h.sandbox.state.findUser(upn('bl.four')), undefined, 'nobody provisioned');
  });

  test('CSV headers in any case and spacing (First Name, firstname, FIRSTNAME) reach their fields', async () => {
    const csv = `E-mail,Display Name,PASSWORD,First Name,last_name,Job Title,usage location\n${upn('bl.six')},Six Person,${PASSWORD},Six,Person,Analyst,GB\n`;
    const result = await h.mcp.client.callTool({ name: 'bulk_provision_users', arguments: { connection: CONNECTION, csv, confirmed: true, waitSeconds: 30 } }, undefined, { timeout: 120_000 });
    assert.notEqual(result.isError, true, textOf(result));
    await h.temporal.workflow.getHandle((result.structuredContent as { workflowId: string }).workflowId).result();
    const user = h.sandbox.state.findUser(upn('bl.six'))!.graph;
    assert.deepEqual([user.displayName, user.givenName, user.surname, user.jobTitle, user.usageLocation], ['Six Person', 'Six', 'Person', 'Analyst', 'GB']);
  });

  test('unrecognised CSV headers: every one named, with the accepted headers', async () => {
    const result = await bulk(`email,displayName,password,Phone,Manager\n${upn('bl.seven')},Seven,${PASSWORD},555,Boss\n`);
    expectToolError(result, /^csv: unrecognised headers 'Phone', 'Manager'\. Accepted headers \(any case, spaces allowed\): email, displayName, password, license, firstName, lastName, department, jobTitle, usageLocation, groups\.$/);
  });
});

test('csvColumns: headers to fields without case, spaces, - or _; the same field twice is refused', () => {
  assert.deepEqual(csvColumns(['First Name']), ['firstName']);
  assert.deepEqual(csvColumns(['EMAIL', 'display name', 'Password', 'LICENCE', 'last-name', 'usage_location', 'Groups']), ['email', 'displayName', 'password', 'license', 'lastName', 'usageLocation', 'groups']);
  assert.deepEqual(csvColumns(['firstname']), ['firstName']);
  assert.deepEqual(csvColumns(['FIRSTNAME']), ['firstName']);
  assert.throws(() => csvColumns(['email', 'E-mail']), /several headers mean email: 'email', 'E-mail'; keep one of each\./);
  assert.throws(() => csvColumns(['Phone']), /unrecognised header 'Phone'\. Accepted/);
});

