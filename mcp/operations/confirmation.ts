// Confirming an action a workflow holds: through the confirm Update (its validator checks the hash and
// who decides), by the assistant where the connection allows it, by a person through MCP elicitation.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Client } from '@temporalio/client';
import { isClientError } from '../../lib/temporal/client-lib';
import { confirmUpdate, type ConfirmationInput, type ConfirmationOutcome } from '../../lib/temporal/signals';
import { waitForAnswer, type ProgressReporter, type RunAnswer } from '../workflow-runner';

export class ConfirmationRefused extends Error {
  override name = 'ConfirmationRefused';
}

export async function sendConfirmation(client: Client, workflowId: string, input: ConfirmationInput): Promise<ConfirmationOutcome> {
  try {
    return await client.workflow.getHandle(workflowId).executeUpdate(confirmUpdate, {
      args: [input],
      // The same decision sent twice is one update: a repeated confirmation gets the first answer.
      updateId: `confirm-${input.hash}-${input.approve ? 'approve' : 'reject'}-${input.by}`,
    });
  } catch (err) {
    if (isClientError(err, 'WorkflowUpdateFailedError')) throw new ConfirmationRefused((err.cause as Error | undefined)?.message ?? err.message);
    throw err;
  }
}

/**
 * Asks the person at the MCP client (elicitation) whether to go ahead. Returns undefined when the
 * client cannot ask, so the caller points to `mm approve` instead.
 */
export async function askPerson(server: McpServer, answer: RunAnswer): Promise<boolean | undefined> {
  if (answer.waitingFor?.kind !== 'confirmation') return undefined;
  return askPersonAbout(server, `${answer.waitingFor.preview}\n\nGo ahead? (workflow ${answer.workflowId}, hash ${answer.waitingFor.hash})`);
}

/** Asks the person at the MCP client a yes/no question; undefined when the client cannot ask or they dismiss it. */
export async function askPersonAbout(server: McpServer, message: string): Promise<boolean | undefined> {
  if (!server.server.getClientCapabilities()?.elicitation) return undefined;
  const reply = await server.server.elicitInput({
    message,
    requestedSchema: {
      type: 'object',
      properties: { approve: { type: 'boolean', title: 'Approve', description: 'Yes to go ahead, no to reject' } },
      required: ['approve'],
    },
  });
  if (reply.action !== 'accept') return reply.action === 'decline' ? false : undefined;
  return reply.content?.approve === true;
}

/**
 * After a tool started (or adopted) a workflow now waiting for confirmation: confirms at once when the
 * assistant passed `confirmed: true` and the workflow lets the assistant decide, asks the person at
 * the MCP client when a person must decide, and answers with the state after that. Otherwise the
 * answer is returned as it is (the preview, with how to confirm).
 */
export async function settleConfirmation(
  server: McpServer,
  client: Client,
  answer: RunAnswer,
  options: { confirmed?: boolean; waitMs: number; onProgress?: ProgressReporter },
): Promise<RunAnswer> {
  if (answer.status !== 'waiting_for_confirmation' || answer.waitingFor?.kind !== 'confirmation') return answer;
  const { hash, confirmWith } = answer.waitingFor;
  const decision = confirmWith === 'human' ? await askPerson(server, answer) : options.confirmed ? true : undefined;
  if (decision === undefined) return answer;
  await sendConfirmation(client, answer.workflowId, { hash, approve: decision, by: confirmWith });
  return waitForAnswer(client, client.workflow.getHandle(answer.workflowId), options.waitMs, { onProgress: options.onProgress });
}
