// id: password-protection-onprem · Password protection enforced for on-premises AD · low · CIS 5.2.3.3
// reads: GET /groupSettings (Directory.Read.All)
// expected: Password Rule Settings EnableBannedPasswordCheckOnPremises True, mode Enforce · remediation: portal or PATCH /groupSettings/{id} (confirm, manual here)
import { fail, pass, type ComplianceCheck } from '../types';
import { GROUP_SETTINGS_READ, PASSWORD_RULE_TEMPLATE, settingValues } from './group-settings';

export const passwordProtectionOnprem: ComplianceCheck = {
  meta: {
    id: 'password-protection-onprem',
    title: 'Password protection enforced for on-premises AD',
    severity: 'low',
    cis: '5.2.3.3',
    reads: [GROUP_SETTINGS_READ],
    expected: 'Password Rule Settings: EnableBannedPasswordCheckOnPremises = True and BannedPasswordCheckOnPremisesMode = Enforce. Only matters with hybrid identity (the agent on the domain controllers).',
    remediation: {
      text: 'Entra admin center > Protection > Authentication methods > Password protection: Enable password protection on Windows Server Active Directory = Yes, Mode = Enforced; or PATCH /groupSettings/{id} with EnableBannedPasswordCheckOnPremises "True" and BannedPasswordCheckOnPremisesMode "Enforce" (Directory.ReadWrite.All). The setting\'s id is the tenant\'s own, so this is manual.',
      auto: 'confirm',
      permission: 'Directory.ReadWrite.All',
    },
  },
  reads: [{ key: 'settings', path: '/groupSettings', collection: true }],
  evaluate(data) {
    const values = settingValues(data.settings, PASSWORD_RULE_TEMPLATE);
    const enabled = values?.EnableBannedPasswordCheckOnPremises?.toLowerCase() === 'true';
    const mode = values?.BannedPasswordCheckOnPremisesMode ?? 'none';
    const observed = { enabled, mode };
    if (enabled && mode.toLowerCase() === 'enforce') return pass('Password protection is enforced on on-premises Active Directory.', observed);
    return fail(`On-premises password protection is ${enabled ? `in ${mode} mode` : 'off'}.`, observed);
  },
};
