// id: users-cannot-register-apps · Users cannot register applications · medium · CIS 5.1.2.2
// reads: GET /policies/authorizationPolicy (Policy.Read.All)
// expected: defaultUserRolePermissions.allowedToCreateApps false · remediation: PATCH (confirm, automatic)
import { defaultUserPermissionOff } from './authorization-policy';

export const usersCannotRegisterApps = defaultUserPermissionOff({
  id: 'users-cannot-register-apps',
  title: 'Users cannot register applications',
  cis: '5.1.2.2',
  property: 'allowedToCreateApps',
  what: 'register applications',
  note: 'Developers then need the Application Developer role.',
});
