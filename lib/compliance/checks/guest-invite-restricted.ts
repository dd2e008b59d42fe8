// id: guest-invite-restricted · Only admins and Guest Inviters can invite guests · medium · CIS 5.1.6.3
// reads: GET /policies/authorizationPolicy (Policy.Read.All)
// expected: allowInvitesFrom adminsAndGuestInviters or none · remediation: PATCH allowInvitesFrom (confirm, automatic)
import { asObject, fail, pass, type ComplianceCheck } from '../types';

const OK = ['adminsAndGuestInviters', 'none'];

export const guestInviteRestricted: ComplianceCheck = {
  meta: {
    id: 'guest-invite-restricted',
    title: 'Only admins and Guest Inviters can invite guests',
    severity: 'medium',
    cis: '5.1.6.3',
    reads: [{ endpoint: 'GET /policies/authorizationPolicy', permission: 'Policy.Read.All' }],
    expected: 'allowInvitesFrom is "adminsAndGuestInviters" or "none".',
    remediation: { text: 'PATCH /policies/authorizationPolicy {"allowInvitesFrom": "adminsAndGuestInviters"}', auto: 'confirm', permission: 'Policy.ReadWrite.Authorization' },
  },
  reads: [{ key: 'policy', path: '/policies/authorizationPolicy' }],
  evaluate(data) {
    const value = String(asObject(data.policy).allowInvitesFrom ?? 'unknown');
    return OK.includes(value) ? pass(`allowInvitesFrom is ${value}.`, { allowInvitesFrom: value }) : fail(`allowInvitesFrom is ${value}: members or everyone may invite guests.`, { allowInvitesFrom: value });
  },
  fix: { endpoint: '/policies/authorizationPolicy', body: { allowInvitesFrom: 'adminsAndGuestInviters' } },
};
