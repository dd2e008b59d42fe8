// id: secure-score · Microsoft Secure Score above threshold · low · CIS —
// reads: GET /security/secureScores?$top=1 (SecurityEvents.Read.All)
// expected: currentScore / maxScore ≥ 60 % · remediation: fix the underlying controls (no)
import { asArray, fail, pass, type ComplianceCheck } from '../types';

export const SECURE_SCORE_THRESHOLD = 0.6;

export const secureScore: ComplianceCheck = {
  meta: {
    id: 'secure-score',
    title: 'Microsoft Secure Score above threshold',
    severity: 'low',
    reads: [{ endpoint: 'GET /security/secureScores?$top=1', permission: 'SecurityEvents.Read.All' }],
    expected: `currentScore / maxScore ≥ ${SECURE_SCORE_THRESHOLD * 100} %.`,
    remediation: { text: 'No direct fix: work through the lowest control scores (GET /security/secureScoreControlProfiles gives the guidance per control).', auto: 'no' },
  },
  reads: [{ key: 'scores', path: '/security/secureScores?$top=1', collection: true }],
  evaluate(data) {
    const latest = asArray(data.scores)[0];
    if (!latest) return { status: 'skipped', summary: 'No secure score yet (Microsoft computes it daily).' };
    const current = Number(latest.currentScore ?? 0);
    const max = Number(latest.maxScore ?? 0);
    const ratio = max > 0 ? current / max : 0;
    const weakest = asArray(latest.controlScores)
      .filter((c) => Number(c.score ?? 0) === 0)
      .map((c) => String(c.controlName))
      .sort();
    const observed = { currentScore: current, maxScore: max, percent: Math.round(ratio * 1000) / 10, zeroScoreControls: weakest };
    const text = `Secure score ${current}/${max} (${observed.percent} %)`;
    return ratio >= SECURE_SCORE_THRESHOLD ? pass(`${text}.`, observed) : fail(`${text}, below ${SECURE_SCORE_THRESHOLD * 100} %; zero-score controls: ${weakest.join(', ') || 'none'}.`, observed);
  },
};
