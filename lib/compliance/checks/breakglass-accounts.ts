// id: breakglass-accounts · At least two emergency-access accounts · high · CIS 1.1.2
// reads: GET /users/{id} per configured account (User.Read.All), GET /roleManagement/directory/roleAssignments (RoleManagement.Read.Directory), GET /identity/conditionalAccess/policies (Policy.Read.All)
// expected: ≥ 2 configured accounts exist, enabled, cloud-only, Global Administrator, one excluded from every CA policy · remediation: manual (no)
// The accounts are a configured list (guessing them from names is unreliable): the connection's
// breakGlassAccounts (UPNs or object ids), given to the reads as `breakGlassIds`. With no list the
// check is skipped and says which field to set.
import { asArray, asObject, fail, GLOBAL_ADMIN_ROLE, pass, type CheckOutcome, type ComplianceCheck, type ReadData } from '../types';

/** The connection field the scan passes the list from (data key `breakGlassIds`). */
export const BREAK_GLASS_FIELD = 'breakGlassAccounts';

const ids = (data: ReadData) => asArray<string>(data.breakGlassIds).map(String);

export function evaluateBreakGlass(data: ReadData): CheckOutcome {
  const configured = ids(data);
  if (!configured.length) {
    return {
      status: 'skipped',
      summary: `No break-glass accounts configured: set the connection's ${BREAK_GLASS_FIELD} (the user principal names or object ids of two or more emergency-access accounts) with registry_update_connection.`,
    };
  }
  // Each configured entry is an object id or a user principal name.
  const users = new Map(asArray(data.users).flatMap((u) => [[String(u.id).toLowerCase(), u], [String(u.userPrincipalName ?? '').toLowerCase(), u]]));
  const ga = new Set(asArray(data.assignments).filter((a) => a.roleDefinitionId === GLOBAL_ADMIN_ROLE).map((a) => String(a.principalId)));
  const policies = asArray(data.policies).filter((p) => p.state !== 'disabled');
  const problems: string[] = [];
  const healthy: string[] = [];
  const resolved: string[] = [];
  for (const entry of configured) {
    const u = users.get(entry.toLowerCase());
    if (!u) { problems.push(`${entry}: not found`); continue; }
    const id = String(u.id);
    resolved.push(id);
    const name = String(u.userPrincipalName ?? id);
    const wrong = [
      u.accountEnabled === false && 'disabled',
      u.onPremisesSyncEnabled === true && 'synced from on-premises',
      !ga.has(id) && 'not Global Administrator',
    ].filter(Boolean);
    if (wrong.length) problems.push(`${name}: ${wrong.join(', ')}`);
    else healthy.push(name);
  }
  const excludedEverywhere = resolved.filter((id) => policies.every((p) => asArray<string>(asObject(asObject(p.conditions).users).excludeUsers).includes(id)));
  if (healthy.length < 2) problems.push(`${healthy.length} usable account${healthy.length === 1 ? '' : 's'}, 2 needed`);
  if (policies.length && !excludedEverywhere.length) problems.push('none is excluded from every conditional access policy');
  problems.sort();
  const observed = { usable: healthy.sort(), problems };
  if (!problems.length) return pass(`${healthy.length} emergency-access accounts ready: ${healthy.join(', ')}.`, observed);
  return fail(`Emergency access: ${problems.join('; ')}.`, observed);
}

export const breakglassAccounts: ComplianceCheck = {
  meta: {
    id: 'breakglass-accounts',
    title: 'At least two emergency-access accounts',
    severity: 'high',
    cis: '1.1.2',
    reads: [
      { endpoint: 'GET /users?$select=id,userPrincipalName,accountEnabled,onPremisesSyncEnabled', permission: 'User.Read.All' },
      { endpoint: 'GET /roleManagement/directory/roleAssignments', permission: 'RoleManagement.Read.Directory' },
      { endpoint: 'GET /identity/conditionalAccess/policies', permission: 'Policy.Read.All' },
    ],
    expected: `At least 2 accounts listed in the connection's ${BREAK_GLASS_FIELD} exist, are enabled, are cloud-only and hold Global Administrator; at least one is excluded from every conditional access policy (Maester MT.1005). Skipped while no list is configured.`,
    remediation: {
      text: 'Manual: create two cloud-only accounts on the onmicrosoft.com domain with Global Administrator and phishing-resistant credentials (FIDO2), exclude them from conditional access, record the procedure and alert on their sign-ins (CIS 2.2.1).',
      auto: 'no',
    },
  },
  // Reads run only when a list is configured (breakGlassIds in the read data).
  reads: [
    { key: 'users', collection: true, path: (data) => (ids(data).length ? '/users?$select=id,userPrincipalName,accountEnabled,onPremisesSyncEnabled' : undefined) },
    { key: 'assignments', collection: true, path: (data) => (ids(data).length ? '/roleManagement/directory/roleAssignments' : undefined) },
    { key: 'policies', collection: true, path: (data) => (ids(data).length ? '/identity/conditionalAccess/policies' : undefined) },
  ],
  evaluate: evaluateBreakGlass,
};
