// id: sp-high-priv-app-roles · No service principal holds tenant-takeover Graph roles · high · CIS — (Maester MT.1050/1051)
// reads: GET /servicePrincipals?$filter=appId eq '<Microsoft Graph>', GET /servicePrincipals/{id}/appRoleAssignedTo (Application.Read.All)
// expected: no app role assignment of a tenant-takeover Graph permission · remediation: DELETE the assignment (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Graph application permissions that let an app take over the tenant (Maester's list). */
export const TAKEOVER_ROLES: Record<string, string> = {
  '9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8': 'RoleManagement.ReadWrite.Directory',
  '06b708a9-e830-4db3-a914-8e69da51d44f': 'AppRoleAssignment.ReadWrite.All',
  '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9': 'Application.ReadWrite.All',
  '19dbc75e-c2e2-444c-a770-ec69d8559fc7': 'Directory.ReadWrite.All',
  '50483e42-d915-4231-9639-7fdb7fd190e5': 'UserAuthenticationMethod.ReadWrite.All',
  '01c0a623-fc9b-48e9-b794-0756f8e8f067': 'Policy.ReadWrite.ConditionalAccess',
  '7e05723c-0bb0-42da-be95-ae9f08a6e53c': 'Domain.ReadWrite.All',
  '741f803b-c850-494e-b5df-cde7c675a1ca': 'User.ReadWrite.All',
  '62a82d76-70ea-41e2-9197-370581804d09': 'Group.ReadWrite.All',
};

export const spHighPrivAppRoles: ComplianceCheck = {
  meta: {
    id: 'sp-high-priv-app-roles',
    title: 'No service principal holds tenant-takeover Graph roles',
    severity: 'high',
    reads: [
      { endpoint: `GET /servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'`, permission: 'Application.Read.All' },
      { endpoint: 'GET /servicePrincipals/{id}/appRoleAssignedTo', permission: 'Application.Read.All' },
    ],
    expected: `No service principal is granted one of the Microsoft Graph application permissions ${Object.values(TAKEOVER_ROLES).join(', ')}. There is no allow-list yet: an app that needs one (this scanner's own app, if granted write permissions) is reported too.`,
    remediation: {
      text: 'Review each grant with the app owner; replace it with a narrower permission, then DELETE /servicePrincipals/{graphServicePrincipalId}/appRoleAssignedTo/{assignmentId} (AppRoleAssignment.ReadWrite.All).',
      auto: 'no',
    },
  },
  reads: [
    { key: 'graphSp', path: `/servicePrincipals?$filter=appId eq '${MICROSOFT_GRAPH_APP_ID}'&$select=id,appId`, collection: true },
    {
      key: 'assignments',
      collection: true,
      path: (data) => {
        const sp = asArray(data.graphSp)[0];
        return sp ? `/servicePrincipals/${String(sp.id)}/appRoleAssignedTo` : undefined;
      },
    },
  ],
  evaluate(data) {
    const grants = asArray(data.assignments)
      .filter((a) => TAKEOVER_ROLES[String(a.appRoleId)] && String(a.principalType ?? 'ServicePrincipal') === 'ServicePrincipal')
      .map((a) => `${String(a.principalDisplayName ?? a.principalId)}: ${TAKEOVER_ROLES[String(a.appRoleId)]}`)
      .sort();
    const observed = { grants };
    if (!grants.length) return pass('No service principal holds a tenant-takeover Microsoft Graph permission.', observed);
    return fail(`${grants.length} tenant-takeover grant${grants.length === 1 ? '' : 's'}: ${grants.join('; ')}.`, observed);
  },
};
