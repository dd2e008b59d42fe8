// What the provisioning tools share: the licence field, and the text of a saga result (what was
// done, what failed, what was undone), with the state of a workflow a step left waiting (the welcome email's preview).
import type { Client } from '@temporalio/client';
import type { StepRecord } from '../../workflows/saga';
import { waitForAnswer, type RunAnswer } from '../workflow-runner';
import { line } from '../../lib/bounded-text';

/** How long a started workflow is given to reach its wait for a person (the preview renders first). */
const FOLLOW_UP_WAIT_MS = 5000;

/** A licence as a person names it; the worker resolves it against the tenant's subscribed SKUs. */
export const licenceNameSchema = line(120).trim().min(2);

export interface SagaLike {
  status: string;
  summary: string;
  steps: StepRecord[];
}

/** A workflow a step started and left to go on by itself, as the answer last saw it. */
export type FollowUp = NonNullable<RunAnswer['followUps']>[number];

/** The workflow a step started and left waiting, named in its detail (provisionUser's welcome email). */
const STARTED_CHILD = /(?:preview waits for confirmation in workflow|already started: workflow) ([^\s;]+)/;

function startedChild(step: StepRecord): string | undefined {
  return step.outcome === 'done' || step.outcome === 'adopted' ? STARTED_CHILD.exec(step.detail ?? '')?.[1] : undefined;
}

/** The state now of each workflow the result's steps started and left waiting. */
export async function followUpsOf(client: Client, result: unknown): Promise<FollowUp[]> {
  const ids = ((result as Partial<SagaLike> | undefined)?.steps ?? []).map(startedChild).filter((id): id is string => id !== undefined);
  const out: FollowUp[] = [];
  for (const workflowId of ids) {
    try {
      const { status, waitingFor, error } = await waitForAnswer(client, client.workflow.getHandle(workflowId), FOLLOW_UP_WAIT_MS, { untilPerson: true });
      out.push({ workflowId, status, waitingFor, error });
    } catch {
      out.push({ workflowId, status: 'running' });
    }
  }
  return out;
}

/** A step that started a workflow and left it waiting: what it waits for and the call that settles it. */
function startedChildLine(step: StepRecord, workflowId: string, followUp: FollowUp | undefined): string {
  const w = followUp?.waitingFor;
  if (followUp?.status === 'waiting_for_confirmation' && w?.kind === 'confirmation') {
    const how = w.confirmWith === 'human' ? `a person approves with \`mm approve ${workflowId}\`` : `confirm {"workflowId":"${workflowId}","hash":"${w.hash}"}`;
    return `… ${step.step}: waiting for confirmation (preview: workflow_status {"workflowId":"${workflowId}"}; ${how})`;
  }
  if (followUp?.status === 'done') return `✓ ${step.step}: done (workflow ${workflowId})`;
  if (followUp && followUp.status !== 'running') return `✗ ${step.step}: ${followUp.status.replace('_', ' ')} (workflow ${workflowId}${followUp.error ? `: ${followUp.error}` : ''})`;
  return `… ${step.step}: waiting for confirmation in workflow ${workflowId} (read its preview with workflow_status {"workflowId":"${workflowId}"})`;
}

/** Who the object ids a result names are: a user's id → the address the request named them by. */
export type PeopleNames = Map<string, string>;

/**
 * The names of the owners and members a createTeam result lists by object id: its owner and member
 * steps follow the order of the request's owners and members (each resolved in turn), so the k-th
 * owner step is the k-th owner asked for.
 */
export function peopleNames(input: { owners?: string[]; members?: string[] } | undefined, result: unknown): PeopleNames {
  const names: PeopleNames = new Map();
  const next = { owner: 0, member: 0 };
  for (const s of (result as Partial<SagaLike> | undefined)?.steps ?? []) {
    if ((s.step !== 'owner' && s.step !== 'member') || !s.detail || names.has(s.detail)) continue;
    const name = (s.step === 'owner' ? input?.owners : input?.members)?.[next[s.step]];
    next[s.step] += 1;
    if (name) names.set(s.detail, name);
  }
  return names;
}

const withNames = (text: string, names: PeopleNames | undefined): string => {
  if (!names?.size) return text;
  let out = text;
  for (const [id, name] of names) out = out.split(id).join(name);
  return out;
};

export interface SagaTextOptions {
  /** From followUpsOf: the state of the workflows the result's steps started and left waiting. */
  followUps?: FollowUp[];
  /** From peopleNames: names for the object ids the steps name. */
  names?: PeopleNames;
}

/** The summary line, then one line per step: "✓ license (BusinessStandard)"; a detail the summary already says is left out. */
export function sagaText(result: unknown, { followUps = [], names }: SagaTextOptions = {}): string {
  const r = result as SagaLike;
  const mark: Record<string, string> = { done: '✓', adopted: '=', skipped: '-', failed: '✗', undone: '↩', 'undo failed': '!' };
  const lines = [`${r.status.toUpperCase()}: ${r.summary}`];
  for (const s of r.steps ?? []) {
    const child = r.status === 'done' ? startedChild(s) : undefined;
    const detail = s.detail && !(s.detail.length > 40 && r.summary.includes(s.detail)) ? ` (${s.detail})` : '';
    if (child) lines.push(startedChildLine(s, child, followUps.find((f) => f.workflowId === child)));
    else lines.push(`${mark[s.outcome] ?? '?'} ${s.step}${detail}: ${s.outcome}`);
  }
  return withNames(lines.join('\n'), names);
}
