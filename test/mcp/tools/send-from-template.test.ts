// send_from_template through a real MCP client: a send missing variables is answered, before any
// workflow starts, with what is missing and every variable the template needs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { expectToolError, textOf } from '../../helpers/mcp';
import { CONNECTION, startHarness, upn, type Harness } from '../../helpers/provisioning';

describe('send_from_template: variables', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness('send-variables', { throttle: 'off' }, false);
  });
  after(() => h.close());

  test('missing variables: the answer names them and lists every variable the template needs', async () => {
    const result = await h.mcp.client.callTool({
      name: 'send_from_template',
      arguments: { connection: CONNECTION, sender: upn('admin'), templateId: 'welcome', to: [upn('adele.vance')], variables: { firstName: 'Adele', companyName: 'Contoso', userPrincipalName: upn('adele.vance') } },
    });
    expectToolError(result, /^variables missing: startDate, managerName, helpdeskEmail\. The template needs exactly: firstName, companyName, userPrincipalName, startDate, managerName, helpdeskEmail\.$/);
    assert.deepEqual((result.structuredContent as { needed: string[] }).needed, ['firstName', 'companyName', 'userPrincipalName', 'startDate', 'managerName', 'helpdeskEmail']);
  });

  test('list_email_templates names the variables each template needs', async () => {
    const text = textOf(await h.mcp.client.callTool({ name: 'list_email_templates', arguments: {} }));
    assert.match(text, /^- welcome: Welcome \[customer_communication\] v1, variables: firstName, companyName, userPrincipalName, startDate, managerName, helpdeskEmail$/m);
  });
});
