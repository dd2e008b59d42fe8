// isClientError recognises the SDK's error classes without loading the SDK, by the marker their
// instanceof checks: it must agree with instanceof for each class it names, and with nothing else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isClientError, temporalClientLib } from '../../../lib/temporal/client-lib';

const samples = {
  WorkflowNotFoundError: new WorkflowNotFoundError('gone', 'wf-1', undefined),
  WorkflowExecutionAlreadyStartedError: new WorkflowExecutionAlreadyStartedError('started', 'wf-1', 'provisionUser'),
  WorkflowFailedError: new WorkflowFailedError('failed', ApplicationFailure.create({ message: 'x' }), 'NON_RETRYABLE_FAILURE'),
  WorkflowUpdateFailedError: new WorkflowUpdateFailedError('refused', ApplicationFailure.create({ message: 'x' })),
  ScheduleNotFoundError: new ScheduleNotFoundError('no schedule', 'compliance/x'),
  ScheduleAlreadyRunning: new ScheduleAlreadyRunning('exists', 'compliance/x'),
} as const;
const classes = { WorkflowNotFoundError, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, WorkflowUpdateFailedError, ScheduleNotFoundError, ScheduleAlreadyRunning };

test('isClientError agrees with instanceof for every class and sample', () => {
  const names = Object.keys(samples) as (keyof typeof samples)[];
  for (const name of names) {
    for (const [sampleName, sample] of Object.entries(samples)) {
      assert.equal(isClientError(sample, name), sample instanceof classes[name], `${sampleName} as ${name}`);
    }
    assert.equal(isClientError(new Error(name), name), false, `a plain Error named ${name}`);
    assert.equal(isClientError(Object.assign(new Error('x'), { name }), name), false, 'a name alone is not enough');
    assert.equal(isClientError(undefined, name), false);
  }
  assert.equal(isClientError(samples.WorkflowNotFoundError, 'WorkflowNotFoundError'), true);
});

test('temporalClientLib loads the same module an import gets, once', async () => {
  const [a, b] = await Promise.all([temporalClientLib(), temporalClientLib()]);
  assert.equal(a, b);
  assert.equal(a.WorkflowNotFoundError, WorkflowNotFoundError);
});
