// Compliance reads (and the few writes a remediation needs): security defaults, conditional access,
// directory roles, MFA registration details, risky users, alerts, secure scores, app registrations
// with credential expiry, the authorization policy and SharePoint tenant settings.
import crypto from 'node:crypto';
import { ROLE_TEMPLATE_IDS } from '../apps';
import { FIRST_PARTY_CLIENT_IDS } from '../constants';
import { badRequest, notFound } from '../errors';
import { newId, type Json } from '../state';
import { certificateThumbprint } from '../tokens';
import type { ThrottleClass } from '../throttle';
import { GRAPH_SP_ID } from '../compliance-seed';
import { GRAPH_BASE, listResponse, type EntityInfo } from './odata';
import { securityRoutes } from './security';
import { identity, noContent, ok, requireBody, route, type Ctx, type Permission, type Route } from './router';

const p = (delegated: string[], application = delegated): Permission => ({ delegated, application });
const POLICY_READ = p(['Policy.Read.All', 'Policy.ReadWrite.ConditionalAccess', 'Directory.Read.All']);
const APPS_READ = p(['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All']);
const AUTH_METHODS_READ = p(['Policy.ReadWrite.AuthenticationMethod']);
const AUTH_METHODS_WRITE = p(['Policy.ReadWrite.AuthenticationMethod']);
const ROLES_READ = p(['RoleManagement.Read.Directory', 'Directory.Read.All', 'RoleManagement.ReadWrite.Directory', 'Directory.ReadWrite.All']);

/** Identity protection and conditional access: 1 request per second per tenant for all apps. */
const protection = (): ThrottleClass => ({ family: 'protection' });

const open = (type: string, rows: Json[]): EntityInfo => {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { type, defaults: keys, all: keys };
};

function list(ctx: Ctx, rows: Json[], path: string, type: string) {
  return ok(listResponse(rows, { query: ctx.req.query, headers: { consistencylevel: 'eventual', ...ctx.req.headers }, path, contextPath: path.slice(1) }, open(type, rows)));
}

function single(context: string, body: Json) {
  return ok({ '@odata.context': `${GRAPH_BASE}/$metadata#${context}`, ...body });
}

function patchInto(target: Json, body: Json, writable: string[]) {
  for (const [k, v] of Object.entries(body)) {
    if (!writable.includes(k)) throw badRequest(`Property '${k}' is read-only or unknown and cannot be updated.`, 'BadRequest');
    target[k] = v && typeof v === 'object' && !Array.isArray(v) ? { ...(target[k] as Json), ...(v as Json) } : v;
  }
}

function directoryRoles(ctx: Ctx): Json[] {
  const held = new Set(Object.values(ctx.state.data.users).flatMap((u) => u.roles));
  return Object.entries(ROLE_TEMPLATE_IDS)
    .filter(([name]) => held.has(name))
    .map(([displayName, roleTemplateId]) => ({ id: roleObjectId(roleTemplateId), deletedDateTime: null, description: `${displayName} role`, displayName, roleTemplateId }));
}

const roleObjectId = (templateId: string) => {
  const h = crypto.createHash('sha256').update(`role:${templateId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

function roleMembers(ctx: Ctx) {
  const role = directoryRoles(ctx).find((r) => r.id === ctx.params.id || r.roleTemplateId === ctx.params.id);
  if (!role) throw notFound(ctx.params.id);
  const rows = Object.values(ctx.state.data.users)
    .filter((u) => u.roles.includes(String(role.displayName)))
    .map((u) => ({ '@odata.type': '#microsoft.graph.user', id: u.graph.id, displayName: u.graph.displayName, userPrincipalName: u.graph.userPrincipalName, accountEnabled: u.graph.accountEnabled }));
  return list(ctx, rows, `/directoryRoles/${role.id}/members`, 'directoryObject');
}

function registrationDetails(ctx: Ctx) {
  const c = ctx.state.data.compliance;
  const rows = Object.values(ctx.state.data.users).map((u) => {
    const reg = c.registration[u.graph.id] ?? { methodsRegistered: [], isSsprRegistered: false };
    const mfa = reg.methodsRegistered.some((m) => m !== 'email');
    return {
      id: u.graph.id,
      userPrincipalName: u.graph.userPrincipalName,
      userDisplayName: u.graph.displayName,
      userType: 'member',
      isAdmin: u.roles.length > 0,
      isSsprRegistered: reg.isSsprRegistered,
      isSsprEnabled: true,
      isSsprCapable: reg.isSsprRegistered,
      isMfaRegistered: mfa,
      isMfaCapable: mfa,
      isPasswordlessCapable: reg.methodsRegistered.includes('microsoftAuthenticatorPasswordless'),
      methodsRegistered: reg.methodsRegistered,
      isSystemPreferredAuthenticationMethodEnabled: true,
      systemPreferredAuthenticationMethods: mfa ? [reg.methodsRegistered[0]] : [],
      userPreferredMethodForSecondaryAuthentication: mfa ? reg.methodsRegistered[0] : 'none',
      lastUpdatedDateTime: '2024-01-15T09:00:00Z',
    };
  });
  return list(ctx, rows, '/reports/authenticationMethods/userRegistrationDetails', 'userRegistrationDetails');
}

function applications(ctx: Ctx) {
  const firstParty = new Set<string>(Object.values(FIRST_PARTY_CLIENT_IDS));
  const rows = Object.values(ctx.state.data.apps)
    .filter((a) => !firstParty.has(a.appId))
    .map((a) => ({
      id: crypto.createHash('sha256').update(`app:${a.appId}`).digest('hex').replace(/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/, '$1-$2-4$3-a$4-$5'),
      appId: a.appId,
      displayName: a.displayName,
      signInAudience: 'AzureADMyOrg',
      isFallbackPublicClient: a.publicClient,
      publisherDomain: 'contoso.example',
      createdDateTime: '2024-01-15T09:00:00Z',
      passwordCredentials: ctx.state.data.compliance.appCredentials[a.appId] ?? [],
      keyCredentials: (a.certificates ?? []).map((pem, i) => {
        const cert = new crypto.X509Certificate(pem);
        return {
          keyId: newIdFor(a.appId, i),
          type: 'AsymmetricX509Cert',
          usage: 'Verify',
          displayName: cert.subject.replace(/\n/g, ', '),
          customKeyIdentifier: Buffer.from(certificateThumbprint(pem).x5t, 'base64url').toString('hex').toUpperCase(),
          startDateTime: new Date(cert.validFrom).toISOString(),
          endDateTime: new Date(cert.validTo).toISOString(),
        };
      }),
      requiredResourceAccess: [],
    }));
  return list(ctx, rows, '/applications', 'application');
}

/** Active directory role assignments (unifiedRoleAssignment), one per role a user holds; roleDefinitionId is the template id. */
function roleAssignments(ctx: Ctx) {
  const rows = Object.values(ctx.state.data.users).flatMap((u) =>
    u.roles
      .filter((name) => ROLE_TEMPLATE_IDS[name as keyof typeof ROLE_TEMPLATE_IDS])
      .map((name) => {
        const roleDefinitionId = ROLE_TEMPLATE_IDS[name as keyof typeof ROLE_TEMPLATE_IDS];
        return { id: `${roleDefinitionId.slice(0, 8)}_${u.graph.id}`, principalId: u.graph.id, roleDefinitionId, directoryScopeId: '/', appScopeId: null, principalOrganizationId: null };
      }),
  );
  return list(ctx, rows, '/roleManagement/directory/roleAssignments', 'unifiedRoleAssignment');
}

/** The tenant's service principals the compliance reads need: Microsoft Graph's, whose app role assignments are listed. */
function servicePrincipals(ctx: Ctx) {
  const rows = [{ id: GRAPH_SP_ID, appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', servicePrincipalType: 'Application', accountEnabled: true, appOwnerOrganizationId: 'f8cdef31-a31e-4b4a-93e4-5f571e91255a' }];
  return list(ctx, rows, '/servicePrincipals', 'servicePrincipal');
}

function authConfiguration(ctx: Ctx): Json {
  const found = ctx.state.data.compliance.authenticationMethodsPolicy.authenticationMethodConfigurations.find((c) => String(c.id).toLowerCase() === ctx.params.id.toLowerCase());
  if (!found) throw notFound(ctx.params.id);
  return found;
}

/** Graph refuses a PATCH of an authentication method configuration without the matching @odata.type. */
function patchConfiguration(ctx: Ctx) {
  const target = authConfiguration(ctx);
  const body = requireBody(ctx);
  if (body['@odata.type'] !== undefined && body['@odata.type'] !== target['@odata.type']) {
    throw badRequest(`The @odata.type '${String(body['@odata.type'])}' does not match '${String(target['@odata.type'])}'.`, 'BadRequest');
  }
  const { '@odata.type': _type, ...rest } = body;
  patchInto(target, rest, Object.keys(target).filter((k) => k !== 'id' && k !== '@odata.type'));
  ctx.state.changed();
  return noContent();
}

const CA_STATES = ['enabled', 'disabled', 'enabledForReportingButNotEnforced'];
/** Writing a conditional access policy: Policy.ReadWrite.ConditionalAccess (Microsoft lists Policy.Read.All beside it, for reading it back). */
const CA_WRITE = p(['Policy.ReadWrite.ConditionalAccess']);

function caPolicy(ctx: Ctx): Json {
  const found = ctx.state.data.compliance.conditionalAccessPolicies.find((c) => c.id === ctx.params.id);
  if (!found) throw notFound(ctx.params.id);
  return found;
}

/** PATCH of a conditional access policy: the writable properties, a valid state; 204 like Microsoft. */
function patchCaPolicy(ctx: Ctx) {
  const target = caPolicy(ctx);
  const body = requireBody(ctx);
  if (body.state !== undefined && !CA_STATES.includes(String(body.state))) throw badRequest(`Invalid state '${String(body.state)}'.`, 'BadRequest');
  patchInto(target, body, ['displayName', 'state', 'conditions', 'grantControls', 'sessionControls']);
  target.modifiedDateTime = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  ctx.state.changed();
  return noContent();
}

const newIdFor = (appId: string, i: number) => `${appId.slice(0, 24)}${String(i).padStart(12, '0')}`;

export const complianceRoutes: Route[] = [
  route('GET', '/policies/identitySecurityDefaultsEnforcementPolicy', POLICY_READ, (ctx) => identity(ctx), (ctx) => single('policies/identitySecurityDefaultsEnforcementPolicy/$entity', ctx.state.data.compliance.securityDefaults)),
  route('PATCH', '/policies/identitySecurityDefaultsEnforcementPolicy', p(['Policy.ReadWrite.SecurityDefaults']), (ctx) => identity(ctx), (ctx) => {
    patchInto(ctx.state.data.compliance.securityDefaults, requireBody(ctx), ['isEnabled']);
    ctx.state.changed();
    return noContent();
  }),
  route('GET', '/identity/conditionalAccess/policies', POLICY_READ, protection, (ctx) => list(ctx, ctx.state.data.compliance.conditionalAccessPolicies, '/identity/conditionalAccess/policies', 'conditionalAccessPolicy')),
  route('POST', '/identity/conditionalAccess/policies', CA_WRITE, protection, (ctx) => {
    const b = requireBody(ctx);
    if (typeof b.displayName !== 'string' || !b.conditions) throw badRequest('displayName and conditions are required.', 'BadRequest');
    if (!CA_STATES.includes(String(b.state))) throw badRequest(`Invalid state '${String(b.state)}'.`, 'BadRequest');
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const policy = { id: newId(), createdDateTime: now, modifiedDateTime: now, sessionControls: null, grantControls: null, ...b };
    ctx.state.data.compliance.conditionalAccessPolicies.push(policy);
    ctx.state.changed();
    return single('identity/conditionalAccess/policies/$entity', policy);
  }),
  route('GET', '/identity/conditionalAccess/policies/{id}', POLICY_READ, protection, (ctx) => single('identity/conditionalAccess/policies/$entity', caPolicy(ctx))),
  route('PATCH', '/identity/conditionalAccess/policies/{id}', CA_WRITE, protection, patchCaPolicy),
  route('DELETE', '/identity/conditionalAccess/policies/{id}', CA_WRITE, protection, (ctx) => {
    const policies = ctx.state.data.compliance.conditionalAccessPolicies;
    policies.splice(policies.indexOf(caPolicy(ctx)), 1);
    ctx.state.changed();
    return noContent();
  }),
  route('GET', '/directoryRoles', ROLES_READ, (ctx) => identity(ctx), (ctx) => list(ctx, directoryRoles(ctx), '/directoryRoles', 'directoryRole')),
  route('GET', '/directoryRoles/{id}/members', ROLES_READ, (ctx) => identity(ctx, 3), roleMembers),
  route('GET', '/reports/authenticationMethods/userRegistrationDetails', p(['AuditLog.Read.All', 'UserAuthenticationMethod.Read.All']), (ctx) => identity(ctx), registrationDetails),
  // Risky users, alerts and secure scores: security.ts, with the other posture reads.
  ...securityRoutes,
  route('GET', '/applications', p(['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All']), (ctx) => identity(ctx, 2), applications),
  route('GET', '/policies/authorizationPolicy', POLICY_READ, (ctx) => identity(ctx), (ctx) => single('policies/authorizationPolicy/$entity', ctx.state.data.compliance.authorizationPolicy)),
  route('PATCH', '/policies/authorizationPolicy', p(['Policy.ReadWrite.Authorization']), (ctx) => identity(ctx), (ctx) => {
    patchInto(ctx.state.data.compliance.authorizationPolicy, requireBody(ctx), ['allowInvitesFrom', 'allowedToUseSSPR', 'blockMsolPowerShell', 'defaultUserRolePermissions', 'allowEmailVerifiedUsersToJoinOrganization', 'allowedToSignUpEmailBasedSubscriptions', 'guestUserRoleId']);
    ctx.state.changed();
    return noContent();
  }),
  route('GET', '/roleManagement/directory/roleAssignments', ROLES_READ, (ctx) => identity(ctx), roleAssignments),
  route('GET', '/roleManagement/directory/roleEligibilitySchedules', p(['RoleEligibilitySchedule.Read.Directory', 'RoleManagement.Read.Directory', 'RoleEligibilitySchedule.ReadWrite.Directory', 'RoleManagement.ReadWrite.Directory']), (ctx) => identity(ctx), (ctx) =>
    list(ctx, ctx.state.data.compliance.roleEligibilitySchedules, '/roleManagement/directory/roleEligibilitySchedules', 'unifiedRoleEligibilitySchedule'),
  ),
  route('GET', '/identityGovernance/accessReviews/definitions', p(['AccessReview.Read.All', 'AccessReview.ReadWrite.All']), (ctx) => identity(ctx), (ctx) =>
    list(ctx, ctx.state.data.compliance.accessReviews, '/identityGovernance/accessReviews/definitions', 'accessReviewScheduleDefinition'),
  ),
  route('GET', '/servicePrincipals', APPS_READ, (ctx) => identity(ctx, 2), servicePrincipals),
  route('GET', '/servicePrincipals/{id}/appRoleAssignedTo', APPS_READ, (ctx) => identity(ctx, 2), (ctx) => {
    if (ctx.params.id !== GRAPH_SP_ID) throw notFound(ctx.params.id);
    return list(ctx, ctx.state.data.compliance.graphAppRoleAssignments, `/servicePrincipals/${GRAPH_SP_ID}/appRoleAssignedTo`, 'appRoleAssignment');
  }),
  route('GET', '/policies/defaultAppManagementPolicy', p(['Policy.Read.All', 'Policy.Read.ApplicationConfiguration', 'Policy.ReadWrite.ApplicationConfiguration']), (ctx) => identity(ctx), (ctx) =>
    single('policies/defaultAppManagementPolicy/$entity', ctx.state.data.compliance.appManagementPolicy),
  ),
  route('PATCH', '/policies/defaultAppManagementPolicy', p(['Policy.ReadWrite.ApplicationConfiguration']), (ctx) => identity(ctx), (ctx) => {
    patchInto(ctx.state.data.compliance.appManagementPolicy, requireBody(ctx), ['isEnabled', 'displayName', 'description', 'applicationRestrictions', 'servicePrincipalRestrictions']);
    ctx.state.changed();
    return noContent();
  }),
  route('GET', '/policies/adminConsentRequestPolicy', p(['Policy.Read.All', 'Policy.ReadWrite.ConsentRequest']), (ctx) => identity(ctx), (ctx) =>
    single('policies/adminConsentRequestPolicy/$entity', ctx.state.data.compliance.adminConsentRequestPolicy),
  ),
  route('GET', '/groupSettings', p(['Directory.Read.All', 'Directory.ReadWrite.All']), (ctx) => identity(ctx), (ctx) => list(ctx, ctx.state.data.compliance.groupSettings, '/groupSettings', 'groupSetting')),
  route('GET', '/policies/authenticationMethodsPolicy', AUTH_METHODS_READ, (ctx) => identity(ctx), (ctx) =>
    single('policies/authenticationMethodsPolicy/$entity', ctx.state.data.compliance.authenticationMethodsPolicy),
  ),
  route('PATCH', '/policies/authenticationMethodsPolicy', AUTH_METHODS_WRITE, (ctx) => identity(ctx), (ctx) => {
    patchInto(ctx.state.data.compliance.authenticationMethodsPolicy, requireBody(ctx), ['registrationEnforcement', 'reportSuspiciousActivitySettings', 'systemCredentialPreferences', 'policyMigrationState']);
    ctx.state.changed();
    return noContent();
  }),
  route('GET', '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}', AUTH_METHODS_READ, (ctx) => identity(ctx), (ctx) =>
    single('policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity', authConfiguration(ctx)),
  ),
  route('PATCH', '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}', AUTH_METHODS_WRITE, (ctx) => identity(ctx), patchConfiguration),
  route('GET', '/admin/sharepoint/settings', p(['SharePointTenantSettings.Read.All', 'SharePointTenantSettings.ReadWrite.All']), () => ({ family: 'none' }), (ctx) => single('admin/sharepoint/settings/$entity', ctx.state.data.compliance.sharepointSettings)),
  route('PATCH', '/admin/sharepoint/settings', p(['SharePointTenantSettings.ReadWrite.All']), () => ({ family: 'none' }), (ctx) => {
    const b = requireBody(ctx);
    patchInto(ctx.state.data.compliance.sharepointSettings, b, Object.keys(ctx.state.data.compliance.sharepointSettings));
    ctx.state.changed();
    return single('admin/sharepoint/settings/$entity', ctx.state.data.compliance.sharepointSettings);
  }),
];
