// Waiting for a person's (or, where the connection allows it, the assistant's) confirmation of an
// exact action: an Update whose synchronous validator rejects a stale or wrong hash, and a decider
// the connection does not allow. Shared by every workflow that sends or changes on confirmation.
import { condition, patched, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { waitingKey, type WaitingAttribute } from '../lib/temporal/search-attributes';
import { confirmUpdate, type ConfirmationInput } from '../lib/temporal/signals';
import type { WaitingFor } from '../lib/temporal/status';

/**
 * Keeps the workflow's M365Waiting search attribute current (`signIn`, `confirmation`, then `none`),
 * so `M365Waiting = 'confirmation'` in the Temporal UI lists what waits for a person. An upsert is a
 * workflow command: histories recorded before it replay without (patched 'm365-waiting-attribute').
 */
export function markWaiting(kind: WaitingAttribute): void {
  if (patched('m365-waiting-attribute')) upsertSearchAttributes([{ key: waitingKey, value: kind }]);
}

export interface ConfirmationRequest {
  preview: string;
  hash: string;
  confirmWith: 'assistant' | 'human';
  timeout: Duration;
  timeoutMs: number;
}

export type ConfirmationDecision = 'approved' | 'rejected' | 'expired';

export async function awaitConfirmation(
  request: ConfirmationRequest,
  show: (waitingFor: WaitingFor | undefined) => void,
): Promise<{ decision: ConfirmationDecision; by?: ConfirmationInput['by']; note?: string }> {
  let decided: ConfirmationInput | undefined;
  setHandler(
    confirmUpdate,
    (input) => {
      decided = input;
      return { accepted: true, decision: input.approve ? 'approved' : 'rejected' };
    },
    {
      validator: (input) => {
        if (decided) throw new Error(`Already ${decided.approve ? 'approved' : 'rejected'} by the ${decided.by}; nothing to do.`);
        if (input.hash !== request.hash) {
          // Never name the hash that would pass: it is quoted from the preview a person reads, not learnt from a refusal.
          throw new Error('The hash does not match the action waiting: the preview is stale or for another action. Read the preview again with workflow_status and confirm with the hash shown there.');
        }
        if (request.confirmWith === 'human' && input.by !== 'human') {
          throw new Error('This connection requires a person to confirm (confirmWith: human): ask the user to run `mm approve` or accept the prompt of their MCP client.');
        }
      },
    },
  );
  markWaiting('confirmation');
  show({ kind: 'confirmation', preview: request.preview, hash: request.hash, confirmWith: request.confirmWith, expiresAt: new Date(Date.now() + request.timeoutMs).toISOString() });
  const inTime = await condition(() => decided !== undefined, request.timeout);
  markWaiting('none');
  show(undefined);
  if (!inTime || !decided) return { decision: 'expired' };
  return { decision: decided.approve ? 'approved' : 'rejected', by: decided.by, note: decided.note };
}
