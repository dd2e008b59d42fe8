// One command at a time per session, in arrival order; a waiter that is aborted leaves the queue
// without holding up the ones behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionLocks } from '../../../lib/pwsh/locks';

const tick = () => new Promise((r) => setImmediate(r));

test('waiters get the session in arrival order, one at a time; other sessions do not wait', async () => {
  const locks = new SessionLocks();
  const order: string[] = [];
  const first = await locks.acquire('a');
  const waiting = ['1', '2', '3'].map((n) => locks.acquire('a').then((release) => (order.push(n), release)));
  const other = await locks.acquire('b');
  other();
  await tick();
  assert.deepEqual(order, [], 'nobody runs while the first holds the session');
  assert.equal(locks.busy('a'), true);
  first();
  for (const w of waiting) (await w)();
  assert.deepEqual(order, ['1', '2', '3']);
  assert.equal(locks.busy('a'), false);
});

test('an aborted waiter rejects with the reason and the next one still gets its turn', async () => {
  const locks = new SessionLocks();
  const first = await locks.acquire('a');
  const controller = new AbortController();
  const leaving = locks.acquire('a', controller.signal);
  const next = locks.acquire('a');
  controller.abort(new Error('cancelled by the caller'));
  await assert.rejects(leaving, /cancelled by the caller/);
  first();
  const release = await next;
  release();
  assert.equal(locks.busy('a'), false);
  await assert.rejects(locks.acquire('a', AbortSignal.abort(new Error('already aborted'))), /already aborted/);
  assert.equal(locks.busy('a'), false, 'an already aborted waiter does not keep the session');
});
