// The tenant's security record beyond the compliance settings: Entra sign-in logs, Identity Protection
// risk detections, Secure Score history and control profiles, and SharePoint sites with the
// permissions (sharing links, people) on each site's document library root. Risky users and alerts
// stay in the compliance state, where the scan reads them. Seeded relative to now so the last 7 days
// and the 90-day score trend always hold data; snapshots written before this existed get the seed on
// first read.
import crypto from 'node:crypto';
import { RESOURCES, SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID } from '../constants';
import type { Json, TenantSnapshot } from './records';

export interface SiteRecord {
  id: string;
  name: string;
  displayName: string;
  webUrl: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  description: string;
  /** Permissions on the site's default document library root (driveItem permissions). */
  permissions: Json[];
}

export interface SecurityState {
  /** auditLogs/signIns rows (signIn resource), any order; Graph answers newest first. */
  signIns: Json[];
  /** identityProtection/riskDetections rows (riskDetection resource). */
  riskDetections: Json[];
  /** Daily secureScore entries before today's (today's is compliance.secureScores). */
  secureScoreHistory: Json[];
  /** security/secureScoreControlProfiles rows. */
  controlProfiles: Json[];
  /** SharePoint sites beyond Microsoft 365 groups' team sites. */
  sites: SiteRecord[];
  /** Inbox rules (messageRule) by user id. */
  inboxRules?: Record<string, Json[]>;
  /** Authentication methods by user id, beyond the password every user has. */
  authenticationMethods?: Record<string, Json[]>;
  /** Delegated permission grants (oauth2PermissionGrant). */
  oauth2PermissionGrants?: Json[];
}

const SHAREPOINT_HOST = new URL(RESOURCES.sharepoint).host;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ago = (days: number, now = Date.now()) => iso(now - days * 86_400_000);

/** A GUID stable for its seed, so seeded rows keep their ids across reads and snapshots. */
export function securityGuid(seed: string): string {
  const h = crypto.createHash('sha256').update(`mm-sandbox:security:${seed}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export interface LocationInput {
  city: string;
  state?: string;
  countryOrRegion: string;
  latitude?: number;
  longitude?: number;
}

export const location = (l: LocationInput): Json => ({
  city: l.city,
  state: l.state ?? null,
  countryOrRegion: l.countryOrRegion,
  geoCoordinates: { altitude: null, latitude: l.latitude ?? null, longitude: l.longitude ?? null },
});

/** Entra's failure reasons for the error codes the sandbox uses. */
const SIGN_IN_ERRORS: Record<number, string> = {
  0: 'Other.',
  50053: 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.',
  50074: 'Strong Authentication is required.',
  50126: 'Error validating credentials due to invalid username or password.',
  53003: 'Access has been blocked by Conditional Access policies.',
};

export interface SignInInput {
  userId: string;
  userPrincipalName: string;
  userDisplayName: string;
  createdDateTime: string;
  ipAddress: string;
  location: LocationInput;
  appDisplayName?: string;
  appId?: string;
  clientAppUsed?: string;
  errorCode?: number;
  riskLevelDuringSignIn?: string;
  id?: string;
}

/** A signIn row as Graph v1.0 returns it (learn.microsoft.com/graph/api/resources/signin). */
export function signInRow(s: SignInInput): Json {
  const errorCode = s.errorCode ?? 0;
  const risk = s.riskLevelDuringSignIn ?? 'none';
  return {
    id: s.id ?? securityGuid(`signin:${s.userId}:${s.createdDateTime}:${s.ipAddress}`),
    createdDateTime: s.createdDateTime,
    userDisplayName: s.userDisplayName,
    userPrincipalName: s.userPrincipalName,
    userId: s.userId,
    appId: s.appId ?? '00000002-0000-0ff1-ce00-000000000000',
    appDisplayName: s.appDisplayName ?? 'Office 365 Exchange Online',
    ipAddress: s.ipAddress,
    clientAppUsed: s.clientAppUsed ?? 'Browser',
    correlationId: securityGuid(`signin-correlation:${s.userId}:${s.createdDateTime}`),
    conditionalAccessStatus: errorCode === 53003 ? 'failure' : 'notApplied',
    isInteractive: true,
    riskDetail: risk === 'none' ? 'none' : 'hidden',
    riskLevelAggregated: risk,
    riskLevelDuringSignIn: risk,
    riskState: risk === 'none' ? 'none' : 'atRisk',
    riskEventTypes_v2: risk === 'none' ? [] : ['unfamiliarFeatures'],
    resourceDisplayName: 'Office 365 Exchange Online',
    resourceId: '00000002-0000-0ff1-ce00-000000000000',
    status: { errorCode, failureReason: errorCode === 0 ? null : (SIGN_IN_ERRORS[errorCode] ?? 'Other.'), additionalDetails: null },
    deviceDetail: { deviceId: '', displayName: '', operatingSystem: 'Windows 10', browser: 'Edge 120.0.0', isCompliant: false, isManaged: false, trustType: '' },
    location: location(s.location),
    appliedConditionalAccessPolicies: [],
  };
}

export interface RiskDetectionInput {
  userId: string;
  userPrincipalName: string;
  userDisplayName: string;
  riskEventType: string;
  riskLevel: 'low' | 'medium' | 'high';
  detectedDateTime: string;
  ipAddress: string;
  location: LocationInput;
  riskState?: string;
  id?: string;
}

/** A riskDetection row as Graph v1.0 returns it (learn.microsoft.com/graph/api/resources/riskdetection). */
export function riskDetectionRow(d: RiskDetectionInput): Json {
  return {
    id: d.id ?? securityGuid(`detection:${d.userId}:${d.riskEventType}:${d.detectedDateTime}`),
    requestId: securityGuid(`detection-request:${d.userId}:${d.detectedDateTime}`),
    correlationId: securityGuid(`detection-correlation:${d.userId}:${d.detectedDateTime}`),
    riskEventType: d.riskEventType,
    riskState: d.riskState ?? 'atRisk',
    riskLevel: d.riskLevel,
    riskDetail: 'none',
    source: 'IdentityProtection',
    detectionTimingType: 'realtime',
    activity: 'signin',
    tokenIssuerType: 'AzureAD',
    ipAddress: d.ipAddress,
    location: location(d.location),
    activityDateTime: d.detectedDateTime,
    detectedDateTime: d.detectedDateTime,
    lastUpdatedDateTime: d.detectedDateTime,
    userId: d.userId,
    userDisplayName: d.userDisplayName,
    userPrincipalName: d.userPrincipalName,
    additionalInfo: '[]',
  };
}

/** A site id as Graph writes it: hostname, site collection id, web id. */
export function siteId(seed: string): string {
  return `${SHAREPOINT_HOST},${securityGuid(`site:${seed}:collection`)},${securityGuid(`site:${seed}:web`)}`;
}

export interface SiteInput {
  name: string;
  displayName?: string;
  anonymousLinks?: number;
  organizationLinks?: number;
  /** External people (guests) with access, by email. */
  externalUsers?: string[];
}

/** A sharing link on the library root (permission with link, learn.microsoft.com/graph/api/resources/permission). */
export function linkPermission(site: string, scope: 'anonymous' | 'organization', type: 'view' | 'edit', n: number): Json {
  const id = securityGuid(`link:${site}:${scope}:${type}:${n}`);
  return {
    id,
    roles: [type === 'edit' ? 'write' : 'read'],
    shareId: `u!${Buffer.from(`${site}/${id}`).toString('base64url')}`,
    hasPassword: false,
    expirationDateTime: null,
    grantedToIdentitiesV2: [],
    link: {
      scope,
      type,
      preventsDownload: false,
      webUrl: `${RESOURCES.sharepoint}/:f:/s/${site}/${Buffer.from(id).toString('base64url').slice(0, 22)}`,
    },
  };
}

/** A guest's direct access to the library root, as SharePoint lists an external user. */
export function externalUserPermission(site: string, email: string): Json {
  const login = `i:0#.f|membership|${email.replace('@', '_')}#ext#@${SANDBOX_INITIAL_DOMAIN}`;
  const displayName = email.split('@')[0];
  return {
    id: securityGuid(`guest:${site}:${email}`),
    roles: ['write'],
    grantedToV2: {
      user: { id: securityGuid(`guest-user:${email}`), displayName, email },
      siteUser: { id: String(10 + (email.length % 50)), displayName, email, loginName: login },
    },
    invitation: { email, signInRequired: true },
  };
}

/** The site's owners group, present on every library root. */
export function ownersPermission(displayName: string): Json {
  return { id: securityGuid(`owners:${displayName}`), roles: ['owner'], grantedToV2: { siteGroup: { id: '3', displayName: `${displayName} Owners`, loginName: `${displayName} Owners` } } };
}

export function siteRecord(s: SiteInput, now = Date.now()): SiteRecord {
  const displayName = s.displayName ?? s.name;
  const permissions = [ownersPermission(displayName)];
  for (let i = 0; i < (s.anonymousLinks ?? 0); i++) permissions.push(linkPermission(s.name, 'anonymous', i % 2 ? 'edit' : 'view', i));
  for (let i = 0; i < (s.organizationLinks ?? 0); i++) permissions.push(linkPermission(s.name, 'organization', i % 2 ? 'edit' : 'view', i));
  for (const email of s.externalUsers ?? []) permissions.push(externalUserPermission(s.name, email));
  return {
    id: siteId(s.name),
    name: s.name,
    displayName,
    webUrl: `${RESOURCES.sharepoint}/sites/${s.name}`,
    createdDateTime: ago(200, now),
    lastModifiedDateTime: ago(3, now),
    description: '',
    permissions,
  };
}

const CONTROL_PROFILES: Array<[string, string, string, number, string, string, string, number]> = [
  // controlName, title, category, maxScore, implementationCost, userImpact, service, rank
  ['AdminMFAV2', 'Ensure multifactor authentication is enabled for all users in administrative roles', 'Identity', 10, 'Low', 'Low', 'AzureAD', 1],
  ['MFARegistrationV2', 'Ensure all users can complete multifactor authentication', 'Identity', 9, 'Moderate', 'Moderate', 'AzureAD', 2],
  ['BlockLegacyAuthentication', 'Enable Conditional Access policies to block legacy authentication', 'Identity', 8, 'Moderate', 'Moderate', 'AzureAD', 3],
  ['mip_search_auditlog', 'Turn on audit log search', 'Data', 3, 'Low', 'Low', 'MIP', 4],
  ['SelfServicePasswordReset', 'Enable self-service password reset', 'Identity', 1, 'Low', 'Moderate', 'AzureAD', 5],
  ['IntegratedApps', 'Do not allow users to grant consent to unreliable applications', 'Apps', 4, 'Low', 'Moderate', 'AzureAD', 6],
  ['OneAdmin', 'Designate more than one global admin', 'Identity', 1, 'Low', 'Low', 'AzureAD', 7],
  ['exo_storageproviderrestricted', 'Ensure additional storage providers are restricted in Outlook on the web', 'Apps', 2, 'Low', 'Moderate', 'EXO', 8],
];

/** A secureScoreControlProfile row (learn.microsoft.com/graph/api/resources/securescorecontrolprofile). */
function controlProfile([controlName, title, controlCategory, maxScore, implementationCost, userImpact, service, rank]: (typeof CONTROL_PROFILES)[number]): Json {
  return {
    id: controlName,
    azureTenantId: SANDBOX_TENANT_ID,
    actionType: 'Config',
    actionUrl: `https://security.microsoft.com/securescore?viewid=actions&actionId=${controlName}`,
    controlCategory,
    title,
    deprecated: false,
    implementationCost,
    lastModifiedDateTime: '2024-01-15T09:00:00Z',
    maxScore,
    rank,
    remediation: `<p>${title}.</p>`,
    remediationImpact: `<p>Users may notice the change: ${title.toLowerCase()}.</p>`,
    service,
    threats: ['accountBreach'],
    tier: rank <= 3 ? 'Core' : 'Defense in Depth',
    userImpact,
    complianceInformation: null,
    controlStateUpdates: [],
    vendorInformation: { provider: 'SecureScore', providerVersion: null, subProvider: null, vendor: 'Microsoft' },
  };
}

/** A daily secureScore entry `daysAgo` days back, its score climbing towards today's. */
function historicScore(today: Json, daysAgo: number, now: number): Json {
  const current = Number(today.currentScore);
  const score = Math.round(Math.max(0, current - daysAgo * 0.12 - (daysAgo % 7 === 3 ? 1.5 : 0)) * 100) / 100;
  const date = new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10);
  const controls = (today.controlScores as Json[]).map((c) => ({ ...c, score: daysAgo > 30 ? 0 : c.score }));
  return { ...today, id: `${String(today.id).replace(/_\d{4}-\d{2}-\d{2}$/, '')}_${date}`, createdDateTime: `${date}T00:00:00Z`, currentScore: score, controlScores: controls };
}

export function seedSecurity(data: TenantSnapshot, now = Date.now()): SecurityState {
  const byAlias = (alias: string) => Object.values(data.users).find((u) => u.graph.userPrincipalName.toLowerCase() === `${alias}@${SANDBOX_DOMAIN}`);
  const signIns: Json[] = [];
  const seattle: LocationInput = { city: 'Seattle', state: 'Washington', countryOrRegion: 'US', latitude: 47.6, longitude: -122.3 };
  const london: LocationInput = { city: 'London', state: 'London', countryOrRegion: 'GB', latitude: 51.5, longitude: -0.1 };
  const people: Array<[string, LocationInput, string]> = [
    ['admin', seattle, '131.107.1.10'],
    ['adele.vance', seattle, '131.107.1.22'],
    ['alex.wilber', london, '81.2.69.142'],
    ['megan.bowen', seattle, '131.107.1.31'],
  ];
  for (const [alias, loc, ip] of people) {
    const u = byAlias(alias);
    if (!u) continue;
    for (let day = 0; day < 7; day++) {
      signIns.push(
        signInRow({
          userId: u.graph.id,
          userPrincipalName: u.graph.userPrincipalName,
          userDisplayName: u.graph.displayName,
          createdDateTime: ago(day + 0.3 + people.findIndex((p) => p[0] === alias) * 0.05, now),
          ipAddress: ip,
          location: loc,
          appDisplayName: day % 2 ? 'Microsoft Teams' : 'Office 365 Exchange Online',
          errorCode: alias === 'adele.vance' && day === 2 ? 50126 : 0,
        }),
      );
    }
  }
  const riskDetections: Json[] = [];
  const alex = byAlias('alex.wilber');
  if (alex) {
    const amsterdam: LocationInput = { city: 'Amsterdam', state: 'Noord-Holland', countryOrRegion: 'NL', latitude: 52.4, longitude: 4.9 };
    const when = ago(2, now);
    signIns.push(
      signInRow({ userId: alex.graph.id, userPrincipalName: alex.graph.userPrincipalName, userDisplayName: alex.graph.displayName, createdDateTime: when, ipAddress: '185.220.101.34', location: amsterdam, riskLevelDuringSignIn: 'medium' }),
    );
    riskDetections.push(
      riskDetectionRow({ userId: alex.graph.id, userPrincipalName: alex.graph.userPrincipalName, userDisplayName: alex.graph.displayName, riskEventType: 'unfamiliarFeatures', riskLevel: 'medium', detectedDateTime: when, ipAddress: '185.220.101.34', location: amsterdam }),
      riskDetectionRow({ userId: alex.graph.id, userPrincipalName: alex.graph.userPrincipalName, userDisplayName: alex.graph.displayName, riskEventType: 'anonymizedIPAddress', riskLevel: 'low', detectedDateTime: when, ipAddress: '185.220.101.34', location: amsterdam }),
    );
  }
  const today = data.compliance.secureScores[0];
  return {
    signIns,
    riskDetections,
    secureScoreHistory: today ? Array.from({ length: 89 }, (_, i) => historicScore(today, i + 1, now)) : [],
    controlProfiles: CONTROL_PROFILES.map((c) => controlProfile(c)),
    sites: [
      siteRecord({ name: 'marketing', displayName: 'Marketing', anonymousLinks: 2, organizationLinks: 1, externalUsers: ['pat@fabrikam.example'] }, now),
      siteRecord({ name: 'finance', displayName: 'Finance', organizationLinks: 2 }, now),
      siteRecord({ name: 'projects', displayName: 'Projects' }, now),
    ],
  };
}

/** The tenant's security record, seeded on first use (snapshots from before it lack one). */
export function securityOf(data: TenantSnapshot): SecurityState {
  data.security ??= seedSecurity(data);
  const sec = data.security;
  sec.inboxRules ??= {};
  sec.oauth2PermissionGrants ??= [];
  sec.authenticationMethods ??= seedAuthenticationMethods(data);
  return sec;
}

const METHOD_TYPES: Record<string, (createdDateTime: string, displayName?: string) => Json> = {
  microsoftAuthenticator: (createdDateTime, displayName = 'iPhone 15') => ({
    '@odata.type': '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod',
    displayName,
    deviceTag: 'SoftwareTokenActivated',
    phoneAppVersion: '6.8.7',
    createdDateTime,
  }),
  phone: (createdDateTime, displayName = '+1 4255550100') => ({ '@odata.type': '#microsoft.graph.phoneAuthenticationMethod', phoneNumber: displayName, phoneType: 'mobile', smsSignInState: 'notSupported', createdDateTime }),
  softwareOath: (createdDateTime) => ({ '@odata.type': '#microsoft.graph.softwareOathAuthenticationMethod', secretKey: null, createdDateTime }),
  fido2: (createdDateTime, displayName = 'Security key') => ({ '@odata.type': '#microsoft.graph.fido2AuthenticationMethod', displayName, model: 'YubiKey 5 NFC', attestationLevel: 'attested', createdDateTime }),
  email: (createdDateTime, displayName = 'backup@outlook.example') => ({ '@odata.type': '#microsoft.graph.emailAuthenticationMethod', emailAddress: displayName, createdDateTime }),
};

/** An authentication method row (learn.microsoft.com/graph/api/resources/authenticationmethod) of a known kind. */
export function authenticationMethodRow(userId: string, type: string, createdDateTime: string, displayName?: string): Json | undefined {
  const make = METHOD_TYPES[type];
  return make ? { id: securityGuid(`method:${userId}:${type}:${createdDateTime}`), ...make(createdDateTime, displayName) } : undefined;
}

/** Methods matching the seeded MFA registration (userRegistrationDetails), registered when the tenant was set up. */
function seedAuthenticationMethods(data: TenantSnapshot): Record<string, Json[]> {
  const kinds: Record<string, string> = { microsoftAuthenticatorPush: 'microsoftAuthenticator', softwareOneTimePasscode: 'softwareOath', mobilePhone: 'phone' };
  return Object.fromEntries(
    Object.entries(data.compliance.registration).map(([userId, reg]) => [
      userId,
      reg.methodsRegistered.map((m) => authenticationMethodRow(userId, kinds[m] ?? 'email', '2024-01-15T09:00:00Z')).filter((m): m is Json => Boolean(m)),
    ]),
  );
}

/** A messageRule (learn.microsoft.com/graph/api/resources/messagerule). */
export function inboxRuleRow(userId: string, r: { displayName: string; forwardTo?: string[]; redirectTo?: string[]; moveToFolder?: string; delete?: boolean; markAsRead?: boolean; subjectContains?: string[]; sequence?: number }): Json {
  const recipients = (list: string[] | undefined) => (list?.length ? list.map((address) => ({ emailAddress: { name: address, address } })) : undefined);
  const actions: Json = { stopProcessingRules: true };
  if (r.forwardTo?.length) actions.forwardTo = recipients(r.forwardTo);
  if (r.redirectTo?.length) actions.redirectTo = recipients(r.redirectTo);
  if (r.moveToFolder) actions.moveToFolder = r.moveToFolder;
  if (r.delete) actions.delete = true;
  if (r.markAsRead) actions.markAsRead = true;
  return {
    id: `AQAAA${Buffer.from(securityGuid(`rule:${userId}:${r.displayName}`)).toString('base64url').slice(0, 24)}=`,
    displayName: r.displayName,
    sequence: r.sequence ?? 1,
    isEnabled: true,
    hasError: false,
    isReadOnly: false,
    conditions: r.subjectContains?.length ? { subjectContains: r.subjectContains } : {},
    actions,
    exceptions: {},
  };
}

type Row = Record<string, unknown>;

/** What POST /_sandbox/security plants: rows of each kind, people named by userPrincipalName. */
export interface SecurityPlant {
  signIns?: Row[];
  riskyUsers?: Row[];
  riskDetections?: Row[];
  alerts?: Row[];
  sites?: Row[];
  inboxRules?: Row[];
  authenticationMethods?: Row[];
  oauth2PermissionGrants?: Row[];
}

const LEVELS = ['low', 'medium', 'high'];
const SEVERITIES = ['informational', 'low', 'medium', 'high'];
const ALERT_STATUSES = ['new', 'inProgress', 'resolved'];

/**
 * Adds the planted rows (tests and the demo: a compromise to find, a large tenant to page through),
 * or returns the problem naming the row and field. Nothing is added when any row is wrong.
 */
export function plantSecurity(data: TenantSnapshot, plant: SecurityPlant, now = Date.now()): { added: Record<string, string[]> } | { problem: string } {
  const sec = securityOf(data);
  const added: Record<string, string[]> = {};
  const todo: Array<() => void> = [];
  const userOf = (kind: string, i: number, r: Row) => {
    const upn = String(r.userPrincipalName ?? '').toLowerCase();
    const u = Object.values(data.users).find((x) => x.graph.userPrincipalName.toLowerCase() === upn);
    if (!u) throw new Error(`${kind}[${i}].userPrincipalName: '${String(r.userPrincipalName)}' is not a user of the tenant.`);
    return u;
  };
  const when = (kind: string, i: number, v: unknown) => {
    if (v === undefined) return iso(now);
    const ms = Date.parse(String(v));
    if (Number.isNaN(ms)) throw new Error(`${kind}[${i}]: '${String(v)}' is not an ISO 8601 date-time.`);
    return iso(ms);
  };
  const loc = (kind: string, i: number, v: unknown): LocationInput => {
    const l = v as Partial<LocationInput> | undefined;
    if (!l || typeof l.city !== 'string' || typeof l.countryOrRegion !== 'string') throw new Error(`${kind}[${i}].location: give {city, countryOrRegion} (e.g. {"city":"Lagos","countryOrRegion":"NG"}).`);
    return l as LocationInput;
  };
  const oneOf = (kind: string, i: number, field: string, v: unknown, options: string[], fallback?: string) => {
    const value = v === undefined ? fallback : String(v);
    if (value === undefined || !options.includes(value)) throw new Error(`${kind}[${i}].${field}: one of ${options.join(', ')}.`);
    return value;
  };
  try {
    (plant.signIns ?? []).forEach((r, i) => {
      const u = userOf('signIns', i, r);
      if (typeof r.ipAddress !== 'string') throw new Error(`signIns[${i}].ipAddress: give the IP address the sign-in came from.`);
      const row = signInRow({
        userId: u.graph.id,
        userPrincipalName: u.graph.userPrincipalName,
        userDisplayName: u.graph.displayName,
        createdDateTime: when('signIns', i, r.createdDateTime),
        ipAddress: r.ipAddress,
        location: loc('signIns', i, r.location),
        appDisplayName: r.appDisplayName === undefined ? undefined : String(r.appDisplayName),
        clientAppUsed: r.clientAppUsed === undefined ? undefined : String(r.clientAppUsed),
        errorCode: r.errorCode === undefined ? undefined : Number(r.errorCode),
        riskLevelDuringSignIn: r.riskLevelDuringSignIn === undefined ? undefined : String(r.riskLevelDuringSignIn),
      });
      todo.push(() => sec.signIns.push(row));
      (added.signIns ??= []).push(String(row.id));
    });
    (plant.riskDetections ?? []).forEach((r, i) => {
      const u = userOf('riskDetections', i, r);
      const row = riskDetectionRow({
        userId: u.graph.id,
        userPrincipalName: u.graph.userPrincipalName,
        userDisplayName: u.graph.displayName,
        riskEventType: String(r.riskEventType ?? 'unfamiliarFeatures'),
        riskLevel: oneOf('riskDetections', i, 'riskLevel', r.riskLevel, LEVELS) as RiskDetectionInput['riskLevel'],
        detectedDateTime: when('riskDetections', i, r.detectedDateTime),
        ipAddress: String(r.ipAddress ?? ''),
        location: loc('riskDetections', i, r.location),
      });
      todo.push(() => sec.riskDetections.push(row));
      (added.riskDetections ??= []).push(String(row.id));
    });
    (plant.riskyUsers ?? []).forEach((r, i) => {
      const u = userOf('riskyUsers', i, r);
      const row = {
        id: u.graph.id,
        isDeleted: false,
        isProcessing: false,
        riskLastUpdatedDateTime: when('riskyUsers', i, r.riskLastUpdatedDateTime),
        riskLevel: oneOf('riskyUsers', i, 'riskLevel', r.riskLevel, [...LEVELS, 'none']),
        riskState: oneOf('riskyUsers', i, 'riskState', r.riskState, ['none', 'confirmedSafe', 'remediated', 'dismissed', 'atRisk', 'confirmedCompromised'], 'atRisk'),
        riskDetail: String(r.riskDetail ?? 'none'),
        userDisplayName: u.graph.displayName,
        userPrincipalName: u.graph.userPrincipalName,
      };
      todo.push(() => {
        const list = data.compliance.riskyUsers;
        const at = list.findIndex((x) => x.id === row.id);
        if (at === -1) list.push(row);
        else list[at] = row;
      });
      (added.riskyUsers ??= []).push(row.id);
    });
    (plant.alerts ?? []).forEach((r, i) => {
      if (typeof r.title !== 'string') throw new Error(`alerts[${i}].title: give the alert's title.`);
      const created = when('alerts', i, r.createdDateTime);
      const id = String(r.id ?? `da${securityGuid(`alert:${r.title}:${created}:${i}`).replace(/-/g, '').slice(0, 18)}`);
      const row = {
        id,
        providerAlertId: id,
        incidentId: String(100 + data.compliance.alerts.length + i),
        title: r.title,
        category: String(r.category ?? 'InitialAccess'),
        severity: oneOf('alerts', i, 'severity', r.severity, SEVERITIES),
        status: oneOf('alerts', i, 'status', r.status, ALERT_STATUSES, 'new'),
        classification: null,
        determination: null,
        serviceSource: String(r.serviceSource ?? 'microsoftDefenderForIdentity'),
        detectionSource: String(r.detectionSource ?? r.serviceSource ?? 'microsoftDefenderForIdentity'),
        createdDateTime: created,
        lastUpdateDateTime: created,
        description: String(r.description ?? ''),
        evidence: [],
      };
      todo.push(() => data.compliance.alerts.push(row));
      (added.alerts ??= []).push(id);
    });
    (plant.sites ?? []).forEach((r, i) => {
      if (typeof r.name !== 'string' || !/^[A-Za-z0-9-]+$/.test(r.name)) throw new Error(`sites[${i}].name: give the site's URL name (letters, digits, hyphens).`);
      const site = siteRecord(
        {
          name: r.name,
          displayName: r.displayName === undefined ? undefined : String(r.displayName),
          anonymousLinks: Number(r.anonymousLinks ?? 0),
          organizationLinks: Number(r.organizationLinks ?? 0),
          externalUsers: Array.isArray(r.externalUsers) ? r.externalUsers.map(String) : [],
        },
        now,
      );
      todo.push(() => {
        sec.sites = sec.sites.filter((s) => s.id !== site.id);
        sec.sites.push(site);
      });
      (added.sites ??= []).push(site.id);
    });
    (plant.inboxRules ?? []).forEach((r, i) => {
      const u = userOf('inboxRules', i, r);
      if (typeof r.displayName !== 'string') throw new Error(`inboxRules[${i}].displayName: give the rule's name.`);
      const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
      const row = inboxRuleRow(u.graph.id, {
        displayName: r.displayName,
        forwardTo: list(r.forwardTo),
        redirectTo: list(r.redirectTo),
        moveToFolder: r.moveToFolder === undefined ? undefined : String(r.moveToFolder),
        delete: r.delete === true,
        markAsRead: r.markAsRead === true,
        subjectContains: list(r.subjectContains),
        sequence: (sec.inboxRules![u.graph.id]?.length ?? 0) + 1,
      });
      todo.push(() => (sec.inboxRules![u.graph.id] ??= []).push(row));
      (added.inboxRules ??= []).push(String(row.id));
    });
    (plant.authenticationMethods ?? []).forEach((r, i) => {
      const u = userOf('authenticationMethods', i, r);
      const type = String(r.type ?? '');
      const row = authenticationMethodRow(u.graph.id, type, when('authenticationMethods', i, r.createdDateTime), r.displayName === undefined ? undefined : String(r.displayName));
      if (!row) throw new Error(`authenticationMethods[${i}].type: one of ${Object.keys(METHOD_TYPES).join(', ')}.`);
      todo.push(() => (sec.authenticationMethods![u.graph.id] ??= []).push(row));
      (added.authenticationMethods ??= []).push(String(row.id));
    });
    (plant.oauth2PermissionGrants ?? []).forEach((r, i) => {
      const u = userOf('oauth2PermissionGrants', i, r);
      if (typeof r.clientId !== 'string' || typeof r.scope !== 'string') throw new Error(`oauth2PermissionGrants[${i}]: give clientId (the client app's service principal id) and scope (e.g. "Mail.Read offline_access").`);
      const row = {
        id: Buffer.from(securityGuid(`grant:${u.graph.id}:${r.clientId}`)).toString('base64url').slice(0, 43),
        clientId: r.clientId,
        consentType: 'Principal',
        principalId: u.graph.id,
        resourceId: securityGuid('graph-service-principal'),
        scope: r.scope,
      };
      todo.push(() => sec.oauth2PermissionGrants!.push(row));
      (added.oauth2PermissionGrants ??= []).push(row.id);
    });
  } catch (e) {
    return { problem: (e as Error).message };
  }
  for (const step of todo) step();
  return { added };
}
