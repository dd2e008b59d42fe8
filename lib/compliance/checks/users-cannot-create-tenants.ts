// id: users-cannot-create-tenants · Users cannot create tenants · medium · CIS 5.1.2.3
// reads: GET /policies/authorizationPolicy (Policy.Read.All)
// expected: defaultUserRolePermissions.allowedToCreateTenants false · remediation: PATCH (confirm, automatic)
import { defaultUserPermissionOff } from './authorization-policy';

export const usersCannotCreateTenants = defaultUserPermissionOff({
  id: 'users-cannot-create-tenants',
  title: 'Users cannot create tenants',
  cis: '5.1.2.3',
  property: 'allowedToCreateTenants',
  what: 'create Microsoft Entra tenants',
  note: 'Creating a tenant then needs the Tenant Creator role.',
});
