// The seeded tenant: subscriptions with real SKU ids, four users (one admin), two groups, Exchange
// organisation settings, the registered apps and the compliance findings.
import crypto from 'node:crypto';
import { SANDBOX_DOMAIN, SANDBOX_INITIAL_DOMAIN, SANDBOX_TENANT_ID, SANDBOX_TENANT_NAME } from '../constants';
import { seedCompliance } from '../compliance-seed';
import type { AppRegistration } from '../types';
import { defaultMailboxSettings, defaultOutboundSpamFilterPolicy, graphGroup, graphUser, newMailbox } from './new-records';
import type { GroupRecord, SkuRecord, TenantSnapshot, UserRecord } from './records';

const plan = (servicePlanId: string, servicePlanName: string) => ({ servicePlanId, servicePlanName });
const PLANS = {
  exchangeStandard: plan('9aaf7827-d63c-4b61-89c3-182f06f82e5c', 'EXCHANGE_S_STANDARD'),
  exchangeEnterprise: plan('efb87545-963c-4e0d-99df-69c6916d9eb0', 'EXCHANGE_S_ENTERPRISE'),
  teams: plan('57ff2da0-773e-42df-b2af-ffb7a2317929', 'TEAMS1'),
  sharepointStandard: plan('c7699d2e-19aa-44de-8edf-1736da088ca1', 'SHAREPOINTSTANDARD'),
  sharepointEnterprise: plan('5dbe027f-2339-4123-9542-606e4d348a72', 'SHAREPOINTENTERPRISE'),
  flowFree: plan('50e68c76-46c6-4674-81f9-75456511b170', 'FLOW_P2_VIRAL'),
};

/** Seeded subscriptions: real SKU ids and part numbers, small seat counts so limits are reachable. */
export const SEED_SKUS: SkuRecord[] = [
  { skuId: '05e9a617-0261-4cee-bb44-138d3ef5d965', skuPartNumber: 'SPE_E3', enabledUnits: 25, servicePlans: [PLANS.exchangeEnterprise, PLANS.teams, PLANS.sharepointEnterprise] },
  { skuId: 'f245ecc8-75af-4f8e-b61f-27d8114de5f3', skuPartNumber: 'O365_BUSINESS_PREMIUM', enabledUnits: 10, servicePlans: [PLANS.exchangeStandard, PLANS.teams, PLANS.sharepointStandard] },
  { skuId: '3b555118-da6a-4418-894f-7df1e2096870', skuPartNumber: 'O365_BUSINESS_ESSENTIALS', enabledUnits: 3, servicePlans: [PLANS.exchangeStandard, PLANS.teams, PLANS.sharepointStandard] },
  { skuId: '4b9405b0-7788-4568-add1-99614e613b69', skuPartNumber: 'EXCHANGESTANDARD', enabledUnits: 5, servicePlans: [PLANS.exchangeStandard] },
  { skuId: 'f30db892-07e9-47e9-837c-80727f46fd3d', skuPartNumber: 'FLOW_FREE', enabledUnits: 10000, servicePlans: [PLANS.flowFree] },
];
export const SKU_E3 = SEED_SKUS[0].skuId;
export const SKU_BUSINESS_STANDARD = SEED_SKUS[1].skuId;
export const SKU_BUSINESS_BASIC = SEED_SKUS[2].skuId;

interface SeedUser {
  alias: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string | null;
  department: string | null;
  usageLocation: string | null;
  skus: string[];
  roles: string[];
}

const SEED_USERS: SeedUser[] = [
  { alias: 'admin', displayName: 'MOD Administrator', givenName: 'MOD', surname: 'Administrator', jobTitle: 'IT Administrator', department: 'IT', usageLocation: 'US', skus: [SKU_E3], roles: ['Global Administrator'] },
  { alias: 'adele.vance', displayName: 'Adele Vance', givenName: 'Adele', surname: 'Vance', jobTitle: 'Retail Manager', department: 'Retail', usageLocation: 'US', skus: [SKU_E3], roles: [] },
  { alias: 'alex.wilber', displayName: 'Alex Wilber', givenName: 'Alex', surname: 'Wilber', jobTitle: 'Marketing Assistant', department: 'Marketing', usageLocation: 'GB', skus: [SKU_BUSINESS_STANDARD], roles: [] },
  { alias: 'megan.bowen', displayName: 'Megan Bowen', givenName: 'Megan', surname: 'Bowen', jobTitle: 'Marketing Manager', department: 'Marketing', usageLocation: null, skus: [], roles: ['User Administrator'] },
];

/** Stable ids for seeded objects, so tests and snapshots can name them. */
const seedId = (name: string) => {
  const h = crypto.createHash('sha256').update(`mm-sandbox:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

export function seedSnapshot(extraApps: AppRegistration[] = [], builtInApps: AppRegistration[] = []): TenantSnapshot {
  const created = Date.UTC(2024, 0, 15, 9, 0, 0);
  const users: Record<string, UserRecord> = {};
  for (const u of SEED_USERS) {
    const id = seedId(`user:${u.alias}`);
    const upn = `${u.alias}@${SANDBOX_DOMAIN}`;
    const licensed = u.skus.length > 0;
    users[id] = {
      graph: graphUser(
        {
          id,
          userPrincipalName: upn,
          displayName: u.displayName,
          givenName: u.givenName,
          surname: u.surname,
          jobTitle: u.jobTitle,
          department: u.department,
          usageLocation: u.usageLocation,
          mailNickname: u.alias.replace('.', ''),
          mail: licensed ? upn : null,
          proxyAddresses: licensed ? [`SMTP:${upn}`] : [],
          assignedLicenses: u.skus.map((skuId) => ({ skuId, disabledPlans: [] })),
        },
        created,
      ),
      password: 'Sandbox-Password-1',
      roles: u.roles,
      mailboxSettings: defaultMailboxSettings(),
      messages: [],
      mailbox: licensed ? { ...newMailbox(), guid: seedId(`mailbox:${u.alias}`) } : undefined,
    };
  }
  const adminId = seedId('user:admin');
  const adeleId = seedId('user:adele.vance');
  const alexId = seedId('user:alex.wilber');
  const salesId = seedId('group:sales');
  const itId = seedId('group:it-admins');
  const groups: Record<string, GroupRecord> = {
    [salesId]: {
      graph: graphGroup({ id: salesId, displayName: 'Sales', description: 'Sales team', mailNickname: 'sales', groupTypes: ['Unified'], mailEnabled: true, securityEnabled: false, visibility: 'Public' }, created),
      owners: [adminId],
      members: [adminId, adeleId, alexId],
    },
    [itId]: {
      graph: graphGroup({ id: itId, displayName: 'IT Admins', description: 'Administrators', mailNickname: 'itadmins', groupTypes: [], mailEnabled: false, securityEnabled: true }, created),
      owners: [adminId],
      members: [adminId],
    },
  };
  const apps: Record<string, AppRegistration> = {};
  for (const app of [...builtInApps, ...extraApps]) apps[app.appId] = app;
  return {
    version: 1,
    users,
    groups,
    deleted: {},
    teams: {},
    operations: {},
    skus: Object.fromEntries(SEED_SKUS.map((s) => [s.skuId, structuredClone(s)])),
    outbox: [],
    messageTraces: [],
    exchange: {
      adminAuditLogConfig: { UnifiedAuditLogIngestionEnabled: false, AdminAuditLogEnabled: true, AdminAuditLogAgeLimit: '90.00:00:00' },
      organizationConfig: {
        Name: SANDBOX_INITIAL_DOMAIN,
        DisplayName: SANDBOX_TENANT_NAME,
        Guid: SANDBOX_TENANT_ID,
        AuditDisabled: false,
        OAuth2ClientProfileEnabled: true,
        IsDehydrated: false,
        DefaultPublicFolderMailbox: null,
        MailTipsAllTipsEnabled: true,
        SendFromAliasEnabled: false,
        AutoExpandingArchiveEnabled: false,
      },
      orgApps: [],
      hostedOutboundSpamFilterPolicies: [defaultOutboundSpamFilterPolicy()],
    },
    apps,
    compliance: seedCompliance({ admin: adminId, adele: adeleId, alex: alexId }, Object.keys(apps)),
  };
}
