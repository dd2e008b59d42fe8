// id: m365-group-creation-restricted · Microsoft 365 group creation restricted · low · CIS — (none found)
// reads: GET /groupSettings (Directory.Read.All)
// expected: Group.Unified EnableGroupCreation false · remediation: PATCH /groupSettings/{id} (confirm, manual here)
import { fail, pass, type ComplianceCheck } from '../types';
import { GROUP_SETTINGS_READ, GROUP_UNIFIED_TEMPLATE, settingValues } from './group-settings';

export const m365GroupCreationRestricted: ComplianceCheck = {
  meta: {
    id: 'm365-group-creation-restricted',
    title: 'Microsoft 365 group creation restricted',
    severity: 'low',
    reads: [GROUP_SETTINGS_READ],
    expected: 'The Group.Unified directory setting exists with EnableGroupCreation = false (only members of GroupCreationAllowedGroupId, and admins, create groups). Without the setting, everyone can.',
    remediation: {
      text: 'Create the setting if missing (POST /groupSettings {"templateId": "62375ab9-6b52-47ed-826b-58e47e0e304b", "values": [...]}) or PATCH /groupSettings/{id} with values EnableGroupCreation "false" and GroupCreationAllowedGroupId = the group allowed to create (Directory.ReadWrite.All). The id is the tenant\'s own, so this is manual.',
      auto: 'confirm',
      permission: 'Directory.ReadWrite.All',
    },
  },
  reads: [{ key: 'settings', path: '/groupSettings', collection: true }],
  evaluate(data) {
    const values = settingValues(data.settings, GROUP_UNIFIED_TEMPLATE);
    const creation = values?.EnableGroupCreation?.toLowerCase() ?? 'true (default, no Group.Unified setting)';
    const observed = { enableGroupCreation: creation, allowedGroup: values?.GroupCreationAllowedGroupId || null };
    if (creation === 'false') return pass(`Only ${observed.allowedGroup ? `members of group ${observed.allowedGroup} and ` : ''}admins can create Microsoft 365 groups.`, observed);
    return fail(`Every user can create Microsoft 365 groups (EnableGroupCreation ${creation}).`, observed);
  },
};
