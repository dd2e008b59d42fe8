// Turns a catalog feature on (or, with undo, off) at organization or user scope: read the setting,
// stop if it already is as wanted, wait for confirmation of an organization-wide change, apply it
// with its undo (restoring the value read before) registered first, read it back and verify the
// passing condition. A failed apply or verification rolls the change back.
import { allHandlersFinished, CancellationScope, condition, isCancellation, proxyActivities, setHandler } from '@temporalio/workflow';
import type { createFeatureActivities, FeaturePlan, FeatureSummary } from '../activities/features';
import type { FeatureScope, Setting, WriteOperation } from '../lib/features/types';
import { graphReadBeating, graphWriteBeating, quick } from './activity-options';
import { awaitConfirmation } from './confirmation';
import { alreadyAsWanted, changeTookEffect, describeWrite, exchangeReadCommand, exchangeWriteCommand, graphWriteBody, pickSetting, sameValue, settingText, transitions } from './feature-operations';
import { actionHash } from './offboard-user';
import { rowsOf, runPwshStep } from './pwsh-step';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { ensureConnectionSignedIn } from './sign-in-step';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

type FeatureActivities = ReturnType<typeof createFeatureActivities>;
const { featurePlan } = proxyActivities<FeatureActivities>(quick);
const { readGraphSetting } = proxyActivities<FeatureActivities>(graphReadBeating);
const { writeGraphSetting } = proxyActivities<FeatureActivities>(graphWriteBeating);

const DAY_MS = 24 * 60 * 60 * 1000;

export interface EnableFeatureInput {
  connection: string;
  featureId: string;
  scope: FeatureScope;
  targetEmail?: string;
  configuration?: Record<string, unknown>;
  /** Run the feature's undo instead: write its "off" values. */
  undo?: boolean;
  /** The assistant passed confirmed: true (honoured only where the connection lets the assistant confirm). */
  confirmed?: boolean;
  /** Queue of the PowerShell pool worker (Exchange settings). */
  pwshTaskQueue: string;
  /** How long an organization-wide change waits for confirmation, in ms (default 24 h). */
  confirmTimeoutMs?: number;
  /** How long an Exchange command may wait for the pool worker, sign-in included, in s (default 1200). */
  pwshWaitSeconds?: number;
}

export interface EnableFeatureResult {
  status: 'done' | 'unchanged' | 'rolledBack' | 'rejected' | 'expired' | 'failed';
  summary: string;
  action: 'enable' | 'undo';
  scope: FeatureScope;
  target?: string;
  feature?: FeatureSummary;
  /** The setting read before the change. */
  before?: Setting;
  /** The setting read back after the change (after the rollback, when one ran). */
  after?: Setting;
  /** The exact write: the command line or the PATCH. */
  change?: string;
  steps: StepRecord[];
  undone?: string[];
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function enableFeature(input: EnableFeatureInput): Promise<EnableFeatureResult> {
  return settle(await enableFeatureSteps(input), ['rolledBack', 'rejected', 'expired', 'failed']);
}

async function enableFeatureSteps(input: EnableFeatureInput): Promise<EnableFeatureResult> {
  let view: WorkflowView = { phase: 'planning' };
  setHandler(statusQuery, () => view);
  const show = (next: WorkflowView) => (view = next);
  const phase = (text: string) => show({ phase: text });
  const { connection } = input;
  const undo = input.undo === true;
  const saga = new Saga();
  let plan: FeaturePlan | undefined;
  let before: Setting | undefined;
  let after: Setting | undefined;
  let change: string | undefined = undefined;

  const finish = async (status: EnableFeatureResult['status'], summary: string, undone?: string[]): Promise<EnableFeatureResult> => {
    phase(status);
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { status, summary, action: undo ? 'undo' : 'enable', scope: input.scope, target: plan?.target, feature: plan?.feature, before, after, change, steps: saga.steps, ...(undone ? { undone } : {}) };
  };

  /**
   * One Exchange command on the connection's session (its errors fail the step, see runPwshStep); a
   * pool worker that never answers is a failure, not a hang.
   */
  const exchange = async (command: string) => {
    const waitS = input.pwshWaitSeconds ?? 1200;
    try {
      return await CancellationScope.withTimeout(waitS * 1000, () => runPwshStep({ connection, module: 'exo', pwshTaskQueue: input.pwshTaskQueue }, command, show));
    } catch (err) {
      if (isCancellation(err) && !CancellationScope.current().consideredCancelled) {
        throw new Error(`no PowerShell worker ran the command on ${input.pwshTaskQueue} within ${waitS} s (start one with mm worker where pwsh is installed)`);
      }
      throw err;
    }
  };

  const readSetting = async (p: FeaturePlan): Promise<Setting> => {
    const op = p.ops.read;
    if (op.service === 'graph') return readGraphSetting({ connection, path: op.path, fields: op.fields });
    const [row] = rowsOf(await exchange(exchangeReadCommand(op, p.target)));
    if (!row) throw new Error(`${op.cmdlet} answered nothing`);
    return pickSetting(row, op.properties);
  };

  const write = async (p: FeaturePlan, op: WriteOperation, values: Setting): Promise<void> => {
    if (op.service === 'graph') await writeGraphSetting({ connection, path: op.path, body: graphWriteBody(op, values) });
    else await exchange(exchangeWriteCommand(op, p.target, values));
  };

  try {
    plan = await featurePlan({ connection, featureId: input.featureId, scope: input.scope, targetEmail: input.targetEmail, configuration: input.configuration, undo });
  } catch (err) {
    return await finish('failed', `Nothing changed: ${failureMessage(err)}`);
  }
  const p = plan;
  const where = p.target ? `for ${p.target}` : 'for the organization';
  const name = `${p.feature.id} (${p.feature.title})`;

  try {
    if (p.usesGraph) await ensureConnectionSignedIn(connection, show);
    phase('reading the setting');
    before = await readSetting(p);
    saga.record('read before', 'done', settingText(before));
  } catch (err) {
    const reason = failureMessage(err);
    saga.record('read before', 'failed', reason);
    return await finish('failed', `Nothing changed: could not read ${name} ${where}: ${reason}`);
  }
  const was = before;

  if (alreadyAsWanted(p.ops, was, p.wanted, undo)) {
    after = was;
    saga.record(undo ? 'undo' : 'apply', 'skipped', 'already as wanted');
    return await finish('unchanged', `${name} is already ${undo ? 'off' : 'on'} ${where} (${settingText(was)}): nothing changed.`);
  }

  // Enabling writes `apply` and is undone by `undo`; an undo request is the reverse.
  const forward = undo ? p.ops.undo : p.ops.apply;
  const reverse = undo ? p.ops.apply : p.ops.undo;
  change = describeWrite(forward, p.target, p.wanted);
  const restore = describeWrite(reverse, p.target, was);

  if (!p.target) {
    const preview = [
      `${undo ? 'Undo' : 'Enable'} ${name} for the whole organization of connection '${connection}':`,
      `  ${change}`,
      ...transitions(was, p.wanted).map((t) => `  ${t}`),
      `Checked afterwards: ${p.feature.check}`,
      `Restored if the check fails: ${restore}`,
    ].join('\n');
    if (!(input.confirmed && p.confirmWith === 'assistant')) {
      const timeoutMs = input.confirmTimeoutMs ?? DAY_MS;
      const outcome = await awaitConfirmation({ preview, hash: actionHash(preview), confirmWith: p.confirmWith, timeout: timeoutMs, timeoutMs }, (waitingFor) =>
        show({ phase: waitingFor ? 'waiting for confirmation' : 'decided', waitingFor }),
      );
      if (outcome.decision !== 'approved') {
        saga.record('confirmation', 'failed', `${outcome.decision}${outcome.by ? ` by the ${outcome.by}` : ''}`);
        after = was;
        return await finish(outcome.decision, `Not applied (${outcome.decision}): nothing changed. ${name} stays ${settingText(was)}.`);
      }
    }
    saga.record('confirmation', 'done', input.confirmed && p.confirmWith === 'assistant' ? 'confirmed: true from the assistant' : 'approved');
  }

  let step = undo ? 'undo' : 'apply';
  try {
    // The undo looks first: a change the tenant refused (or never made) needs no restoring.
    saga.onFailureUndo(`${p.feature.id} restored (${restore})`, async () => {
      const now = await readSetting(p).catch(() => undefined);
      if (now && Object.keys(p.wanted).every((name) => sameValue(now[name], was[name]))) return false;
      await write(p, reverse, was);
      return true;
    });
    phase(`${undo ? 'undoing' : 'applying'} ${p.feature.id}`);
    await write(p, forward, p.wanted);
    saga.record(step, 'done', change);

    step = 'verify';
    phase('reading the setting back');
    after = await readSetting(p);
    if (!changeTookEffect(p.ops, after, p.wanted, undo)) {
      throw new Error(`after the change the setting reads ${settingText(after)}, not ${settingText(p.wanted)}`);
    }
    saga.record('verify', 'done', settingText(after));
    return await finish('done', `${undo ? 'Undone' : 'Enabled'}: ${name} ${where}; ${transitions(was, after).join('; ')}.`);
  } catch (err) {
    const reason = failureMessage(err);
    saga.record(step, 'failed', reason);
    phase('rolling back');
    const { undone, undoFailed } = await saga.rollback();
    after = await CancellationScope.nonCancellable(() => readSetting(p)).catch((readErr: unknown) => {
      saga.record('read after rollback', 'failed', failureMessage(readErr));
      return undefined;
    });
    const why = isCancellation(err) ? 'cancelled' : reason;
    return await finish('rolledBack', rollbackSummary(step, why, undone, undoFailed), undone);
  }
}
