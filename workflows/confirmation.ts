// Waiting for a person's (or, where the connection allows it, the assistant's) confirmation of an
// exact action: an Update whose synchronous validator rejects a stale or wrong hash, and a decider
// the connection does not allow. Shared by every workflow that sends or changes on confirmation.
import { condition, setHandler } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import { confirmUpdate, type ConfirmationInput } from '../lib/temporal/signals';
import type { WaitingFor } from '../lib/temporal/status';

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
  show({ kind: 'confirmation', preview: request.preview, hash: request.hash, confirmWith: request.confirmWith, expiresAt: new Date(Date.now() + request.timeoutMs).toISOString() });
  const inTime = await condition(() => decided !== undefined, request.timeout);
  show(undefined);
  if (!inTime || !decided) return { decision: 'expired' };
  return { decision: decided.approve ? 'approved' : 'rejected', by: decided.by, note: decided.note };
}
