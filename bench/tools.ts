// Every MCP tool measured against the sandbox tenant: the first call (cold paths: sign-in reuse,
// imports, caches) and the steady state (p50/p95 of the calls after it). A tool that starts work is
// timed to its answer (done, or the preview it waits on); a call that answers isError counts in the
// note, so a broken call never passes for a fast one. The seed spec asks for under 2 s on average.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SANDBOX_ADMIN_UPN, SANDBOX_APP_ID, SANDBOX_DOMAIN, SANDBOX_TENANT_ID } from '../sandbox/constants';
import { percentile } from './harness';
import { BENCH_CONNECTION as C, startBenchTenant } from './tenant';


export interface ToolRow {
  tool: string;
  first: number;
  p50: number;
  p95: number;
  mean: number;
  n: number;
  errors: number;
  note?: string;
}

type Args = Record<string, unknown>;
interface ToolCase {
  tool: string;
  args: (i: number) => Args;
  /** Calls of this tool (default: the bench's count). */
  calls?: number;
}

/** Measures `calls` calls of every tool (the first one apart); returns one row per tool. */
export async function benchEveryTool(options: { address: string; calls: number; say?: (line: string) => void }): Promise<ToolRow[]> {
  const say = options.say ?? (() => undefined);
  const { mcp, suffix, close } = await startBenchTenant(options.address, 'tools', { autoApprove: true, replicationDelayMs: 0, teamCreationMs: 0 });
  const call = (tool: string, args: Args) => mcp.client.callTool({ name: tool, arguments: args }, undefined, { timeout: 180_000 }) as Promise<CallToolResult>;
  const structured = (r: CallToolResult) => (r.structuredContent ?? {}) as Record<string, unknown>;

  const user = (i: number) => `bench.tool.${suffix}.${i}@${SANDBOX_DOMAIN}`;
  const day = new Date().toISOString().slice(0, 10);
  const rows: ToolRow[] = [];
  // What later cases use: the templates made (ids are their names in kebab-case), the sends waiting for confirmation, a finished workflow.
  const waitingSends: { workflowId: string; hash: string }[] = [];
  let doneWorkflow = '';

  const measure = async ({ tool, args, calls = options.calls }: ToolCase): Promise<void> => {
    say(`  ${tool}…`);
    const samples: number[] = [];
    let errors = 0;
    let firstError = '';
    for (let i = 0; i < calls; i += 1) {
      const started = performance.now();
      const result = await call(tool, args(i)).catch((err: Error) => ({ isError: true, content: [{ type: 'text' as const, text: err.message }] }) as CallToolResult);
      samples.push(performance.now() - started);
      if (result.isError) {
        errors += 1;
        firstError ||= result.content.map((c) => (c.type === 'text' ? c.text : '')).join(' ').slice(0, 400);
      }
      after(tool, result);
    }
    const steady = samples.slice(1);
    const round = (v: number) => Math.round(v);
    rows.push({
      tool,
      first: round(samples[0]),
      p50: round(percentile(steady, 50)),
      p95: round(percentile(steady, 95)),
      mean: round(steady.reduce((a, b) => a + b, 0) / steady.length),
      n: samples.length,
      errors,
      ...(firstError ? { note: firstError } : {}),
    });
  };
  const after = (tool: string, result: CallToolResult) => {
    const s = structured(result);
    if (tool === 'send_from_template' && typeof s.workflowId === 'string') {
      const hash = (s.waitingFor as { hash?: string } | undefined)?.hash;
      if (hash) waitingSends.push({ workflowId: s.workflowId, hash });
    }
    if (tool === 'health' && s.status === 'done' && typeof s.workflowId === 'string') doneWorkflow = s.workflowId;
  };
  const template = (i: number) => `bench-${suffix}-${i}`;

  const cases: ToolCase[] = [
    { tool: 'health', args: () => ({}) },
    { tool: 'mm_status', args: () => ({ connection: C }) },
    { tool: 'registry_list_connections', args: () => ({}) },
    { tool: 'registry_setup_instructions', args: () => ({ tenant: SANDBOX_DOMAIN, cloud: 'sandbox' }) },
    { tool: 'registry_add_connection', args: (i) => ({ name: `Bench${suffix}${i}`, appId: SANDBOX_APP_ID, tenant: SANDBOX_DOMAIN, tenantId: SANDBOX_TENANT_ID, cloud: 'sandbox', description: 'bench', mcps: ['mm'] }) },
    { tool: 'registry_update_connection', args: (i) => ({ name: `Bench${suffix}${i}`, description: 'bench, updated' }) },
    { tool: 'registry_remove_connection', args: (i) => ({ name: `Bench${suffix}${i}` }) },
    { tool: 'graph_request', args: () => ({ connection: C, endpoint: '/users?$top=5', method: 'GET' }) },
    { tool: 'list_workflows', args: () => ({ limit: 20 }) },
    { tool: 'workflow_status', args: () => ({ workflowId: doneWorkflow }) },
    { tool: 'create_user', args: (i) => ({ connection: C, email: user(i), displayName: `Bench Tool ${i}`, password: 'Welcome-2026!', usageLocation: 'US' }) },
    { tool: 'offboard_user', args: (i) => ({ connection: C, userEmail: user(i), dryRun: true }) },
    { tool: 'create_teams_group', args: (i) => ({ connection: C, displayName: `Bench Team ${suffix} ${i}`, owners: [SANDBOX_ADMIN_UPN] }) },
    {
      tool: 'bulk_provision_users',
      args: (i) => ({ connection: C, users: [0, 1].map((k) => ({ email: user(1000 + i * 2 + k), displayName: `Bench Bulk ${i}.${k}`, password: 'Welcome-2026!' })) }),
    },
    { tool: 'configure_mailbox', args: (i) => ({ connection: C, userEmail: SANDBOX_ADMIN_UPN, settings: { readReceipts: i % 2 === 0 } }) },
    { tool: 'configure_tracking', args: (i) => ({ connection: C, scope: 'organization', deliveryReceipts: i % 2 === 0 }) },
    { tool: 'get_message_tracking_logs', args: () => ({ connection: C, startDate: `${day}T00:00:00Z`, endDate: `${day}T23:59:59Z` }) },
    { tool: 'run', args: () => ({ connection: C, module: 'exo', command: 'Get-Mailbox -ResultSize 1' }) },
    { tool: 'deploy_outlook_addin', args: (i) => ({ connection: C, addinManifestUrl: `https://addins.contoso.example/${suffix}/${i}/manifest.xml`, deploymentScope: 'organization' }) },
    { tool: 'enable_feature', args: () => ({ connection: C, featureName: 'unified-audit-log', scope: 'organization' }) },
    { tool: 'connect_service', args: (i) => ({ connection: C, sourceService: 'teams', targetService: 'website', connectionConfig: { teamName: `Bench Team ${suffix} 0`, url: `https://contoso.example/${i}`, title: `Site ${i}` } }) },
    {
      tool: 'create_email_template',
      args: (i) => ({ templateName: `Bench ${suffix} ${i}`, subject: 'Hello {{name}}', bodyHtml: '<p>Hello {{name}}</p>', category: 'customer_communication', variables: ['name'] }),
    },
    { tool: 'list_email_templates', args: () => ({}) },
    { tool: 'get_email_template', args: (i) => ({ templateId: template(i) }) },
    { tool: 'update_email_template', args: (i) => ({ templateId: template(i), subject: `Hello again {{name}} ${i}` }) },
    { tool: 'email_template_versions', args: (i) => ({ templateId: template(i) }) },
    { tool: 'rollback_email_template', args: (i) => ({ templateId: template(i), version: 1 }) },
    { tool: 'preview_email_template', args: (i) => ({ templateId: template(i), variables: { name: 'Adele' }, to: [`adele.vance@${SANDBOX_DOMAIN}`] }) },
    {
      tool: 'send_from_template',
      calls: options.calls * 2,
      args: (i) => ({ connection: C, sender: SANDBOX_ADMIN_UPN, templateId: template(i % options.calls), to: [`adele.vance@${SANDBOX_DOMAIN}`], variables: { name: `Adele ${i}` } }),
    },
    // Half the waiting sends are confirmed, the other half cancelled.
    { tool: 'confirm', args: (i) => ({ workflowId: waitingSends[i]?.workflowId ?? 'none', hash: waitingSends[i]?.hash ?? '0'.repeat(16), approve: true }) },
    { tool: 'cancel_workflow', args: (i) => ({ workflowId: waitingSends[options.calls + i]?.workflowId ?? 'none', reason: 'bench' }) },
    { tool: 'delete_email_template', args: (i) => ({ templateId: template(i) }) },
    { tool: 'compliance_scan', args: () => ({ connection: C, checks: ['admin-ga-count', 'unified-audit-log'] }) },
    { tool: 'compliance_results', args: () => ({ connection: C }) },
    { tool: 'remediate_finding', args: () => ({ connection: C, checkId: 'unified-audit-log' }) },
    { tool: 'compliance_schedule', args: (i) => ({ connection: C, action: i === 0 ? 'upsert' : 'describe', every: '24h' }) },
    { tool: 'list_compliance_schedules', args: () => ({}) },
    { tool: 'secure_score', args: () => ({ connection: C }) },
    { tool: 'list_security_alerts', args: () => ({ connection: C }) },
    { tool: 'list_risky_users', args: () => ({ connection: C }) },
    { tool: 'sign_in_logs', args: () => ({ connection: C }) },
    { tool: 'sharepoint_sharing_audit', args: () => ({ connection: C }) },
    // Timed to its answer: the evidence stored and the containment preview waiting for confirmation.
    { tool: 'respond_to_compromise', args: (i) => ({ connection: C, userPrincipalName: user(i) }) },
    { tool: 'mm_disconnect', args: () => ({ connection: C, module: 'exo' }) },
  ];

  try {
    const listed = new Set((await mcp.client.listTools()).tools.map((t) => t.name));
    for (const c of cases) await measure(c);
    for (const name of listed) if (!cases.some((c) => c.tool === name)) rows.push({ tool: name, first: NaN, p50: NaN, p95: NaN, mean: NaN, n: 0, errors: 0, note: 'not measured' });
    await call('compliance_schedule', { connection: C, action: 'delete' }).catch(() => undefined);
    return rows;
  } finally {
    await close();
  }
}

/** The per-tool table for bench/results/results.md. */
export function toolTable(rows: ToolRow[]): string {
  const cell = (v: number) => (Number.isNaN(v) ? '' : String(v));
  return [
    '| tool | first call (ms) | p50 (ms) | p95 (ms) | mean (ms) | calls | isError | note |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.tool} | ${cell(r.first)} | ${cell(r.p50)} | ${cell(r.p95)} | ${cell(r.mean)} | ${r.n} | ${r.errors} | ${(r.note ?? '').replace(/\|/g, '/').replace(/\n/g, ' ')} |`),
  ].join('\n');
}
