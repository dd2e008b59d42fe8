// get_message_tracking_logs end to end: MCP client → messageTrackingLogs workflow → Get-MessageTraceV2
// on the pool's Exchange session (stand-in pwsh) → the sandbox, seeded with traces over 35 days.
// Every seeded row in range comes back exactly once across the pages, newest first; filters narrow;
// malformed dates are isError naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { configuredPwshTaskQueue } from '../../lib/temporal/queues';
import type { MessageTrackingLogsInput, MessageTrackingLogsResult, TraceCursor, TraceRow } from '../../workflows/message-tracking-logs';
import { expectToolError, textOf } from '../helpers/mcp';
import { uniqueQueue } from '../helpers/temporal';
import { CONNECTION, startAdminHarness, type AdminHarness } from '../helpers/admin';
import type { MessageTraceRow } from '../../sandbox/state';

const DAY = 24 * 60 * 60 * 1000;
const SENDERS = ['adele.vance@contoso.example', 'alex.wilber@contoso.example', 'partner@fabrikam.example'];
const RECIPIENTS = ['admin@contoso.example', 'megan.bowen@contoso.example', 'buyer@northwind.example', 'adele.vance@contoso.example', 'zoë@fabrikam.example'];
const STATUSES = ['Delivered', 'Failed', 'Pending'] as const;

/** A row as the admin API seeds it (the sandbox fills size and the IP addresses). */
type Seeded = Omit<MessageTraceRow, 'size' | 'fromIP' | 'toIP'>;

// The range asked for: 35 days ending an hour ago (so the end is not cut to "now").
const END = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;
const START = END - 35 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();

function seedRows(): { rows: Seeded[]; inRange: Seeded[] } {
  const rows: Seeded[] = [];
  const add = (at: number, recipient?: string) => {
    const i = rows.length;
    rows.push({
      messageTraceId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      messageId: `<trace-${i}@contoso.example>`,
      received: iso(at),
      senderAddress: SENDERS[i % SENDERS.length],
      recipientAddress: recipient ?? RECIPIENTS[i % RECIPIENTS.length],
      subject: `Trace ${i}`,
      status: STATUSES[Math.floor(i / 3) % STATUSES.length],
    });
  };
  // Three a day for 35 days.
  for (let d = 0; d < 35; d++) for (const h of [1, 5, 13]) add(END - d * DAY - h * 3600_000 + 1234);
  // Exactly on the borders of the 10-day windows, and on the range's start.
  for (const at of [END - 10 * DAY, END - 20 * DAY, END - 30 * DAY]) for (const r of RECIPIENTS.slice(0, 2)) add(at, r);
  add(START);
  // Several recipients of one message at one instant (pages continue by StartingRecipientAddress).
  const instant = END - 3 * DAY - 2 * 3600_000;
  for (const r of RECIPIENTS) add(instant, r);
  // A burst in the newest window: more rows than one query answers when queries are small.
  for (let i = 0; i < 30; i++) add(END - 2 * DAY + i * 1000);
  const inRange = rows.filter((r) => Date.parse(r.received) >= START && Date.parse(r.received) < END);
  // Outside the range [START, END): at its end, after it, before its start.
  add(END);
  add(END + 60_000);
  add(START - 1000);
  return { rows, inRange };
}

const keyOf = (r: { MessageTraceId: string; RecipientAddress: string } | Seeded) =>
  'messageTraceId' in r ? `${r.messageTraceId}|${r.recipientAddress}` : `${r.MessageTraceId}|${r.RecipientAddress}`;

function decodeCursor(cursor: string): TraceCursor {
  return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as TraceCursor;
}

describe('get_message_tracking_logs (messageTrackingLogs)', () => {
  let h: AdminHarness;
  let seeded: ReturnType<typeof seedRows>;
  const range = { startDate: iso(START), endDate: iso(END) };

  const page = async (args: Record<string, unknown>) => {
    const { result, s } = await h.call<MessageTrackingLogsResult>('get_message_tracking_logs', { ...range, ...args });
    assert.equal(s.status, 'done', textOf(result));
    assert.equal(result.isError, undefined, textOf(result));
    return { text: textOf(result), r: s.result! };
  };

  /** Every page of a query through the tool, checking each page's shape on the way. */
  const allPages = async (args: Record<string, unknown>, pageSize: number) => {
    const pages: MessageTrackingLogsResult[] = [];
    let cursor: string | undefined;
    do {
      const { r } = await page({ ...args, pageSize, ...(cursor ? { cursor } : {}) });
      pages.push(r);
      cursor = r.nextCursor;
      if (cursor) assert.equal(r.rows.length, pageSize, 'a page followed by another is full');
      assert.ok(pages.length < 100, 'paging ends');
    } while (cursor);
    return pages;
  };

  before(async () => {
    h = await startAdminHarness('trace');
    assert.equal(h.sandbox.state.data.messageTraces.length, 0, 'the tenant starts with no traces');
    seeded = seedRows();
    const res = await fetch(`${h.sandbox.url}/_sandbox/messageTraces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ value: seeded.rows }) });
    assert.equal(res.status, 201, await res.text());
    assert.equal(h.sandbox.state.data.messageTraces.length, seeded.rows.length);
  });
  after(async () => h.close());

  test('pages of 7 over 35 days: every row in range exactly once, newest first, four windows of at most 10 days', async () => {
    const pages = await allPages({}, 7);
    const rows = pages.flatMap((p) => p.rows);
    const keys = rows.map(keyOf);
    assert.equal(new Set(keys).size, keys.length, 'no row twice');
    assert.deepEqual([...keys].sort(), seeded.inRange.map(keyOf).sort(), 'exactly the rows in [startDate, endDate)');
    for (let i = 1; i < rows.length; i++) assert.ok(Date.parse(rows[i - 1].Received) >= Date.parse(rows[i].Received), `newest first at row ${i}`);
    assert.equal(pages.at(-1)!.nextCursor, undefined, 'the last page has no cursor');

    const windows = new Map(pages.flatMap((p) => p.windows).map((w) => [w.start, w]));
    assert.deepEqual(
      [...windows.values()].map((w) => [w.start, w.end]),
      [
        [iso(END - 10 * DAY), iso(END)],
        [iso(END - 20 * DAY), iso(END - 10 * DAY)],
        [iso(END - 30 * DAY), iso(END - 20 * DAY)],
        [iso(START), iso(END - 30 * DAY)],
      ],
    );
    // A row on a border belongs to the window that starts there, and comes back once.
    const border = seeded.inRange.filter((r) => r.received === iso(END - 10 * DAY)).map(keyOf);
    assert.equal(border.length, 2);
    assert.ok(border.every((k) => keys.filter((x) => x === k).length === 1));
  });

  test('a window with more rows than one query answers is read in several queries that continue after the last row', async () => {
    const input = (from?: MessageTrackingLogsInput['from']): MessageTrackingLogsInput => ({
      connection: CONNECTION,
      pwshTaskQueue: configuredPwshTaskQueue(h.env.config),
      ...range,
      pageSize: 50,
      maxResultSize: 3,
      query: 'test-small-queries',
      from,
    });
    const rows: TraceRow[] = [];
    let from: MessageTrackingLogsInput['from'];
    let first: MessageTrackingLogsResult | undefined;
    for (let n = 0; n < 20; n++) {
      const r = await h.temporal.workflow.execute<(i: MessageTrackingLogsInput) => Promise<MessageTrackingLogsResult>>('messageTrackingLogs', {
        taskQueue: h.worker.taskQueue,
        workflowId: uniqueQueue('message-tracking-logs/test'),
        args: [input(from)],
      });
      assert.equal(r.status, 'done', r.summary);
      first ??= r;
      rows.push(...r.rows);
      if (!r.nextCursor) break;
      const cursor = decodeCursor(r.nextCursor);
      assert.equal(cursor.q, 'test-small-queries');
      from = cursor.p;
    }
    assert.ok(first!.windows[0].queries >= 10, `the newest window took ${first!.windows[0].queries} queries of 3 rows`);
    const keys = rows.map(keyOf);
    assert.equal(new Set(keys).size, keys.length, 'no row twice');
    assert.deepEqual([...keys].sort(), seeded.inRange.map(keyOf).sort());
  });

  test('filters: sender, recipient, status and Message-ID narrow the rows as Exchange does', async () => {
    const expectRows = async (args: Record<string, unknown>, keep: (r: Seeded) => boolean) => {
      const rows = (await allPages(args, 1000)).flatMap((p) => p.rows);
      const want = seeded.inRange.filter(keep).map(keyOf).sort();
      assert.ok(want.length > 0, `the filter ${JSON.stringify(args)} matches seeded rows`);
      assert.deepEqual(rows.map(keyOf).sort(), want, JSON.stringify(args));
    };
    await expectRows({ senderEmail: SENDERS[1] }, (r) => r.senderAddress === SENDERS[1]);
    await expectRows({ recipientEmail: RECIPIENTS[2] }, (r) => r.recipientAddress === RECIPIENTS[2]);
    await expectRows({ status: 'Failed' }, (r) => r.status === 'Failed');
    await expectRows({ senderEmail: SENDERS[0], status: 'Pending' }, (r) => r.senderAddress === SENDERS[0] && r.status === 'Pending');
    const one = seeded.inRange[17];
    await expectRows({ messageId: one.messageId }, (r) => r.messageId === one.messageId);
    const none = await page({ status: 'Quarantined' });
    assert.equal(none.r.rows.length, 0);
    assert.equal(none.r.nextCursor, undefined);
  });

  test('wrong dates, a foreign cursor and a bad page size are isError naming the field', async () => {
    const call = (args: Record<string, unknown>) => h.mcp.client.callTool({ name: 'get_message_tracking_logs', arguments: { connection: CONNECTION, ...range, ...args } });
    expectToolError(await call({ startDate: iso(Date.now() - 100 * DAY) }), /startDate: message trace keeps 90 days; give a startDate on or after/);
    expectToolError(await call({ startDate: range.endDate, endDate: range.startDate }), /endDate .* must be after startDate/);
    expectToolError(await call({ startDate: 'last tuesday' }), /startDate: 'last tuesday' is not an ISO 8601 date/);
    expectToolError(await call({ endDate: '2025-13-45' }), /endDate: .* not an ISO 8601 date/);
    expectToolError(await call({ cursor: 'not-a-cursor' }), /cursor: not a nextCursor/);
    expectToolError(await call({ pageSize: 0 }), /pageSize/);
    expectToolError(await call({ pageSize: 5000 }), /pageSize/);

    const first = await page({ pageSize: 2 });
    assert.ok(first.r.nextCursor, 'a first page of 2 has a cursor');
    expectToolError(await call({ cursor: first.r.nextCursor, senderEmail: SENDERS[0] }), /cursor: it belongs to another query/);
    // The same query continues where the first page ended.
    const second = await page({ pageSize: 2, cursor: first.r.nextCursor });
    assert.notDeepEqual(second.r.rows.map(keyOf), first.r.rows.map(keyOf));
    assert.ok(Date.parse(second.r.rows[0].Received) <= Date.parse(first.r.rows[1].Received));
  });
});
