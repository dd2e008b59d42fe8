// Deploys an Outlook add-in to the organization (deploy_outlook_addin) through Exchange's organization
// app cmdlets: read what is installed from that manifest URL; install it (New-App) or change who gets it
// (Set-App); read it back and check it. A read-back that differs, or a failure after the change, undoes
// the change: the app installed is removed, the availability changed is restored.
import { allHandlersFinished, ApplicationFailure, CancellationScope, condition, isCancellation, setHandler } from '@temporalio/workflow';
import { exchangeSession, type Exchange } from './exchange-settings';
import { psBool, psQuote, rowsOf } from './pwsh-step';
import { failureMessage, rollbackSummary, Saga, type StepRecord } from './saga';
import { statusQuery, type WorkflowView } from '../lib/temporal/status';
import { settle } from './outcome';

export type AddinDefaultState = 'Enabled' | 'Disabled' | 'AlwaysEnabled';

export interface DeployOutlookAddinInput {
  connection: string;
  /** Queue of the PowerShell pool worker (Exchange Online session). */
  pwshTaskQueue: string;
  /** https URL of the add-in's manifest. */
  manifestUrl: string;
  scope: 'organization' | 'specificUsers';
  /** Mailboxes that get the add-in (specificUsers only). */
  targetUsers?: string[];
  enabled: boolean;
  defaultState: AddinDefaultState;
}

/** The add-in as Exchange answers it (Get-App -OrganizationApp). */
export interface AddinState {
  installed: boolean;
  appId?: string;
  displayName?: string;
  providedTo?: 'Everyone' | 'SpecificUsers';
  userList?: string[];
  enabled?: boolean;
  defaultStateForUser?: string;
}

export interface DeployOutlookAddinResult {
  status: 'done' | 'unchanged' | 'rolledBack' | 'failed';
  summary: string;
  before: AddinState;
  after?: AddinState;
  steps: StepRecord[];
  undone: string[];
  reason?: string;
}

interface Availability {
  providedTo: 'Everyone' | 'SpecificUsers';
  userList: string[];
  enabled: boolean;
  defaultStateForUser: string;
}

const APP_FIELDS = 'AppId,DisplayName,ManifestUrl,ProvidedTo,UserList,Enabled,DefaultStateForUser';

function wanted(input: DeployOutlookAddinInput): Availability {
  const specific = input.scope === 'specificUsers';
  return { providedTo: specific ? 'SpecificUsers' : 'Everyone', userList: specific ? (input.targetUsers ?? []) : [], enabled: input.enabled, defaultStateForUser: input.defaultState };
}

const userSet = (users: string[] | undefined) => [...new Set((users ?? []).map((u) => u.trim().toLowerCase()))].sort();

function asList(v: unknown): string[] {
  if (v === null || v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function addinState(raw: Record<string, unknown> | undefined): AddinState {
  if (!raw) return { installed: false };
  const providedTo = String(raw.ProvidedTo) === 'SpecificUsers' ? 'SpecificUsers' : 'Everyone';
  return {
    installed: true,
    appId: String(raw.AppId),
    displayName: raw.DisplayName === undefined ? undefined : String(raw.DisplayName),
    providedTo,
    userList: asList(raw.UserList),
    enabled: raw.Enabled === true || String(raw.Enabled).toLowerCase() === 'true',
    defaultStateForUser: raw.DefaultStateForUser === undefined ? undefined : String(raw.DefaultStateForUser),
  };
}

/** What differs between the add-in as read and as wanted; empty when it is as wanted. */
function differences(state: AddinState, want: Availability): string[] {
  if (!state.installed) return ['the add-in is not installed'];
  const found: string[] = [];
  if (state.providedTo !== want.providedTo) found.push(`ProvidedTo is ${state.providedTo}, not ${want.providedTo}`);
  if (want.providedTo === 'SpecificUsers' && userSet(state.userList).join(',') !== userSet(want.userList).join(',')) {
    found.push(`UserList is [${(state.userList ?? []).join(', ')}], not [${want.userList.join(', ')}]`);
  }
  if (state.enabled !== want.enabled) found.push(`Enabled is ${String(state.enabled)}, not ${String(want.enabled)}`);
  if (state.defaultStateForUser !== want.defaultStateForUser) found.push(`DefaultStateForUser is ${String(state.defaultStateForUser)}, not ${want.defaultStateForUser}`);
  return found;
}

function availabilityArgs(a: Availability): string {
  const users = a.providedTo === 'SpecificUsers' ? ` -UserList ${a.userList.map(psQuote).join(',')}` : '';
  return `-ProvidedTo ${a.providedTo}${users} -DefaultStateForUser ${a.defaultStateForUser} -Enabled ${psBool(a.enabled)}`;
}

const newAppCommand = (url: string, a: Availability) => `New-App -OrganizationApp -Url ${psQuote(url)} ${availabilityArgs(a)} -ErrorAction Stop | Select-Object AppId`;
const setAppCommand = (appId: string, a: Availability) => `Set-App -OrganizationApp -Identity ${psQuote(appId)} ${availabilityArgs(a)} -ErrorAction Stop`;
const removeAppCommand = (appId: string) => `Remove-App -OrganizationApp -Identity ${psQuote(appId)} -Confirm:$false -ErrorAction Stop`;

/** Exchange refused the command itself: it changed nothing. */
const refusedByExchange = (err: unknown) => err instanceof ApplicationFailure && err.type === 'PwshCommandError';

function availabilityText(a: Availability): string {
  const who = a.providedTo === 'Everyone' ? 'everyone' : a.userList.join(', ');
  return `for ${who}, ${a.enabled ? 'enabled' : 'disabled'}, default ${a.defaultStateForUser}`;
}

/** The workflow: its steps, then a result that did not do what was asked ends the workflow as Failed (workflows/outcome.ts). */
export async function deployOutlookAddin(input: DeployOutlookAddinInput): Promise<DeployOutlookAddinResult> {
  return settle(await deployOutlookAddinSteps(input), ['rolledBack', 'failed']);
}

async function deployOutlookAddinSteps(input: DeployOutlookAddinInput): Promise<DeployOutlookAddinResult> {
  let view: WorkflowView = { phase: 'reading the installed add-ins' };
  setHandler(statusQuery, () => view);
  const show = (phase: string) => (view = { phase });
  const exchange: Exchange = exchangeSession(input.connection, input.pwshTaskQueue, (v) => (view = v));
  const saga = new Saga();
  const want = wanted(input);

  /** The organization app installed from this manifest URL, as Exchange answers it now. */
  const readAddin = async (): Promise<AddinState> => {
    const apps = rowsOf<Record<string, unknown>>(await exchange(`Get-App -OrganizationApp -ErrorAction Stop | Select-Object ${APP_FIELDS}`));
    return addinState(apps.find((a) => String(a.ManifestUrl ?? '') === input.manifestUrl));
  };

  let before: AddinState = { installed: false };
  const finish = async (result: Omit<DeployOutlookAddinResult, 'before' | 'steps'>): Promise<DeployOutlookAddinResult> => {
    view = { phase: result.status };
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    return { ...result, before, steps: saga.steps };
  };

  try {
    before = await readAddin();
    saga.record('read', 'done', before.installed ? `installed as ${before.appId}` : 'not installed');
  } catch (err) {
    const reason = failureMessage(err);
    saga.record('read', 'failed', reason);
    return await finish({ status: 'failed', undone: [], reason, summary: `Nothing changed: ${reason}` });
  }

  if (before.installed && differences(before, want).length === 0) {
    saga.record('deploy', 'adopted', `already installed ${availabilityText(want)}`);
    return await finish({ status: 'unchanged', after: before, undone: [], summary: `The add-in ${before.displayName ?? before.appId} is already installed ${availabilityText(want)}; nothing changed.` });
  }

  let step = before.installed ? 'Set-App' : 'New-App';
  try {
    let refused = false;
    if (!before.installed) {
      show('installing the add-in');
      // The app id is known only once Exchange has read the manifest: the undo finds the app by its URL.
      saga.onFailureUndo('add-in installed', async () => {
        if (refused) return false;
        const installed = await readAddin();
        if (!installed.installed) return false;
        await exchange(removeAppCommand(installed.appId!));
        return true;
      });
      await exchange(newAppCommand(input.manifestUrl, want)).catch((err: unknown) => {
        refused = refusedByExchange(err);
        throw err;
      });
      saga.record('New-App', 'done', availabilityText(want));
    } else {
      show('changing who gets the add-in');
      const appId = before.appId!;
      const previous: Availability = {
        providedTo: before.providedTo ?? 'Everyone',
        userList: before.userList ?? [],
        enabled: before.enabled ?? true,
        defaultStateForUser: before.defaultStateForUser ?? 'Disabled',
      };
      saga.onFailureUndo('add-in availability changed', async () => (refused ? false : (await exchange(setAppCommand(appId, previous)), true)));
      await exchange(setAppCommand(appId, want)).catch((err: unknown) => {
        refused = refusedByExchange(err);
        throw err;
      });
      saga.record('Set-App', 'done', availabilityText(want));
    }

    step = 'verify';
    show('reading the add-in back');
    const after = await readAddin();
    const wrong = differences(after, want);
    if (wrong.length) throw ApplicationFailure.nonRetryable(`Exchange reads the add-in back differently: ${wrong.join('; ')}`);
    saga.record('verify', 'done', `${after.providedTo}, ${after.enabled ? 'enabled' : 'disabled'}`);
    const what = before.installed ? `changed the add-in ${after.displayName ?? after.appId}` : `installed the add-in ${after.displayName ?? after.appId}`;
    return await finish({ status: 'done', after, undone: [], summary: `Deployed: ${what} ${availabilityText(want)}.` });
  } catch (err) {
    const reason = isCancellation(err) ? 'cancelled' : failureMessage(err);
    saga.record(step, 'failed', reason);
    show('undoing');
    const { undone, undoFailed } = await saga.rollback();
    const after = await CancellationScope.nonCancellable(() => readAddin()).catch(() => undefined);
    const status = undone.length || undoFailed.length ? 'rolledBack' : 'failed';
    return await finish({ status, after, undone, reason, summary: rollbackSummary(step, reason, undone, undoFailed) });
  }
}
