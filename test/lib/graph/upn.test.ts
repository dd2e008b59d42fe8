// mm's UPN check follows Entra ID's user principal name policy ("Microsoft Entra password policies and
// account restrictions", section "User principal name policies"); the same cases the sandbox refuses
// (test/sandbox/upn-password.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upnError, upnProblem } from '../../../lib/graph/upn';

test('concept-password-policies § User principal name policies: the refused and accepted names', () => {
  for (const upn of ['first+tag@contoso.example', 'zoë.müller@contoso.example', 'a%b@contoso.example', 'dot.@contoso.example', '.dot@contoso.example', 'two@at@contoso.example', `${'a'.repeat(65)}@contoso.example`, `a@${'d'.repeat(49)}`]) {
    assert.ok(upnProblem(upn), upn);
  }
  for (const upn of [`${'a'.repeat(64)}@contoso.example`, "o'brien.j_x-y!z#1^2~3@contoso.example", 'jane.doe@contoso.example']) {
    assert.equal(upnProblem(upn), undefined, upn);
  }
  assert.equal(upnError('email', 'jane@contoso.example'), undefined);
  assert.match(upnError('users[3].email', 'first+tag@contoso.example') ?? '', /^users\[3\]\.email: first\+tag@contoso\.example is not a valid Entra ID user principal name: .*found '\+'/);
});
