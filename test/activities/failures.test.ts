import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { SignInRequiredError } from '../../lib/auth';
import { GraphError } from '../../lib/graph';
import { UnknownConnectionError } from '../../lib/registry';
import { FAILURE_TYPES, toActivityFailure } from '../../activities/failures';

const graph = (status: number, code: string, retryAfterMs?: number) => new GraphError({ status, code, message: `${code} happened`, retryAfterMs });
const failure = (err: unknown) => {
  const f = toActivityFailure(err);
  assert.ok(f instanceof ApplicationFailure);
  return f;
};

test('throttling and server errors are retried after the delay Microsoft asked for', () => {
  const throttled = failure(graph(429, 'TooManyRequests', 2500));
  assert.equal(throttled.nonRetryable, false);
  assert.equal(throttled.type, FAILURE_TYPES.graphThrottled);
  assert.equal(throttled.nextRetryDelay, 2500);
  assert.equal(failure(graph(503, 'ServiceUnavailable')).nonRetryable, false);
  assert.equal(failure(graph(0, 'NetworkError')).nonRetryable, false);
});

test('client errors are final, with a message a person can act on', () => {
  const missing = failure(graph(404, 'Request_ResourceNotFound'));
  assert.equal(missing.nonRetryable, true);
  assert.equal(missing.type, FAILURE_TYPES.graphClient);
  assert.match(missing.message, /HTTP 404 Request_ResourceNotFound/);
  assert.equal(failure(graph(403, 'Authorization_RequestDenied')).nonRetryable, true);
  assert.equal(failure(graph(401, 'Unauthorized')).nonRetryable, true);
});

test('an access token that expired in transit is retried (the next attempt gets a fresh one)', () => {
  const expired = failure(graph(401, 'InvalidAuthenticationToken'));
  assert.equal(expired.nonRetryable, false);
  assert.equal(expired.nextRetryDelay, undefined);
});

test('a connection needing sign-in and an unknown connection are final, typed for workflows', () => {
  const signIn = failure(new SignInRequiredError('Contoso', 'no account'));
  assert.equal(signIn.type, FAILURE_TYPES.signInRequired);
  assert.equal(signIn.nonRetryable, true);
  const unknown = failure(new UnknownConnectionError('Nope', ['Contoso'], "Connection 'Nope' not found."));
  assert.equal(unknown.type, FAILURE_TYPES.validation);
  assert.equal(unknown.nonRetryable, true);
});

test('anything else passes through unchanged (Temporal retries it by the activity profile)', () => {
  const other = new Error('boom');
  assert.equal(toActivityFailure(other), other);
});
