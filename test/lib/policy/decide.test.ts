// The policy decision point as a table: every combination of the policy settings (readOnly,
// allowedTools, confirmWith, skipSendGuards, MM_SEND_GUARDS) × every tool that acts on a connection
// × every kind of operation, each cell asserted against the rules written out below.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, OPERATION_KINDS, sendGuardsOn, type OperationKind, type PolicyDecision, type PolicySubject } from '../../../lib/policy/decide';
import { commandKinds, graphRequestKind } from '../../../lib/policy/kinds';
import { readsOnly } from '../../../lib/pwsh/reads';

/** The tools that act on a connection (they start work through mcp/operations). */
const TOOLS = [
  'graph_request', 'run', 'send_from_template', 'create_user', 'bulk_provision_users', 'offboard_user', 'create_teams_group',
  'configure_mailbox', 'enable_feature', 'connect_service', 'deploy_outlook_addin', 'configure_tracking', 'remediate_finding',
  'compliance_scan', 'get_message_tracking_logs', 'mm_disconnect',
];

const READ_ONLY = [undefined, false, true] as const;
const ALLOWED_TOOLS = [undefined, ['graph_request', 'run'], []] as const;
const CONFIRM_WITH = ['assistant', 'human'] as const;
const SKIP_SEND_GUARDS = [undefined, false, true] as const;
const MM_SEND_GUARDS = [true, false] as const;

/** The expected answer, rule by rule in the order the README gives them. */
function expected(c: PolicySubject, tool: string, kind: OperationKind, envGuards: boolean): { decision: string; by?: string; setting?: string } {
  if (c.allowedTools && !c.allowedTools.includes(tool)) return { decision: 'refuse', setting: 'allowedTools' };
  if (kind === 'read') return { decision: 'allow' };
  if (c.readOnly === true) return { decision: 'refuse', setting: 'readOnly' };
  if (kind === 'write') return { decision: 'allow' };
  // The connection's explicit skipSendGuards wins over MM_SEND_GUARDS.
  const guardsOn = c.skipSendGuards === true ? false : c.skipSendGuards === false ? true : envGuards;
  if (kind === 'send' && !guardsOn) return { decision: 'allow' };
  return { decision: 'confirm', by: c.confirmWith };
}

function shape(d: PolicyDecision) {
  if (d.decision === 'refuse') return { decision: d.decision, setting: d.setting };
  if (d.decision === 'confirm') return { decision: d.decision, by: d.by };
  return { decision: d.decision };
}

describe('policy decision point', () => {
  test('settings × tools × operations: every cell', (t) => {
    let cells = 0;
    const tally: Record<string, number> = {};
    for (const readOnly of READ_ONLY)
      for (const allowedTools of ALLOWED_TOOLS)
        for (const confirmWith of CONFIRM_WITH)
          for (const skipSendGuards of SKIP_SEND_GUARDS)
            for (const sendGuards of MM_SEND_GUARDS) {
              const connection: PolicySubject = { name: 'Contoso', readOnly, allowedTools: allowedTools as string[] | undefined, confirmWith, skipSendGuards };
              for (const tool of TOOLS)
                for (const kind of OPERATION_KINDS) {
                  const got = decide(connection, { tool, kind, target: 'x' }, { sendGuards });
                  const want = expected(connection, tool, kind, sendGuards);
                  assert.deepEqual(shape(got), want, JSON.stringify({ connection, tool, kind, sendGuards }));
                  if (got.decision === 'refuse') {
                    // The refusal names the setting and the exact command a person runs.
                    const command = got.setting === 'readOnly' ? `mm connections edit Contoso --read-only false` : `mm connections edit Contoso --allowed-tools ${[...(allowedTools ?? []), tool].join(',')}`;
                    assert.equal(got.command, command);
                    assert.ok(got.message.includes(command) && got.message.includes(got.setting), got.message);
                  }
                  tally[got.decision] = (tally[got.decision] ?? 0) + 1;
                  cells += 1;
                }
            }
    t.diagnostic(`policy table: ${cells} cells (${Object.entries(tally).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    assert.equal(cells, READ_ONLY.length * ALLOWED_TOOLS.length * CONFIRM_WITH.length * SKIP_SEND_GUARDS.length * MM_SEND_GUARDS.length * TOOLS.length * OPERATION_KINDS.length);
  });

  test('send guards: the connection’s explicit setting wins over MM_SEND_GUARDS; unset follows it', () => {
    assert.equal(sendGuardsOn({ skipSendGuards: false }, { sendGuards: false }), true);
    assert.equal(sendGuardsOn({ skipSendGuards: true }, { sendGuards: true }), false);
    assert.equal(sendGuardsOn({}, { sendGuards: false }), false);
    assert.equal(sendGuardsOn({}, { sendGuards: true }), true);
  });

  test('an activity that does not know the tool is held to readOnly and send guards, not allowedTools', () => {
    const c: PolicySubject = { name: 'C', allowedTools: [], readOnly: true, confirmWith: 'human' };
    assert.deepEqual(shape(decide(c, { kind: 'read' })), { decision: 'allow' });
    assert.deepEqual(shape(decide(c, { kind: 'send' })), { decision: 'refuse', setting: 'readOnly' });
    assert.deepEqual(shape(decide({ ...c, readOnly: false }, { kind: 'send' })), { decision: 'confirm', by: 'human' }, 'guards on when no environment is given');
  });

  test('a Graph request’s kind is read from the path Graph will execute', () => {
    const cases: [string, string, OperationKind][] = [
      ['GET', '/users', 'read'],
      ['PATCH', '/users/x', 'write'],
      ['DELETE', '/groups/x', 'write'],
      ['POST', '/users/x/sendMail', 'send'],
      ['POST', '/users/x/send%4Dail', 'send'],
      ['POST', '/users/x/sendMail/.', 'send'],
      ['POST', '/users/x/microsoft.graph.sendMail', 'send'],
      ['POST', '/me//SENDMAIL', 'send'],
    ];
    for (const [method, endpoint, kind] of cases) assert.equal(graphRequestKind(method, endpoint), kind, `${method} ${endpoint}`);
  });

  test('a command is a read only when the parser proves it; anything it cannot decide is not', () => {
    const reads = [
      'Get-Mailbox',
      'Get-Mailbox -ResultSize 1',
      "Get-Mailbox -Identity 'ann@contoso.example' | Select-Object DisplayName, PrimarySmtpAddress",
      'Test-Path -Path x; Search-UnifiedAuditLog -StartDate 2026-01-01 -EndDate 2026-01-02',
      'Find-Module -Name Az',
      'gci',
      'Get-User -Filter "Department -eq \'Sales\'"',
      'Get-Mailbox -Archive:$true | ConvertTo-Json',
    ];
    const notReads = [
      'Set-Mailbox -Identity x -Type Shared',
      'Get-Mailbox | Set-Mailbox -Type Shared',
      'Get-Mailbox | ForEach-Object { $_.Name }',
      'Get-Mailbox -Filter { Name -eq "x" }',
      'Get-Mailbox -Identity (Set-Mailbox x)',
      'Get-Mailbox -Identity "$(Remove-Mailbox x)"',
      '& Get-Mailbox',
      '$m = Get-Mailbox',
      'Get-Mailbox -Identity $id',
      'Select-Object -InputObject 1',
      'Get-AzAccessToken',
      'Get`-Mailbox',
      'Get–Mailbox',
      'Get-Mailbox | Out-File x.txt',
      'iex "Get-Mailbox"',
      'Remove-Mailbox -Identity x',
      'Send-MailMessage -To a@b.c',
      '',
    ];
    for (const c of reads) assert.equal(readsOnly(c), true, `a read: ${c}`);
    for (const c of notReads) assert.equal(readsOnly(c), false, `not provably a read: ${c}`);
    assert.deepEqual(commandKinds('Get-Mailbox'), ['read']);
    assert.deepEqual(commandKinds('Set-Mailbox x -Type Shared'), ['write']);
    assert.deepEqual(commandKinds('Remove-Mailbox x; Send-MailMessage -To a@b.c'), ['write', 'send', 'destructive']);
  });
});
