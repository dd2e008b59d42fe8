// id: custom-banned-passwords · Custom banned password list in use · medium · CIS 5.2.3.2
// reads: GET /groupSettings (Directory.Read.All)
// expected: Password Rule Settings EnableBannedPasswordCheck True and BannedPasswordList not empty · remediation: PATCH /groupSettings/{id} (confirm, manual here)
import { fail, pass, type ComplianceCheck } from '../types';
import { GROUP_SETTINGS_READ, PASSWORD_RULE_TEMPLATE, settingValues } from './group-settings';

export const customBannedPasswords: ComplianceCheck = {
  meta: {
    id: 'custom-banned-passwords',
    title: 'Custom banned password list in use',
    severity: 'medium',
    cis: '5.2.3.2',
    reads: [GROUP_SETTINGS_READ],
    expected: 'The Password Rule Settings directory setting has EnableBannedPasswordCheck = True and a non-empty BannedPasswordList (words tab-separated (unverified)).',
    remediation: {
      text: 'Entra admin center > Protection > Authentication methods > Password protection: Enforce custom list = Yes, with words specific to the organisation; or PATCH /groupSettings/{id} with EnableBannedPasswordCheck "True" and BannedPasswordList (Directory.ReadWrite.All). The list is the organisation\'s own, so this is manual.',
      auto: 'no',
    },
  },
  reads: [{ key: 'settings', path: '/groupSettings', collection: true }],
  evaluate(data) {
    const values = settingValues(data.settings, PASSWORD_RULE_TEMPLATE);
    const enforced = values?.EnableBannedPasswordCheck?.toLowerCase() === 'true';
    const words = (values?.BannedPasswordList ?? '').split(/[\t,]/).filter((w) => w.trim()).length;
    const observed = { enforced, words };
    if (enforced && words > 0) return pass(`A custom list of ${words} banned password${words === 1 ? '' : 's'} is enforced.`, observed);
    return fail(!values ? 'No password protection settings: the custom banned password list is off.' : enforced ? 'The custom banned password list is enforced but empty.' : 'The custom banned password list is not enforced.', observed);
  },
};
