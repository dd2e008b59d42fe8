// Schedule input is checked before Temporal is asked: intervals are what Temporal schedules accept
// (ms-style strings), at least a second, in whole seconds; a wrong value names the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '@temporalio/client';
import { ScheduleInputError, upsertSchedule } from '../../../lib/compliance/schedules';
import { scheduledScan } from '../../../mcp/operations';

/** A client that records what it was asked to create, then stops. */
function recordingClient() {
  const created: Array<{ spec: { intervals?: Array<{ every: unknown }> } }> = [];
  const client = {
    schedule: {
      create: async (options: (typeof created)[number]) => {
        created.push(options);
        throw new Error('stop after create');
      },
    },
  } as unknown as Client;
  return { client, created };
}

test('an interval reaches the Temporal Schedule spec as written', async () => {
  for (const every of ['30m', '24h', '5s', '2 days', ' 1h ']) {
    const { client, created } = recordingClient();
    await assert.rejects(upsertSchedule(client, { connection: 'Contoso', every, start: scheduledScan('Contoso', 'q') }), /stop after create/);
    assert.equal(created[0].spec.intervals?.[0].every, every.trim());
  }
});

test('a wrong interval is refused naming every, before Temporal is asked', async () => {
  const cases: Array<[string, RegExp]> = [
    ['nightly', /every: "nightly" is not an interval/],
    ['', /cron and every: give exactly one/],
    ['500ms', /at least 1 second/],
    ['10', /at least 1 second/],
    ['1.5s', /not a whole number of seconds/],
    ['-5m', /at least 1 second/],
  ];
  for (const [every, message] of cases) {
    const { client, created } = recordingClient();
    await assert.rejects(upsertSchedule(client, { connection: 'Contoso', every, start: scheduledScan('Contoso', 'q') }), (e: unknown) => e instanceof ScheduleInputError && message.test(e.message));
    assert.equal(created.length, 0, `${every}: nothing created`);
  }
});
