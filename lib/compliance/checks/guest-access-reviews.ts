// id: guest-access-reviews · Guest access reviewed regularly · medium · CIS 5.3.2
// reads: GET /identityGovernance/accessReviews/definitions (AccessReview.Read.All)
// expected: an active recurring access review whose scope is guest users · remediation: manual (no)
import { asArray, asObject, fail, pass, type ComplianceCheck } from '../types';

/** Whether a scope (accessReviewQueryScope, or a principalResourceMembershipsScope) names guest users. */
function guestScope(scope: Record<string, unknown>): boolean {
  const queries = [scope, ...asArray(scope.principalScopes), ...asArray(scope.resourceScopes)].map((s) => String(s.query ?? ''));
  return queries.some((q) => /userType\s+eq\s+'guest'/i.test(q));
}

export const guestAccessReviews: ComplianceCheck = {
  meta: {
    id: 'guest-access-reviews',
    title: 'Guest access reviewed regularly',
    severity: 'medium',
    cis: '5.3.2',
    reads: [{ endpoint: 'GET /identityGovernance/accessReviews/definitions', permission: 'AccessReview.Read.All' }],
    expected: "An access review definition, not completed, whose scope (or instanceEnumerationScope) filters userType eq 'Guest', with a recurrence (settings.recurrence.pattern) of a month or less. Needs Entra ID P2 or Governance.",
    remediation: {
      text: "POST /identityGovernance/accessReviews/definitions with scope {query: \"./members/microsoft.graph.user/?$filter=(userType eq 'Guest')\", queryType: \"MicrosoftGraph\"}, instanceEnumerationScope = the groups and teams, reviewers, and settings.recurrence monthly (AccessReview.ReadWrite.All). The reviewers are the organisation's choice, so this is manual.",
      auto: 'no',
    },
  },
  reads: [{ key: 'reviews', path: '/identityGovernance/accessReviews/definitions', collection: true }],
  evaluate(data) {
    const reviews = asArray(data.reviews).filter((r) => {
      if (String(r.status ?? '') === 'Completed') return false;
      if (!guestScope(asObject(r.scope)) && !guestScope(asObject(r.instanceEnumerationScope))) return false;
      const pattern = asObject(asObject(asObject(r.settings).recurrence).pattern);
      const type = String(pattern.type ?? '');
      const interval = Number(pattern.interval ?? 1);
      return (type === 'weekly' && interval <= 4) || (type === 'absoluteMonthly' && interval <= 1) || (type === 'daily' && interval <= 31);
    });
    const observed = { reviews: reviews.map((r) => String(r.displayName)).sort() };
    if (reviews.length) return pass(`Guest access is reviewed by: ${observed.reviews.join(', ')}.`, observed);
    return fail('No active access review of guest users recurs monthly or more often.', observed);
  },
};
