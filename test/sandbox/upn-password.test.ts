// POST /users against Entra ID's user principal name and password rules ("Microsoft Entra password
// policies and account restrictions", learn.microsoft.com/entra/identity/authentication/concept-password-policies,
// sections "User principal name policies" and "Password policies that only apply to cloud user
// accounts"): the refusal is Graph's 400 Request_BadRequest on the property, and nothing is created.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSandbox, type Sandbox } from '../../sandbox';

const user = (upn: string, password = 'Sandbox-Pass-42') => ({
  accountEnabled: true,
  displayName: 'Rule check',
  mailNickname: 'rulecheck',
  userPrincipalName: upn,
  passwordProfile: { password },
});

describe('Entra user principal name and password policies', () => {
  let sandbox: Sandbox;
  let token: string;
  before(async () => {
    sandbox = await startSandbox({ throttle: 'off' });
    token = sandbox.mintToken();
  });
  after(() => sandbox.close());

  const create = async (body: unknown) => {
    const r = await fetch(`${sandbox.url}/v1.0/users`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as { error?: { code: string; message: string } } };
  };
  const exists = (upn: string) => Object.values(sandbox.state.data.users).some((u) => u.graph.userPrincipalName === upn);

  test("concept-password-policies § User principal name policies: only A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @, no period at either end of it, 64 / 48 / 113 characters", async () => {
    const local64 = 'a'.repeat(64);
    const refused = [
      'first+tag@contoso.example',
      'zoë.müller@contoso.example',
      'a%b@contoso.example',
      'dot.@contoso.example',
      '.dot@contoso.example',
      'two@at@contoso.example',
      'sp ace@contoso.example',
      `${local64}a@contoso.example`,
    ];
    for (const upn of refused) {
      const r = await create(user(upn));
      assert.equal(r.status, 400, upn);
      assert.equal(r.body.error?.code, 'Request_BadRequest');
      assert.equal(r.body.error?.message, "Invalid value specified for property 'userPrincipalName' of resource 'User'.", upn);
      assert.ok(!exists(upn), `${upn} was not created`);
    }
    for (const upn of [`${local64}@contoso.example`, "o'brien.j_x-y!z#1^2~3@contoso.example"]) {
      const r = await create(user(upn));
      assert.equal(r.status, 201, `${upn}: ${JSON.stringify(r.body)}`);
    }
  });

  test('concept-password-policies § Password policies that only apply to cloud user accounts: Unicode characters are not allowed in a password', async () => {
    const r = await create(user('unicode.pass@contoso.example', 'Sandbox-Päss-42'));
    assert.equal(r.status, 400);
    assert.match(r.body.error?.message ?? '', /password complexity requirements/);
    assert.ok(!exists('unicode.pass@contoso.example'));
    assert.equal((await create(user('ascii.pass@contoso.example', 'Sandbox Pass 42!'))).status, 201);
  });
});
