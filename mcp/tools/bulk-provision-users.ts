import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { passwordProblem, sealSecret } from '../../lib/secrets/seal';
import { upnError } from '../../lib/graph/upn';
import { connectionNameSchema } from '../../lib/registry/schema';
import type { BulkProvisionResult, BulkUser } from '../../workflows/bulk-provision-users';
import { answerResult } from '../answers';
import type { ServerDeps } from '../deps';
import { toolError } from '../results';
import { CsvError, parseCsv } from './csv';
import { licenceNameSchema } from './provisioning-common';
import { connectionOr, isToolResult } from '../results';
import { bulkProvisionUsers } from '../operations';
import { runWorkflowTool } from '../tool-workflow';
import { line } from '../../lib/bounded-text';

/** Users per request: keeps the workflow's input (and each continued run's) under Temporal's 2 MB payload limit. */
export const MAX_BULK_USERS = 5000;

const userRow = z.object({
  email: z.email().max(320).describe('UPN'),
  displayName: line(256).min(1).describe('Display name'),
  password: line(256).min(1).describe('Initial password'),
  license: licenceNameSchema.optional().describe('Licence: product name, short name (Business Premium), part number or skuId'),
  firstName: line(64).optional().describe('Given name'),
  lastName: line(64).optional().describe('Surname'),
  department: line(64).optional().describe('Department'),
  jobTitle: line(128).optional().describe('Job title'),
  usageLocation: line().regex(/^[A-Z]{2}$/).optional().describe('Two-letter country'),
  groups: z.array(line().min(1)).max(50).optional().describe('Groups (id, name or mailNickname)'),
});
type UserRow = z.infer<typeof userRow>;

export const bulkProvisionUsersShape = {
  connection: connectionNameSchema,
  users: z.array(userRow).max(MAX_BULK_USERS).optional().describe('Users as objects (or give csv)'),
  csv: z
    .string()
    .max(2_000_000)
    .optional()
    .describe('CSV, header row: email,displayName,password[,license,firstName,lastName,department,jobTitle,usageLocation,groups (;-separated)]'),
  concurrency: z.number().int().min(1).max(20).optional().describe('Users at once (default 4)'),
  confirmed: z.boolean().optional().describe('true provisions what the user saw previewed (where allowed)'),
  waitSeconds: z.number().min(0).max(120).optional().describe('Seconds to wait before answering with progress'),
};

/** The CSV columns, and other headers people write for them; headers compare without case, spaces, - or _. */
const CSV_COLUMNS: Record<keyof UserRow, string[]> = {
  email: ['email address', 'e-mail', 'userPrincipalName', 'upn'],
  displayName: ['name', 'full name'],
  password: [],
  license: ['licence', 'sku'],
  firstName: ['givenName', 'first'],
  lastName: ['surname', 'last', 'family name'],
  department: [],
  jobTitle: ['title'],
  usageLocation: ['country'],
  groups: [],
};
const headerKey = (header: string) => header.toLowerCase().replace(/[\s_-]/g, '');
const COLUMN_OF = new Map(Object.entries(CSV_COLUMNS).flatMap(([column, others]) => [column, ...others].map((h) => [headerKey(h), column] as const)));

/** The header row as the row schema's field names; every unknown header is refused at once, with the accepted ones. */
export function csvColumns(headers: string[]): string[] {
  const columns = headers.map((h) => COLUMN_OF.get(headerKey(h)));
  const unknown = headers.filter((_, i) => !columns[i]);
  if (unknown.length) {
    throw new CsvError(
      `unrecognised header${unknown.length > 1 ? 's' : ''} ${unknown.map((h) => `'${h}'`).join(', ')}. Accepted headers (any case, spaces allowed): ${Object.keys(CSV_COLUMNS).join(', ')}.`,
    );
  }
  const twice = Object.keys(CSV_COLUMNS).filter((c) => columns.filter((x) => x === c).length > 1);
  if (twice.length) throw new CsvError(`several headers mean ${twice.join(', ')}: ${headers.filter((_, i) => twice.includes(columns[i]!)).map((h) => `'${h}'`).join(', ')}; keep one of each.`);
  return columns as string[];
}

function rowsFromCsv(text: string): unknown[] {
  return parseCsv(text, csvColumns).map((r) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(r)) {
      if (v === '') continue;
      out[k] = k === 'groups' ? v.split(';').map((g) => g.trim()).filter(Boolean) : v;
    }
    return out;
  });
}

export function summarize(result: unknown): string {
  const r = result as BulkProvisionResult;
  if (r.status !== 'done') return r.summary;
  const table = ['| user | status | summary |', '|---|---|---|', ...r.rows.map((row) => `| ${row.userPrincipalName} | ${row.status}${row.adopted ? ' (adopted)' : ''} | ${row.summary.replace(/\|/g, '/').slice(0, 200)} |`)];
  return `${r.summary}\n${table.join('\n')}`;
}

export function registerBulkProvisionUsersTool(server: McpServer, deps: ServerDeps): void {
  server.registerTool(
    'bulk_provision_users',
    {
      title: 'Provision many users',
      description:
        'Provisions users from JSON or CSV: a PREVIEW waits for confirmation, then one create_user workflow each (never duplicated), with progress and a per-user table.',
      inputSchema: bulkProvisionUsersShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async (args, extra) => {
      const connection = connectionOr(deps, args.connection);
      if (isToolResult(connection)) return connection;
      if (Boolean(args.users) === Boolean(args.csv)) return toolError('users, csv: give exactly one of users (a JSON list) or csv (text with a header row).');
      let raw: unknown[];
      try {
        raw = args.users ?? rowsFromCsv(args.csv!);
      } catch (err) {
        if (err instanceof CsvError) return toolError(`csv: ${err.message}`);
        throw err;
      }
      if (raw.length === 0) return toolError('users: the list is empty.');
      if (raw.length > MAX_BULK_USERS) return toolError(`users: at most ${MAX_BULK_USERS} users per request; split the list.`);
      const rows: UserRow[] = [];
      const seen = new Set<string>();
      for (const [i, r] of raw.entries()) {
        const parsed = userRow.safeParse(r);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return toolError(`users[${i}].${issue.path.join('.')}: ${issue.message} (row ${i + 1}).`);
        }
        const badUpn = upnError(`users[${i}].email`, parsed.data.email);
        if (badUpn) return toolError(`${badUpn.replace(/\.$/, '')} (row ${i + 1}).`);
        const weak = passwordProblem(parsed.data.password);
        if (weak) return toolError(`users[${i}].${weak} (row ${i + 1}, ${parsed.data.email}).`);
        const email = parsed.data.email.toLowerCase();
        if (seen.has(email)) return toolError(`users[${i}].email: ${email} appears twice in the list.`);
        seen.add(email);
        rows.push({ ...parsed.data, email });
      }
      const users: BulkUser[] = rows.map((r) => ({
        user: {
          userPrincipalName: r.email,
          displayName: r.displayName,
          givenName: r.firstName,
          surname: r.lastName,
          department: r.department,
          jobTitle: r.jobTitle,
          passwordSealed: sealSecret(deps.config.stateDir, r.password),
        },
        license: r.license,
        usageLocation: r.usageLocation,
        groups: r.groups,
      }));
      return runWorkflowTool(
        { server, deps, extra, tool: 'bulk_provision_users', waitSeconds: args.waitSeconds, confirmed: args.confirmed },
        bulkProvisionUsers,
        { connection: connection.name, users, concurrency: args.concurrency },
        undefined,
        (answer) => answerResult(answer, summarize),
      );
    },
  );
}
