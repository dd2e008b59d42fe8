// Users, licences and the organization: /users (CRUD by id or UPN), assignLicense, licenseDetails,
// memberOf, /subscribedSkus, /organization, /domains.
import { SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID, SANDBOX_TENANT_NAME } from '../constants';
import { badRequest, GraphError, notFound } from '../errors';
import { defaultMailboxSettings, graphUser, isoNow, newId, newMailbox, type Json, type TenantState, type UserRecord } from '../state';
import { GRAPH_BASE, listResponse, selectProps, type EntityInfo } from './odata';
import { PERMISSIONS } from './permissions';
import { identity, noContent, ok, requireBody, route, type Ctx, type Route } from './router';

const USER_DEFAULTS = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];
export const USER: EntityInfo = {
  type: 'user',
  defaults: USER_DEFAULTS,
  all: [
    ...USER_DEFAULTS,
    'accountEnabled', 'usageLocation', 'assignedLicenses', 'department', 'companyName', 'city', 'country', 'employeeId',
    'createdDateTime', 'userType', 'otherMails', 'proxyAddresses', 'mailNickname', 'deletedDateTime', 'signInActivity', 'onPremisesSyncEnabled',
    'lastPasswordChangeDateTime', 'signInSessionsValidFromDateTime',
  ],
  // aad-advanced-queries § user properties: companyName only with advanced queries; range operators on
  // createdDateTime and signInActivity by default; $orderby on displayName and userPrincipalName.
  defaultQuery: {
    advancedOnly: ['companyName'],
    rangeByDefault: ['createdDateTime', 'signInActivity/lastSignInDateTime', 'signInActivity/lastNonInteractiveSignInDateTime'],
    orderBy: ['displayName', 'userPrincipalName'],
  },
};

/** Properties a PATCH may set (the rest are read-only or unknown to the sandbox). */
const WRITABLE = new Set([
  'accountEnabled', 'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'officeLocation', 'mobilePhone', 'businessPhones',
  'preferredLanguage', 'usageLocation', 'companyName', 'city', 'country', 'employeeId', 'mailNickname', 'userPrincipalName', 'passwordProfile', 'otherMails',
]);

export const VERIFIED_DOMAINS = [SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN];

export function userOr404(state: TenantState, idOrUpn: string): UserRecord {
  const u = state.findUser(idOrUpn);
  if (!u) throw notFound(idOrUpn);
  return u;
}

/**
 * Entra's user principal name policy ("Microsoft Entra password policies and account restrictions",
 * learn.microsoft.com/entra/identity/authentication/concept-password-policies, section "User
 * principal name policies"): the user name takes only A-Z a-z 0-9 ' . - _ ! # ^ ~, no "@" other than
 * the separator, no period right before the "@" (nor leading); at most 64 characters before the "@",
 * 48 after it, 113 in all.
 */
export const UPN_LOCAL_PART = /^[A-Za-z0-9'._!#^~-]+$/;
export function upnProblem(upn: string): string | undefined {
  const at = upn.split('@');
  if (at.length !== 2 || !at[0] || !at[1]) return 'a user name and a domain separated by one @';
  const [local, domain] = at;
  if (!UPN_LOCAL_PART.test(local)) return "only A-Z a-z 0-9 ' . - _ ! # ^ ~ before the @";
  if (local.startsWith('.') || local.endsWith('.')) return 'no period at the start of the user name or right before the @';
  if (local.length > 64) return 'at most 64 characters before the @';
  if (domain.length > 48) return 'at most 48 characters after the @';
  if (upn.length > 113) return 'at most 113 characters in all';
  return undefined;
}

function checkUpn(state: TenantState, upn: unknown, selfId?: string) {
  if (typeof upn !== 'string' || upnProblem(upn)) {
    throw badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
  }
  const domain = upn.split('@')[1].toLowerCase();
  if (!VERIFIED_DOMAINS.includes(domain)) {
    throw badRequest('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
  }
  const taken =
    Object.values(state.data.users).some((u) => u.graph.id !== selfId && u.graph.userPrincipalName.toLowerCase() === upn.toLowerCase()) ||
    Object.values(state.data.deleted).some((d) => d.user?.graph.userPrincipalName.toLowerCase() === upn.toLowerCase());
  if (taken) throw badRequest('Another object with the same value for property userPrincipalName already exists.');
}

function checkPassword(profile: unknown) {
  const password = (profile as { password?: unknown } | undefined)?.password;
  if (typeof password !== 'string' || !password) throw badRequest('A password must be specified to create a new user.');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  // concept-password-policies § "Password policies that only apply to cloud user accounts":
  // 8 to 256 characters, 3 of 4 classes, and no Unicode characters (printable ASCII and blank only).
  if (password.length < 8 || password.length > 256 || classes < 3 || !/^[\x20-\x7e]+$/.test(password)) {
    throw badRequest('The specified password does not comply with password complexity requirements. Please provide a different password.');
  }
  return password;
}

function checkNickname(nick: unknown) {
  if (typeof nick !== 'string' || !/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]{1,64}$/.test(nick)) {
    throw badRequest("Invalid value specified for property 'mailNickname' of resource 'User'.");
  }
}

function checkUsageLocation(v: unknown) {
  if (v !== null && (typeof v !== 'string' || !/^[A-Z]{2}$/.test(v))) {
    throw badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");
  }
}

export function userView(u: UserRecord, select: string | null): Json {
  return selectProps(u.graph, select, USER);
}

const ctxOne = (select: string | null, what = 'users') => `${GRAPH_BASE}/$metadata#${what}${select ? `(${select})` : ''}/$entity`;

/** Graph properties of a user, with signInActivity when asked for (it needs AuditLog.Read.All). */
function graphOf(ctx: Ctx, u: UserRecord): Json {
  const asked = /\bsignInActivity\b/.test(`${ctx.req.query.get('$select') ?? ''} ${ctx.req.query.get('$filter') ?? ''}`);
  if (!asked) return u.graph;
  const p = ctx.req.principal;
  if (!(p.kind === 'user' ? p.scopes : p.roles).has('AuditLog.Read.All')) {
    throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }
  const last = ctx.state.data.compliance.signIns[u.graph.id] ?? null;
  return {
    ...u.graph,
    signInActivity: { lastSignInDateTime: last, lastNonInteractiveSignInDateTime: last, lastSuccessfulSignInDateTime: last, lastSignInRequestId: last ? u.graph.id : null },
  };
}

function listUsers(ctx: Ctx) {
  const rows = Object.values(ctx.state.data.users).map((u) => graphOf(ctx, u));
  return ok(listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path: '/users', contextPath: 'users' }, USER));
}

function getUser(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  const select = ctx.req.query.get('$select');
  return ok({ '@odata.context': ctxOne(select), ...selectProps(graphOf(ctx, u), select, USER) });
}

function createUser(ctx: Ctx) {
  const b = requireBody(ctx);
  if (typeof b.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  if (typeof b.displayName !== 'string' || !b.displayName.trim()) throw badRequest("Invalid value specified for property 'displayName' of resource 'User'.");
  checkNickname(b.mailNickname);
  const password = checkPassword(b.passwordProfile);
  checkUpn(ctx.state, b.userPrincipalName);
  if ('usageLocation' in b) checkUsageLocation(b.usageLocation);
  for (const k of Object.keys(b)) {
    if (!WRITABLE.has(k)) throw badRequest(`Property '${k}' is read-only and cannot be set.`);
  }
  const id = newId();
  const { passwordProfile: _ignored, ...props } = b;
  const record: UserRecord = {
    graph: graphUser({ ...props, id, userPrincipalName: String(b.userPrincipalName), displayName: String(b.displayName) } as Json & { id: string; userPrincipalName: string; displayName: string }),
    password,
    roles: [],
    mailboxSettings: defaultMailboxSettings(),
    messages: [],
  };
  ctx.state.data.users[id] = record;
  ctx.state.changed();
  return ok(
    { '@odata.context': `${GRAPH_BASE}/$metadata#users/$entity`, ...userView(record, null) },
    201,
    { Location: `https://graph.microsoft.com/v2/${SANDBOX_TENANT_ID}/directoryObjects/${id}/Microsoft.DirectoryServices.User` },
  );
}

function updateUser(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  const b = requireBody(ctx);
  for (const k of Object.keys(b)) {
    if (!WRITABLE.has(k)) throw badRequest(`Property '${k}' is read-only and cannot be set.`);
  }
  if ('userPrincipalName' in b) checkUpn(ctx.state, b.userPrincipalName, u.graph.id);
  if ('mailNickname' in b) checkNickname(b.mailNickname);
  if ('usageLocation' in b) checkUsageLocation(b.usageLocation);
  if ('accountEnabled' in b && typeof b.accountEnabled !== 'boolean') throw badRequest("Invalid value specified for property 'accountEnabled' of resource 'User'.");
  if ('passwordProfile' in b) {
    u.password = checkPassword(b.passwordProfile);
    // Entra records the change (user resource: lastPasswordChangeDateTime).
    u.graph.lastPasswordChangeDateTime = isoNow();
  }
  const { passwordProfile: _ignored, ...props } = b;
  Object.assign(u.graph, props);
  ctx.state.changed();
  return noContent();
}

function deleteUser(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  delete ctx.state.data.users[u.graph.id];
  for (const g of Object.values(ctx.state.data.groups)) {
    g.members = g.members.filter((m) => m !== u.graph.id);
    g.owners = g.owners.filter((m) => m !== u.graph.id);
  }
  ctx.state.data.deleted[u.graph.id] = { kind: 'user', deletedDateTime: isoNow(), user: u };
  ctx.state.changed();
  return noContent();
}

function assignLicense(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  const b = requireBody(ctx);
  if (!Array.isArray(b.addLicenses)) throw badRequest("Invalid value specified for property 'addLicenses' of resource 'User'.");
  if (!Array.isArray(b.removeLicenses)) throw badRequest("Invalid value specified for property 'removeLicenses' of resource 'User'.");
  const adds = b.addLicenses as { skuId?: string; disabledPlans?: string[] }[];
  const removes = (b.removeLicenses as string[]).map((s) => String(s).toLowerCase());
  const current = u.graph.assignedLicenses as { skuId: string; disabledPlans: string[] }[];
  for (const a of adds) {
    const skuId = String(a.skuId ?? '').toLowerCase();
    if (!ctx.state.data.skus[skuId]) throw badRequest(`License ${a.skuId} does not correspond to a valid company License.`);
  }
  for (const r of removes) {
    if (!current.some((l) => l.skuId === r)) throw badRequest('User does not have a corresponding license.');
  }
  if (adds.length && !u.graph.usageLocation) {
    throw badRequest('License assignment cannot be done for user with invalid usage location.');
  }
  for (const a of adds) {
    const skuId = String(a.skuId).toLowerCase();
    if (current.some((l) => l.skuId === skuId)) continue;
    const sku = ctx.state.data.skus[skuId];
    if (ctx.state.consumedUnits(skuId) >= sku.enabledUnits) {
      throw badRequest(`Subscription with SKU ${skuId} does not have any available licenses.`);
    }
  }
  const next = current.filter((l) => !removes.includes(l.skuId));
  for (const a of adds) {
    const skuId = String(a.skuId).toLowerCase();
    const entry = { skuId, disabledPlans: (a.disabledPlans ?? []).map((p) => String(p).toLowerCase()) };
    const i = next.findIndex((l) => l.skuId === skuId);
    if (i >= 0) next[i] = entry;
    else next.push(entry);
  }
  u.graph.assignedLicenses = next;
  if (ctx.state.licensedForExchange(u) && !u.mailbox) {
    u.mailbox = { ...newMailbox(), readyAtMs: Date.now() + ctx.env.settings.mailboxDelayMs };
    u.graph.mail ??= u.graph.userPrincipalName;
    const proxies = u.graph.proxyAddresses as string[];
    if (!proxies.length) u.graph.proxyAddresses = [`SMTP:${u.graph.userPrincipalName}`];
  }
  ctx.state.changed();
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#users/$entity`, ...userView(u, null) });
}

function licenseDetails(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  const value = (u.graph.assignedLicenses as { skuId: string; disabledPlans: string[] }[]).map((l) => {
    const sku = ctx.state.data.skus[l.skuId];
    return {
      id: `${l.skuId}-${u.graph.id}`.slice(0, 43),
      skuId: l.skuId,
      skuPartNumber: sku?.skuPartNumber ?? null,
      servicePlans: (sku?.servicePlans ?? []).map((p) => ({
        ...p,
        provisioningStatus: l.disabledPlans.includes(p.servicePlanId) ? 'Disabled' : 'Success',
        appliesTo: 'User',
      })),
    };
  });
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#users('${u.graph.id}')/licenseDetails`, value });
}

function memberOf(ctx: Ctx) {
  const u = userOr404(ctx.state, ctx.params.id);
  const rows = Object.values(ctx.state.data.groups)
    .filter((g) => g.members.includes(u.graph.id))
    .map((g) => ({ '@odata.type': '#microsoft.graph.group', ...g.graph }));
  return ok(
    listResponse(rows, { query: ctx.req.query, headers: ctx.req.headers, path: `/users/${u.graph.id}/memberOf`, contextPath: 'directoryObjects' }, {
      type: 'group',
      defaults: Object.keys(rows[0] ?? { id: 1 }),
      all: Object.keys(rows[0] ?? { id: 1 }),
    }),
  );
}

function subscribedSkus(ctx: Ctx) {
  const value = Object.values(ctx.state.data.skus).map((s) => ({
    accountName: SANDBOX_INITIAL_DOMAIN.split('.')[0],
    accountId: SANDBOX_TENANT_ID,
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: ctx.state.consumedUnits(s.skuId),
    id: `${SANDBOX_TENANT_ID}_${s.skuId}`,
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [newIdFor(s.skuId)],
    prepaidUnits: { enabled: s.enabledUnits, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: s.servicePlans.map((p) => ({ ...p, provisioningStatus: 'Success', appliesTo: 'User' })),
  }));
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#subscribedSkus`, value });
}

const newIdFor = (skuId: string) => `${skuId.slice(0, 8)}-0000-4000-8000-${skuId.slice(-12)}`;

function organization() {
  const value = [
    {
      id: SANDBOX_TENANT_ID,
      displayName: SANDBOX_TENANT_NAME,
      tenantType: 'AAD',
      countryLetterCode: 'US',
      preferredLanguage: 'en',
      createdDateTime: '2024-01-15T09:00:00Z',
      onPremisesSyncEnabled: null,
      businessPhones: [],
      city: null,
      country: null,
      technicalNotificationMails: [`admin@${SANDBOX_DOMAIN}`],
      assignedPlans: [],
      verifiedDomains: [
        { capabilities: 'Email, OfficeCommunicationsOnline', isDefault: true, isInitial: false, name: SANDBOX_DOMAIN, type: 'Managed' },
        { capabilities: 'Email, OfficeCommunicationsOnline', isDefault: false, isInitial: true, name: SANDBOX_INITIAL_DOMAIN, type: 'Managed' },
      ],
    },
  ];
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#organization`, value });
}

function domains(ctx: Ctx) {
  const validity = ctx.state.data.compliance.passwordValidityPeriodInDays;
  const value = VERIFIED_DOMAINS.map((name, i) => ({
    id: name,
    authenticationType: 'Managed',
    isAdminManaged: true,
    isDefault: i === 0,
    isInitial: i === 1,
    isRoot: true,
    isVerified: true,
    supportedServices: ['Email', 'OfficeCommunicationsOnline'],
    passwordValidityPeriodInDays: validity,
    passwordNotificationWindowInDays: 14,
  }));
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#domains`, value });
}

const read1 = (ctx: Ctx) => identity(ctx, 1);
const write = (ctx: Ctx) => identity(ctx, 1);
const P = PERMISSIONS;

/** /users/{id} answers for the caller's own id with User.Read, as /me does. */
const selfOr = (ctx: Ctx) => identity(ctx, 1);

export const userRoutes: Route[] = [
  route('GET', '/users', P.usersRead, (ctx) => identity(ctx, 2), listUsers),
  route('POST', '/users', P.usersWrite, write, createUser),
  route('GET', '/users/{id}', { ...P.usersRead, delegated: [...P.usersRead.delegated, 'User.Read'] }, selfOr, (ctx) => {
    if (ctx.req.principal.kind === 'user' && !hasDirectoryRead(ctx) && userOr404(ctx.state, ctx.params.id).graph.id !== ctx.req.principal.userId) {
      throw new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    }
    return getUser(ctx);
  }),
  route('PATCH', '/users/{id}', P.usersWrite, write, updateUser),
  route('DELETE', '/users/{id}', P.usersWrite, write, deleteUser),
  route('POST', '/users/{id}/assignLicense', P.assignLicense, write, assignLicense),
  route('GET', '/users/{id}/licenseDetails', { ...P.usersRead, delegated: [...P.usersRead.delegated, 'User.Read'] }, (ctx) => identity(ctx, 2), licenseDetails),
  route('GET', '/users/{id}/memberOf', P.groupsRead, (ctx) => identity(ctx, 2), memberOf),
  route('GET', '/subscribedSkus', P.skusRead, (ctx) => identity(ctx, 3), subscribedSkus),
  route('GET', '/organization', P.organizationRead, read1, organization),
  route('GET', '/domains', { delegated: ['Domain.Read.All', 'Directory.Read.All'], application: ['Domain.Read.All', 'Directory.Read.All'] }, read1, domains),
];

function hasDirectoryRead(ctx: Ctx) {
  return P.usersRead.delegated.some((p) => ctx.req.principal.scopes.has(p));
}
