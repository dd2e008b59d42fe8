// The tenant's state: records (records.ts), new records with Graph's defaults (new-records.ts), the
// seeded tenant (seed.ts), TenantState (tenant-state.ts) and the security record (security.ts).
export * from './records';
export * from './new-records';
export * from './seed';
export * from './tenant-state';
export * from './security';
