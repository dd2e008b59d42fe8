import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCommand } from '../../../lib/pwsh/guardrails';
import { FEATURES } from '../../../lib/features/catalog';
import { exchangeReadCommand, exchangeWriteCommand } from '../../../workflows/feature-operations';

function expectVerdict(command: string, verdict: string, reason?: RegExp) {
  const result = checkCommand(command);
  assert.equal(result.verdict, verdict, `${command} → ${JSON.stringify(result)}`);
  if (reason) assert.ok(result.reasons.some((r) => reason.test(r)), `${command}: no reason matches ${reason}: ${result.reasons.join(' | ')}`);
  return result;
}

describe('guardrails: blocked as documented in mm-readme.md', () => {
  const blocked: [string, RegExp][] = [
    ['Install-Module ExchangeOnlineManagement', /Install-Module.*container integrity/],
    ['install-module -Name Az -Force', /container integrity/],
    ['PowerShellGet\\Install-Module Az', /container integrity/],
    ['Install-PSResource Az', /container integrity/],
    ['New-AzRoleAssignment -SignInName a@contoso.com -RoleDefinitionName Owner', /access escalation/],
    ['New-AzADApplication -DisplayName evil', /app registrations/],
    ['Update-MgApplication -ApplicationId 1 -DisplayName x', /app registrations/],
    ['New-MgServicePrincipal -AppId 00000000-0000-0000-0000-000000000000', /app registrations/],
    ['Remove-MgApplication -ApplicationId 1', /app registrations/],
    ['Add-MgApplicationPassword -ApplicationId 1', /app registrations/],
    ['New-AzADServicePrincipal -ApplicationId 1', /app registrations/],
    ['Set-AzureADApplication -ObjectId 1', /app registrations/],
    ['Invoke-RestMethod -Method Post -Uri https://login.microsoftonline.com/contoso.com/oauth2/v2.0/token -Body @{grant_type="password"}', /Raw OAuth/],
    ["irm 'https://login.microsoftonline.com/common/oauth2/v2.0/token' -Method Post", /Raw OAuth/],
    ['iwr -Uri "https://login.microsoftonline.com/$tenant/oauth2/token" -Method POST', /Raw OAuth/],
    ['curl https://login.microsoft.com/organizations/oauth2/v2.0/devicecode', /Raw OAuth/],
    ["(New-Object Net.WebClient).UploadString('https://login.microsoftonline.com/x/oauth2/v2.0/token', 'a=b')", /Raw OAuth/],
    ['Get-AzAccessToken -ResourceUrl https://graph.microsoft.com', /tokens never leave/],
    ["Invoke-MgGraphRequest -Method POST -Uri 'https://graph.microsoft.com/v1.0/applications' -Body @{displayName='x'}", /app registrations/],
  ];
  for (const [command, reason] of blocked) test(command, () => void expectVerdict(command, 'block', reason));
});

describe('guardrails: obfuscated forms are blocked', () => {
  const blocked: [string, RegExp][] = [
    ["& ('Install'+'-Module') Az", /computed at run time/],
    ['Ins`tall-Module Az', /backtick/],
    ["Ins'tall'-Module Az", /quotes/],
    ['iex "Install-Module x"', /container integrity.*inside iex/],
    ["Invoke-Expression 'New-AzRoleAssignment -ObjectId 1'", /access escalation.*inside Invoke-Expression/],
    ['Invoke-Expression -Command $cmd', /computed at run time/],
    ['iex ("Install-" + "Module")', /computed at run time/],
    ["'Install-Module x' | iex", /piped input/],
    ['.{ New-AzRoleAssignment -ObjectId 1 }', /access escalation/],
    ['& { Install-Module Az }', /container integrity/],
    ['Get-Mailbox | ForEach-Object { New-AzRoleAssignment -ObjectId $_.Id }', /access escalation/],
    ['Get-Mailbox; Install-Module Az', /container integrity/],
    ['Get-Mailbox && Install-Module Az', /container integrity/],
    ['$x = Install-Module Az', /container integrity/],
    ['Write-Output "$(Install-Module Az)"', /container integrity/],
    ['if ($true) { Install-Module Az }', /container integrity/],
    ['& $x', /computed at run time/],
    ['& "Install-$name"', /computed at run time/],
    ['. $script', /computed at run time/],
    ['Start-Process pwsh -ArgumentList "-EncodedCommand SQBuAHMAdABhAGwAbAA="', /encoded command/],
    ['pwsh -enc SQBuAHMAdABhAGwAbAA=', /encoded command/],
    ['powershell.exe -EncodedCommand SQBuAHMAdABhAGwAbAA=', /encoded command/],
    ['pwsh -Command "Install-Module x"', /another shell/],
    ["[scriptblock]::Create('Install-Module x').Invoke()", /::Create/],
    ['$ExecutionContext.InvokeCommand.InvokeScript("x")', /ExecutionContext/],
    ['Set-Alias -Name safe -Value Install-Module; safe Az', /alias/],
    ['Install-Modul* Az', /wildcard/],
    ['./evil.ps1', /script file/],
    ['@{ a = Install-Module Az }', /container integrity/],
    ['return Install-Module Az', /container integrity/],
    ['Ins\u2018tall\u2019-Module Az', /quotes/],
    ["Get-Mailbox -Identity \u2018x\u2019; Install-Module Az", /container integrity/],
  ];
  for (const [command, reason] of blocked) test(command, () => void expectVerdict(command, 'block', reason));

  test('unparseable input is refused with the reason', () => {
    expectVerdict("Get-Mailbox -Identity 'unterminated", 'block', /cannot be parsed.*Unterminated single-quoted string/);
    expectVerdict('Get-Mailbox | ForEach-Object { $_', 'block', /Missing closing '}'/);
  });
});

describe('guardrails: warned but allowed', () => {

  test('New-InboxRule -ForwardTo is warned', () =>
    void expectVerdict('New-InboxRule -Mailbox a@contoso.com -Name fwd -ForwardTo ext@example.com', 'warn', /forwards mail/));
  test('Set-Mailbox -ForwardingSmtpAddress is warned', () =>
    void expectVerdict('Set-Mailbox a@contoso.com -ForwardingSmtpAddress smtp:ext@example.com', 'warn', /ForwardingSmtpAddress forwards mail/));
  test('an abbreviated forwarding parameter is still warned', () =>
    void expectVerdict('Set-Mailbox a@contoso.com -ForwardingSmtp x@example.com', 'warn', /forwards mail/));
  test('Set-Mailbox without forwarding is allowed', () => void expectVerdict('Set-Mailbox a@contoso.com -HiddenFromAddressListsEnabled $true', 'allow'));
});

describe('guardrails: send guards need confirmation with a preview', () => {
  const sends = ['Send-MailMessage', 'Send-MgUserMail', 'New-MgChatMessage', 'New-MgTeamChannelMessage', 'Submit-PnPTeamsChannelMessage'];
  for (const cmdlet of sends) {
    test(cmdlet, () => {
      const r = expectVerdict(`${cmdlet} -To 'bob@contoso.com' -Subject "Quarterly numbers" -Body 'Hi Bob'`, 'confirm', /needs|confirmation/);
      assert.equal(r.sends?.[0].cmdlet, cmdlet);
      assert.match(r.sends![0].preview, /To: bob@contoso\.com/);
      assert.match(r.sends![0].preview, /Subject: Quarterly numbers/);
    });
  }
  test('a send hidden in a pipeline script block is still guarded', () => {
    const r = expectVerdict("Get-Team | ForEach-Object { New-MgTeamChannelMessage -TeamId $_.GroupId -ChannelId c -Body @{content='hi'} }", 'confirm');
    assert.match(r.sends![0].preview, /Body: @\{content='hi'\}/);
  });
  test('a Graph send through Invoke-MgGraphRequest is guarded too', () => {
    const r = expectVerdict("Invoke-MgGraphRequest -Method POST -Uri '/v1.0/users/a@b.c/sendMail' -Body $message", 'confirm');
    assert.equal(r.sends?.[0].cmdlet, 'Invoke-MgGraphRequest');
  });
  test('Invoke-MgGraphRequest POSTs are classified as Graph executes the path; a computed URI counts as a send', () => {
    expectVerdict("Invoke-MgGraphRequest -Method POST -Uri '/v1.0/users/a@b.c/send%4Dail' -Body $message", 'confirm');
    expectVerdict("Invoke-MgGraphRequest -Method POST -Uri 'https://graph.microsoft.com/v1.0/me/microsoft.graph.sendMail/.'", 'confirm');
    expectVerdict('Invoke-MgGraphRequest -Method POST -Uri "/v1.0/users/$upn/sendMail"', 'confirm');
    expectVerdict("Invoke-MgGraphRequest -Method POST -Uri '/v1.0/users' -Body $user", 'allow');
    expectVerdict("Invoke-MgGraphRequest -Method GET -Uri '/v1.0/users/a@b.c/send%4Dail'", 'allow');
  });
  test('a block wins over a send', () => void expectVerdict('Send-MailMessage -To a@b.c; Install-Module x', 'block'));
});

describe('guardrails: ordinary admin commands pass', () => {
  const allowed = [
    'Get-Mailbox -ResultSize 1',
    'Get-Mailbox -Identity "O\'Brien" | Select-Object DisplayName, PrimarySmtpAddress',
    "Get-Mailbox -Filter \"DisplayName -like 'install-module*'\"",
    'Get-MessageTraceV2 -StartDate (Get-Date).AddDays(-2) -EndDate (Get-Date)',
    'Set-MailboxMessageConfiguration -Identity a@contoso.com -SignatureHtml "<p>Hi</p>"',
    "$m = Get-Mailbox -ResultSize 10; $m | Where-Object { $_.RecipientTypeDetails -eq 'SharedMailbox' }",
    'Get-Team | Select-Object -First 5 # Install-Module in a comment does nothing',
    "<# Install-Module #> Get-Team",
    "Write-Output 'Install-Module is just text here'",
    "foreach ($u in Get-Mailbox) { $u.DisplayName }",
    "Get-AzResourceGroup | Format-Table",
    "Invoke-MgGraphRequest -Uri '/v1.0/applications'",
    "Get-PnPList -Identity 'Documents' `\n  | Select-Object Title",
    "Get-Mailbox -Identity @'\nInstall-Module x\n'@",
  ];
  for (const command of allowed) test(command, () => void expectVerdict(command, 'allow'));
});

describe('guardrails: what makes code from data, or reads differently to PowerShell, is refused', () => {
  const blocked: [string, RegExp][] = [
    ['{ Get-Date }.Invoke()', /\.Invoke\(\) runs code/],
    ["[Management.Automation.ScriptBlock]::Create('Get-Date')", /::Create builds code/],
    ["$t = [scriptblock]; $t::Create('Get-Date')", /type computed at run time/],
    ["('System.Diagnostics.Process' -as [type])::Start('pwsh')", /type computed at run time/],
    ["[scriptblock]::'Create'('Get-Date')", /static member named by a quote/],
    ["$x.'Invoke'()", /member named by a quote or a variable/],
    ['$sb.$m()', /member named by a quote or a variable/],
    ["[System.Management.Automation.Language.Parser]::ParseInput('Get-Date',[ref]$null,[ref]$null)", /builds, loads or runs code/],
    ["[System.Diagnostics.Process]::Start('pwsh')", /builds, loads or runs code/],
    ["[Reflection.Assembly]::Load($bytes)", /builds, loads or runs code/],
    ["(Get-Variable ExecutionContext -ValueOnly).InvokeCommand.InvokeScript('Get-Date')", /InvokeCommand/],
    ['$global:ExecutionContext.SessionState', /ExecutionContext/],
    ['function Get-Safe { Get-Date }', /Defining a function/],
    ['filter Pass { $_ }', /Defining a filter/],
    ["Set-Item -Path Function:\\Get-Safe -Value 'Get-Date'", /function: or alias: drive/],
    ["Set-Content -Path Microsoft.PowerShell.Core\\Function::Get-Safe -Value 'Get-Date'", /function: or alias: drive/],
    ["$function:Get-Safe = { Get-Date }", /function: drive/],
    ["Add-Type -AssemblyName System.Web", /Add-Type is blocked/],
    ['Import-Module ./x.psm1', /Import-Module of a path/],
    ['Import-Module -Name $m', /Import-Module of a path/],
    ['Import-Module -Assembly $a', /Import-Module of a path/],
    ['ipmo C:\\temp\\x.dll', /ipmo of a path/],
    ['using module ./x.psm1', /loads a module or assembly/],
    ['#Requires -Modules ./x.psm1\nGet-Date', /#Requires/],
    ['Invoke-Command -ScriptBlock { Get-Date }', /Invoke-Command is blocked/],
    ['Start-Job { Get-Date }', /background job/],
    ['Get-Mailbox | ForEach-Object -Parallel { $_ }', /-Parallel/],
    ["Start-Process notepad", /Start-Process notepad starts a program/],
    ["env pwsh -c 'Install-Module x'", /not a cmdlet/],
    ["python3 -c 'print(1)'", /not a cmdlet/],
    ['AzAccessToken', /not a cmdlet/],
    ['.\\Get-Safe', /by path/],
    ['~/bin/Get-Safe', /by path/],
    ['Get-Date --% ; Install-Module x', /stop-parsing/],
    ['Set-Mailbox x \u2013ForwardingSmtpAddress y', /typographic dash/],
    ['Get-Date\u2028Install-Module x', /U\+2028/],
    ['Get-Date\u200b', /U\+200B/],
    ["Write-Output 'a\u0000b'", /U\+0000/],
    ['R\u0435move-Mailbox x', /R<U\+0435>move-Mailbox has characters outside ASCII/],
  ];
  for (const [command, reason] of blocked) test(JSON.stringify(command), () => void expectVerdict(command, 'block', reason));

  test('Import-Module of an installed module by name is allowed', () => void expectVerdict('Import-Module ExchangeOnlineManagement', 'allow'));
  test('an Exchange OPATH filter block is text, not commands; what it cannot hide is still refused', () => {
    expectVerdict('Get-Mailbox -Filter {RecipientTypeDetails -eq "SharedMailbox"}', 'allow');
    expectVerdict("Get-Recipient -RecipientFilter {(Department -like 'Sales*') -and (CustomAttribute1 -ne $null)}", 'allow');
    expectVerdict("Get-Mailbox -Filter {python3 -c 'x'}", 'block', /not a cmdlet/);
    expectVerdict('Get-Mailbox -Filter {Name -eq $(python3 -eq 1)}', 'block', /not a cmdlet/);
    expectVerdict("Get-Mailbox | Where-Object -Filter {python3 -eq 'x'}", 'block', /not a cmdlet/);
    expectVerdict('Get-Mailbox -Filter {Install-Module -eq 1}', 'block', /container integrity/);
  });
  test('a static member of a literal type is allowed', () => void expectVerdict('[System.Text.Encoding]::UTF8.GetBytes("x").Length', 'allow'));
});

describe('guardrails: destructive cmdlets wait for confirmation', () => {
  const destructive = [
    'Remove-Mailbox -Identity victim@contoso.example -Confirm:$false',
    'Disable-Mailbox -Identity ann@contoso.example -Archive -Confirm:$false',
    'Remove-AzResourceGroup -Name rg1 -Force',
    'Get-Mailbox -ResultSize 10 | Remove-MailboxPermission -User bob@contoso.example -AccessRights FullAccess',
    'ExchangeOnlineManagement\\Remove-DistributionGroup -Identity sales',
  ];
  for (const command of destructive) {
    test(command, () => {
      const r = expectVerdict(command, 'confirm', /removes or disables something.*only once confirmed/);
      assert.equal(r.destructive?.length, 1);
      assert.deepEqual(r.sends, []);
    });
  }
  test('Disable-AzContextAutosave (the Azure connect command) changes only the session and is allowed', () =>
    void expectVerdict('Disable-AzContextAutosave -Scope Process | Out-Null', 'allow'));
});

describe('guardrails: reads run unconfirmed, and the commands workflows issue (confirmed) are not refused', () => {
  const reads = [
    'Get-Mailbox -ResultSize 10',
    "Get-MessageTraceV2 -StartDate '2026-12-01T00:00:00Z' -EndDate '2026-12-02T00:00:00Z' -ResultSize 1000",
    'Get-OrganizationConfig | Select-Object X',
    'Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize Unlimited -ErrorAction Stop | Select-Object -ExpandProperty PrimarySmtpAddress',
    "Get-MailboxMessageConfiguration -Identity 'ann@contoso.example' -ErrorAction Stop | Select-Object -ExpandProperty ReadReceiptResponse",
    'Get-App -OrganizationApp -ErrorAction Stop | Select-Object AppId,DisplayName,ManifestUrl,ProvidedTo,UserList,Enabled,DefaultStateForUser',
    "Get-Mailbox -Identity 'ann@contoso.example' -ErrorAction Stop | Select-Object ForwardingSmtpAddress, DeliverToMailboxAndForward",
    'Get-MessageTraceV2 -ResultSize 1 -ErrorAction Stop',
  ];
  for (const command of reads) test(`read: ${command}`, () => void expectVerdict(command, 'allow'));

  /** What the pool does with `confirmed: true`: runs it unless a rule refuses it. */
  const runsConfirmed = (command: string) => {
    const r = checkCommand(command);
    assert.notEqual(r.verdict, 'block', `${command} → ${r.reasons.join(' | ')}`);
  };
  const target = 'ann@contoso.example';
  const written = [
    "Set-MailboxAutoReplyConfiguration -Identity 'ann@contoso.example' -AutoReplyState Enabled -InternalMessage '<p>Away</p>' -ExternalMessage '<p>Away</p>' -ExternalAudience All -ErrorAction Stop",
    "Set-Mailbox -Identity 'ann@contoso.example' -ForwardingSmtpAddress 'bob@contoso.example' -DeliverToMailboxAndForward $true -ErrorAction Stop",
    "Set-Mailbox -Identity 'ann@contoso.example' -Type Shared",
    "Set-MailboxMessageConfiguration -Identity 'ann@contoso.example' -ReadReceiptResponse NeverSend -ErrorAction Stop",
    "New-App -OrganizationApp -Url 'https://addins.contoso.example/manifest.xml' -ProvidedTo SpecificUsers -UserList 'ann@contoso.example','bob@contoso.example' -DefaultStateForUser Enabled -Enabled $true -ErrorAction Stop | Select-Object AppId",
    "Set-App -OrganizationApp -Identity 'a1b2' -ProvidedTo Everyone -DefaultStateForUser AlwaysEnabled -Enabled $false -ErrorAction Stop",
    "Remove-App -OrganizationApp -Identity 'a1b2' -Confirm:$false -ErrorAction Stop",
  ];
  for (const feature of FEATURES) {
    for (const ops of Object.values(feature.scopes)) {
      if (!ops) continue;
      if (ops.read.service === 'exchange') written.push(exchangeReadCommand(ops.read, target));
      for (const [what, op] of [['apply', ops.apply], ['undo', ops.undo]] as const) {
        if (op.service !== 'exchange') continue;
        written.push(exchangeWriteCommand(op, target, what === 'apply' ? ops.on : ops.off));
      }
    }
  }
  for (const command of written) test(`workflow: ${command}`, () => runsConfirmed(command));
});
