// id: guest-access-restricted · Guests have limited directory access · medium · CIS 5.1.6.2
// reads: GET /policies/authorizationPolicy (Policy.Read.All)
// expected: guestUserRoleId limited or restricted · remediation: PATCH guestUserRoleId (yes, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';

const ROLES: Record<string, string> = {
  '10dae51f-b6af-4016-8d66-8c2a99b929b3': 'limited',
  '2af84b1e-32c8-42b7-82bc-daa82404023b': 'restricted',
  'a0b1b346-4d3e-4e8b-98f8-753987be4970': 'same as members',
};

export const guestAccessRestricted: ComplianceCheck = {
  meta: {
    id: 'guest-access-restricted',
    title: 'Guests have limited directory access',
    severity: 'medium',
    cis: '5.1.6.2',
    reads: [{ endpoint: 'GET /policies/authorizationPolicy', permission: 'Policy.Read.All' }],
    expected: 'guestUserRoleId is 10dae51f-… (limited, the default) or 2af84b1e-… (restricted).',
    remediation: { text: 'PATCH /policies/authorizationPolicy {"guestUserRoleId": "10dae51f-b6af-4016-8d66-8c2a99b929b3"}', auto: 'yes', permission: 'Policy.ReadWrite.Authorization' },
  },
  reads: [{ key: 'policy', path: '/policies/authorizationPolicy' }],
  evaluate(data) {
    const id = String(asObject(data.policy).guestUserRoleId ?? '');
    const level = ROLES[id] ?? `unknown role ${id || '(none)'}`;
    const observed = { guestAccess: level };
    return level === 'limited' || level === 'restricted' ? pass(`Guest access is ${level}.`, observed) : fail(`Guest access is ${level}.`, observed);
  },
  fix: { endpoint: '/policies/authorizationPolicy', body: { guestUserRoleId: '10dae51f-b6af-4016-8d66-8c2a99b929b3' } },
};
