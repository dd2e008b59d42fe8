// The tenant's state: the snapshot and the lookups and derived facts (seats used, who has a mailbox)
// handlers need, so they do not recompute them.
import { SANDBOX_ADMIN_UPN } from '../constants';
import type { GroupRecord, TenantSnapshot, UserRecord } from './records';

/** Service plans that give a user an Exchange Online mailbox. */
const EXCHANGE_PLANS = new Set(['EXCHANGE_S_STANDARD', 'EXCHANGE_S_ENTERPRISE']);

export class TenantState {
  data: TenantSnapshot;
  /** Called after every change (the snapshot file writer listens). */
  onChange: () => void = () => {};

  constructor(data: TenantSnapshot) {
    this.data = data;
  }

  changed() {
    this.onChange();
  }

  toJSON(): TenantSnapshot {
    return structuredClone(this.data);
  }

  /** A user by object id or UPN (case-insensitive), as Graph's /users/{id | userPrincipalName}. */
  findUser(idOrUpn: string): UserRecord | undefined {
    const key = decodeURIComponent(idOrUpn).toLowerCase();
    const byId = this.data.users[key];
    if (byId) return byId;
    return Object.values(this.data.users).find((u) => u.graph.userPrincipalName.toLowerCase() === key);
  }

  /** A user by any SMTP address Exchange knows (UPN, mail, proxy addresses). */
  findUserByAddress(address: string): UserRecord | undefined {
    const a = address.toLowerCase();
    return Object.values(this.data.users).find(
      (u) =>
        u.graph.userPrincipalName.toLowerCase() === a ||
        String(u.graph.mail ?? '').toLowerCase() === a ||
        (u.graph.proxyAddresses as string[]).some((p) => p.toLowerCase() === `smtp:${a}`),
    );
  }

  findGroup(id: string): GroupRecord | undefined {
    return this.data.groups[id.toLowerCase()];
  }

  adminUser(): UserRecord {
    const admin = this.findUser(SANDBOX_ADMIN_UPN) ?? Object.values(this.data.users).find((u) => u.roles.includes('Global Administrator'));
    if (!admin) throw new Error('the sandbox tenant has no Global Administrator');
    return admin;
  }

  consumedUnits(skuId: string): number {
    return Object.values(this.data.users).filter((u) => (u.graph.assignedLicenses as { skuId: string }[]).some((l) => l.skuId === skuId)).length;
  }

  /** True when one of the user's licences carries an Exchange Online service plan. */
  licensedForExchange(user: UserRecord): boolean {
    return (user.graph.assignedLicenses as { skuId: string; disabledPlans: string[] }[]).some((l) => {
      const sku = this.data.skus[l.skuId];
      return sku?.servicePlans.some((p) => EXCHANGE_PLANS.has(p.servicePlanName) && !l.disabledPlans.includes(p.servicePlanId));
    });
  }

  /** Users that hold a role (by name). */
  usersWithRole(role: string): UserRecord[] {
    return Object.values(this.data.users).filter((u) => u.roles.includes(role));
  }
}
