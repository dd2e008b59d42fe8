// id: admin-consent-workflow · Admin consent workflow on · medium · CIS 5.1.5.2
// reads: GET /policies/adminConsentRequestPolicy (Policy.Read.All)
// expected: isEnabled true with at least one reviewer · remediation: PUT with reviewers (confirm, manual here)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';

export const adminConsentWorkflow: ComplianceCheck = {
  meta: {
    id: 'admin-consent-workflow',
    title: 'Admin consent workflow on',
    severity: 'medium',
    cis: '5.1.5.2',
    reads: [{ endpoint: 'GET /policies/adminConsentRequestPolicy', permission: 'Policy.Read.All' }],
    expected: 'isEnabled = true and reviewers names at least one user, group or role, so users can ask for consent instead of granting it.',
    remediation: {
      // Microsoft's write for this policy is a PUT of the whole object with its reviewers, not a PATCH.
      text: 'PUT /policies/adminConsentRequestPolicy {"isEnabled": true, "notifyReviewers": true, "remindersEnabled": true, "requestDurationInDays": 30, "reviewers": [{"query": "/users/{reviewer id}", "queryType": "MicrosoftGraph"}]} (Policy.ReadWrite.ConsentRequest). The reviewers are a choice to make, so this is manual.',
      auto: 'confirm',
      permission: 'Policy.ReadWrite.ConsentRequest',
    },
  },
  reads: [{ key: 'policy', path: '/policies/adminConsentRequestPolicy' }],
  evaluate(data) {
    const policy = asObject(data.policy);
    const reviewers = asArray(policy.reviewers).length;
    const observed = { isEnabled: policy.isEnabled === true, reviewers };
    if (observed.isEnabled && reviewers > 0) return pass(`The admin consent workflow is on with ${reviewers} reviewer${reviewers === 1 ? '' : 's'}.`, observed);
    return fail(observed.isEnabled ? 'The admin consent workflow is on but has no reviewers.' : 'The admin consent workflow is off.', observed);
  },
};
