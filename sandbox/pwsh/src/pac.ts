// The stand-in pac: one command per run, as the real CLI. `auth create --deviceCode` signs in against
// the sandbox with pac's first-party app (printing MSAL's device-code line) and keeps the profile in
// $XDG_DATA_HOME/Microsoft/PowerAppsCli (where .NET puts LocalApplicationData on Linux), so later
// runs reuse it and refresh its token silently. The Power Platform side (environments, solutions) is
// a small fixed tenant kept beside the profile, enough to answer pac's output shapes: `auth who`,
// `auth list`, `auth clear`, `env list`, `env who`, `solution list`, `admin list`, `admin delete`.
import fs from 'node:fs';
import path from 'node:path';
import { FIRST_PARTY_CLIENT_IDS, RESOURCES } from '../../constants';
import { SignInFailed, currentToken, deviceCodeSignIn, type SignIn } from './signin';

interface Environment {
  name: string;
  id: string;
  url: string;
  uniqueName: string;
  type: 'Default' | 'Production' | 'Sandbox' | 'Developer';
  solutions: { uniqueName: string; friendlyName: string; version: string; managed: boolean }[];
}

interface Profile extends SignIn {
  name?: string;
  cloud: string;
  environment?: string;
}

interface State {
  profiles: Profile[];
  environments?: Environment[];
}

class PacError extends Error {}

function stateDir(): string {
  const base = process.env.XDG_DATA_HOME || path.join(process.env.HOME ?? '.', '.local', 'share');
  return path.join(base, 'Microsoft', 'PowerAppsCli');
}

const stateFile = () => path.join(stateDir(), 'authprofiles_v2.json');

function load(): State {
  try {
    return JSON.parse(fs.readFileSync(stateFile(), 'utf8')) as State;
  } catch {
    return { profiles: [] };
  }
}

function save(state: State) {
  fs.mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  fs.writeFileSync(stateFile(), JSON.stringify(state, null, 2), { mode: 0o600 });
}

function initialEnvironments(tenantId: string): Environment[] {
  const short = tenantId.slice(0, 8);
  return [
    {
      name: 'Contoso (default)',
      id: `Default-${tenantId}`,
      url: `https://org${short}.crm.dynamics.com/`,
      uniqueName: `unq${short}default`,
      type: 'Default',
      solutions: [
        { uniqueName: 'Default', friendlyName: 'Default Solution', version: '1.0', managed: false },
        { uniqueName: 'ContosoHR', friendlyName: 'Contoso HR', version: '1.2.0.4', managed: false },
      ],
    },
    {
      name: 'Contoso Sales (test)',
      id: '7a1c2d3e-0000-4000-8000-00000000a001',
      url: `https://org${short}test.crm.dynamics.com/`,
      uniqueName: `unq${short}test`,
      type: 'Sandbox',
      solutions: [{ uniqueName: 'SalesFlows', friendlyName: 'Sales flows', version: '0.9.1.0', managed: false }],
    },
  ];
}

function option(args: string[], ...names: string[]): string | true | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) continue;
    const key = a.replace(/^-+/, '').toLowerCase();
    if (names.some((n) => n.toLowerCase() === key)) {
      const next = args[i + 1];
      return next === undefined || next.startsWith('-') ? true : next;
    }
  }
  return undefined;
}

function table(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' ').trimEnd();
  return [line(headers), ...rows.map(line)];
}

async function signedIn(state: State): Promise<Profile> {
  const profile = state.profiles[0];
  if (!profile) throw new PacError("No profiles were found on this computer. Please run 'pac auth create' to create one.");
  try {
    await currentToken(profile); // refreshes silently, as pac's MSAL cache does
  } catch (e) {
    throw new PacError(`${(e as Error).message} Please run 'pac auth create' to sign in again.`);
  }
  save(state);
  return profile;
}

function environmentsOf(state: State, profile: Profile): Environment[] {
  state.environments ??= initialEnvironments(profile.tenantId);
  return state.environments;
}

function activeEnvironment(state: State, profile: Profile, args: string[]): Environment {
  const envs = environmentsOf(state, profile);
  const wanted = option(args, 'environment', 'env');
  if (typeof wanted === 'string') {
    const found = envs.find((e) => [e.id, e.url, e.uniqueName, e.name].some((v) => v.toLowerCase() === wanted.toLowerCase()));
    if (!found) throw new PacError(`Environment '${wanted}' not found.`);
    return found;
  }
  return envs.find((e) => e.id === profile.environment) ?? envs[0];
}

type Out = (line: string) => void;

async function authCreate(args: string[], out: Out) {
  if (option(args, 'deviceCode', 'dc') !== true) {
    throw new PacError('The stand-in pac signs in with --deviceCode only.');
  }
  const tenant = option(args, 'tenant', 't');
  let signIn: SignIn;
  try {
    signIn = await deviceCodeSignIn({
      tenant: typeof tenant === 'string' ? tenant : 'organizations',
      clientId: FIRST_PARTY_CLIENT_IDS.powerPlatformCli,
      scope: `${RESOURCES.powerApps}//.default`,
      prompt: (code) => out(`To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${code} to authenticate.`),
    });
  } catch (e) {
    if (e instanceof SignInFailed) throw new PacError(e.message);
    throw e;
  }
  const name = option(args, 'name', 'n');
  const cloud = option(args, 'cloud', 'ci');
  const state = load();
  state.profiles = [{ ...signIn, name: typeof name === 'string' ? name : undefined, cloud: typeof cloud === 'string' ? cloud : 'Public' }];
  save(state);
  out('Authentication profile created');
  out(`  * UNIVERSAL ${typeof name === 'string' ? name.padEnd(30) : ''.padEnd(30)} : ${signIn.account.padEnd(40)} ${state.profiles[0].cloud}`);
}

export async function pac(args: string[], out: Out): Promise<void> {
  const [noun, verb] = args.map((a) => a.toLowerCase());
  const state = load();
  if (noun === 'auth' && verb === 'create') return authCreate(args, out);
  if (noun === 'auth' && verb === 'clear') {
    fs.rmSync(stateFile(), { force: true });
    out('Authentication profiles and token cache removed');
    return;
  }
  if (noun === 'auth' && verb === 'list') {
    if (!state.profiles.length) return out('No profiles were found on this computer.');
    table(['Index', 'Active', 'Kind', 'Name', 'User', 'Cloud', 'Type', 'Environment', 'Environment Url'], state.profiles.map((p, i) => [`[${i + 1}]`, '*', 'UNIVERSAL', p.name ?? '', p.account, p.cloud, 'User', '', ''])).forEach(out);
    return;
  }
  const profile = await signedIn(state);
  const connected = () => out(`Connected as ${profile.account}`);
  if (noun === 'auth' && verb === 'who') {
    connected();
    [
      ['Type:', 'User'],
      ['Cloud:', profile.cloud],
      ['Tenant Id:', profile.tenantId],
      ['User:', profile.account],
      ['Token Expires:', new Date(profile.expiresAt).toISOString()],
      ['Authority:', `${profile.authority.replace(/\/oauth2\/v2\.0$/, '')}/`],
    ].forEach(([k, v]) => out(`${k.padEnd(24)}${v}`));
    return;
  }
  if (noun === 'env' && verb === 'list') {
    const active = activeEnvironment(state, profile, []);
    table(['Active', 'Display Name', 'Environment ID', 'Environment URL', 'Unique Name'], environmentsOf(state, profile).map((e) => [e === active ? '*' : '', e.name, e.id, e.url, e.uniqueName])).forEach(out);
    return;
  }
  if (noun === 'env' && verb === 'who') {
    const e = activeEnvironment(state, profile, args);
    connected();
    out(`Connected to... ${e.name}`);
    [['Organization Information', ''], ['  Org ID:', e.id], ['  Unique Name:', e.uniqueName], ['  Friendly Name:', e.name], ['  Org URL:', e.url]].forEach(([k, v]) => out(`${k.padEnd(24)}${v}`));
    return;
  }
  if (noun === 'solution' && verb === 'list') {
    const e = activeEnvironment(state, profile, args);
    connected();
    out(`Connected to... ${e.name}`);
    out('');
    out('Listing all Solutions from the current Dataverse Environment...');
    table(['Unique Name', 'Friendly Name', 'Version', 'Managed'], e.solutions.map((s) => [s.uniqueName, s.friendlyName, s.version, s.managed ? 'True' : 'False'])).forEach(out);
    return;
  }
  if (noun === 'admin' && verb === 'list') {
    connected();
    out('');
    table(['Active', 'Display Name', 'Environment ID', 'Environment URL', 'Type', 'Organization ID'], environmentsOf(state, profile).map((e) => [e.id === profile.environment ? '*' : '', e.name, e.id, e.url, e.type, e.id.replace(/^Default-/, '')])).forEach(out);
    return;
  }
  if (noun === 'admin' && verb === 'delete') {
    const target = option(args, 'environment', 'env');
    if (typeof target !== 'string') throw new PacError("The required argument 'environment' is missing.");
    const e = activeEnvironment(state, profile, args);
    if (e.type === 'Default') throw new PacError(`The default environment '${e.name}' cannot be deleted.`);
    connected();
    out(`Deleting Environment ${e.name} (${e.id})...`);
    state.environments = environmentsOf(state, profile).filter((x) => x !== e);
    save(state);
    out(`Environment ${e.id} deleted.`);
    return;
  }
  throw new PacError(`The stand-in pac does not know 'pac ${args.join(' ')}'.`);
}

export async function main(args: string[]): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    await pac(args, out);
    process.exit(0);
  } catch (e) {
    // pac writes its errors on stdout, prefixed "Error:", and exits 1.
    if (e instanceof PacError) out(`Error: ${e.message}`);
    else out(`Error: ${(e as Error).stack ?? String(e)}`);
    process.exit(1);
  }
}
