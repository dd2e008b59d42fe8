// The PowerShell strings the pool builds: quoting, connect commands, the framing lines.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommand } from '../../../lib/pwsh/guardrails';
import { FRAME, PRELUDE, connectCommand, invocationLine, quote } from '../../../lib/pwsh/script';
import { findDeviceCode } from '../../../lib/pwsh/device-code';
import { pnpPersistsLogin } from '../../../lib/pwsh/restore';
import { parseScript, commandArguments, literalValue } from '../../../lib/pwsh/syntax';
import { tokenize } from '../../../lib/pwsh/tokenizer';
import { sandboxConnection } from '../../helpers/pwsh-pool';

/** The value bound to `-name` in the first command of `source` that runs `cmdlet`. */
function argumentOf(source: string, cmdlet: string, name: string): string | undefined {
  for (const pipeline of parseScript(source).pipelines) {
    for (const command of pipeline) {
      const [head, ...rest] = command.elements;
      if (literalValue(head) !== cmdlet) continue;
      return literalValue(commandArguments(rest).named.find((n) => n.name === name)?.value);
    }
  }
  return undefined;
}

describe('quote', () => {
  test('a single-quoted literal doubles every kind of single quote PowerShell accepts', () => {
    assert.equal(quote("O'Brien"), "'O''Brien'");
    assert.equal(quote('it\u2019s'), "'it\u2019\u2019s'");
    assert.equal(quote('$env:PATH `n'), "'$env:PATH `n'");
  });
  for (const hostile of ["x'; Install-Module evil; '", 'a\u2018; Remove-Item /; \u2019b', "'@\n'@", '$(Install-Module x)', 'a`\'b']) {
    test(`the value ${JSON.stringify(hostile)} stays one string`, () => {
      const { tokens } = tokenize(quote(hostile));
      assert.equal(tokens.length, 1);
      assert.equal(tokens[0].kind, 'string');
      assert.equal(tokens[0].kind === 'string' && tokens[0].value, hostile);
    });
  }
});

describe('connect commands', () => {
  const hostile = "https://contoso.sharepoint.com/sites/a'; Install-Module evil; 'b";

  test('exo signs in with -Device and reports the account', () => {
    const c = connectCommand(sandboxConnection('A'), 'exo');
    assert.match(c, /^Connect-ExchangeOnline -Device -ShowBanner:\$false; Get-ConnectionInformation/);
  });

  test('teams passes the tenant as a literal', () => {
    const c = connectCommand(sandboxConnection('A', { tenantId: undefined, tenant: "contoso.com'; Install-Module x; '" }), 'teams');
    assert.equal(argumentOf(c, 'Connect-MicrosoftTeams', 'TenantId'), "contoso.com'; Install-Module x; '");
    assert.equal(checkCommand(c).verdict, 'allow');
  });

  test('azure disables autosave, passes -TenantId and selects the context of expectedEmail', () => {
    const c = connectCommand(sandboxConnection('A', { expectedEmail: "o'brien@contoso.com", azureSubscription: 'sub-1' }), 'azure');
    assert.match(c, /^Disable-AzContextAutosave -Scope Process \| Out-Null; Connect-AzAccount -UseDeviceAuthentication -TenantId '[0-9a-f-]{36}' -Subscription 'sub-1'/);
    assert.match(c, /\$_\.Account\.Id -eq 'o''brien@contoso\.com'/);
    assert.equal(checkCommand(c).verdict, 'allow');
  });

  test('pnp passes the URL and client id as literals: a quote in the URL cannot break out', () => {
    const c = connectCommand(sandboxConnection('A', { sharepointUrl: hostile }), 'pnp');
    assert.equal(argumentOf(c, 'Connect-PnPOnline', 'Url'), hostile);
    assert.equal(argumentOf(c, 'Connect-PnPOnline', 'ClientId'), sandboxConnection('A').appId);
    assert.equal(checkCommand(c).verdict, 'allow', 'no Install-Module appears as a command');
  });

  test('pnp persists its sign-in (-PersistLogin) unless asked not to (the restore connects from the cache)', () => {
    assert.match(connectCommand(sandboxConnection('A'), 'pnp'), /Connect-PnPOnline [^;]*-DeviceLogin [^;]*-PersistLogin[ ;]/);
    assert.doesNotMatch(connectCommand(sandboxConnection('A'), 'pnp', { persistLogin: false }), /PersistLogin/);
    assert.match(connectCommand(sandboxConnection('A'), 'pnp', { persistLogin: false }), /; Get-PnPWeb -Includes CurrentUser/, 'a call that needs the token follows the connect');
  });

  test('PnP persists its sign-in where the pool can give each connection a HOME of its own: not on Windows', () => {
    assert.equal(pnpPersistsLogin('linux'), true);
    assert.equal(pnpPersistsLogin('darwin'), true);
    assert.equal(pnpPersistsLogin('win32'), false, 'MSAL keeps it in the known LocalAppData folder there, shared by every connection');
  });

  test('sovereign clouds add the module environment parameter', () => {
    assert.match(connectCommand(sandboxConnection('A', { cloud: 'usgovhigh' }), 'exo'), /-ExchangeEnvironmentName O365USGovGCCHigh/);
    assert.match(connectCommand(sandboxConnection('A', { cloud: 'china' }), 'azure'), /-Environment AzureChinaCloud/);
  });
});

describe('framing lines', () => {
  test('the prelude is one line of balanced PowerShell', () => {
    assert.ok(!PRELUDE.includes('\n'));
    const script = parseScript(PRELUDE); // throws on unbalanced blocks or strings
    assert.ok(script.pipelines.length >= 2);
  });

  test('an invocation line carries any command, newlines and quotes included, in base64', () => {
    const command = "Get-Mailbox -Identity 'a''b'\n@'\nhere\n'@\n\"x\"";
    const line = invocationLine('0123456789abcdef', command, 8);
    assert.ok(!line.includes('\n'));
    const m = /^__mm_Invoke '([0-9a-f]{16})' '([A-Za-z0-9+/=]+)' 8$/.exec(line);
    assert.ok(m);
    assert.equal(Buffer.from(m[2], 'base64').toString('utf8'), command);
  });

  test('a nonce that is not 16 hex digits is refused', () => {
    assert.throws(() => invocationLine("x' ; evil", 'Get-Date', 8), /nonce/);
  });

  test('frames are recognised only with the marker form', () => {
    assert.deepEqual(FRAME.exec('<<mm:0123456789abcdef:result>>{"output":[]}')?.slice(1), ['0123456789abcdef', 'result', '{"output":[]}']);
    assert.equal(FRAME.exec('<<mm:0123456789ABCDEF:end>>'), null);
    assert.equal(FRAME.exec(' <<mm:0123456789abcdef:end>>'), null);
  });
});

describe('device-code prompts', () => {
  test('the classic URL on stdout (Exchange)', () => {
    assert.deepEqual(findDeviceCode('To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD12345 to authenticate.'), {
      verificationUrl: 'https://microsoft.com/devicelogin',
      userCode: 'ABCD12345',
    });
  });
  test('the newer URL as a warning on stderr (Az)', () => {
    assert.deepEqual(findDeviceCode('WARNING: To sign in, use a web browser to open the page https://login.microsoft.com/device and enter the code F7KQ2MZ9X to authenticate.'), {
      verificationUrl: 'https://login.microsoft.com/device',
      userCode: 'F7KQ2MZ9X',
    });
  });
  test("PnP PowerShell 3.1's clipboard warning: the code, at Microsoft's device-login page", () => {
    const line = 'Code F7KQ2MZ9X has been copied to your clipboard and a new tab in the browser has been opened. Please paste this code in there and proceed.';
    assert.deepEqual(findDeviceCode(line), { verificationUrl: 'https://microsoft.com/devicelogin', userCode: 'F7KQ2MZ9X' });
    assert.deepEqual(findDeviceCode(`WARNING: ${line}`), { verificationUrl: 'https://microsoft.com/devicelogin', userCode: 'F7KQ2MZ9X' });
    assert.equal(findDeviceCode('The code has been copied to your clipboard'), undefined);
  });
  test('ordinary lines are not prompts', () => {
    assert.equal(findDeviceCode('WARNING: The names of some imported commands include unapproved verbs.'), undefined);
    assert.equal(findDeviceCode('Get-Mailbox returned 3 items'), undefined);
  });
});
