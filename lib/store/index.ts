// The encrypted store: one SQLite file in the state dir holding templates, sends, the audit log and
// compliance results. Each openStore() is its own connection; WAL and a busy timeout let several
// connections (in one process or several) share the file.
import fs from 'node:fs';
import path from 'node:path';
import { silentLogger, type Logger } from '../logger';
import { createAuditLog, type AuditLog } from './audit';
import { createComplianceRepository, type ComplianceRepository } from './compliance';
import { createCompromiseRepository, type CompromiseRepository } from './compromise';
import { KEY_FILE_NAME, resolveStoreKey } from './key';
import { migrate } from './migrations';
import { openDatabase } from './open';
import { createTemplateRepository, type TemplateRepository } from './templates';
import { createUsageRepository, type UsageRepository } from './usage';

export const STORE_FILE_NAME = 'mm.db';

export interface StoreOptions {
  stateDir: string;
  /** MM_DB_KEY; when absent the key file `store.key` in stateDir is used (created on first use). */
  key?: string;
  logger?: Logger;
}

export interface Store {
  /** The database file's path. */
  readonly file: string;
  templates: TemplateRepository;
  usage: UsageRepository;
  audit: AuditLog;
  compliance: ComplianceRepository;
  compromise: CompromiseRepository;
  close(): void;
}

export function openStore(options: StoreOptions): Store {
  const logger = options.logger ?? silentLogger;
  fs.mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  const file = path.join(options.stateDir, STORE_FILE_NAME);
  const key = resolveStoreKey(options.stateDir, file, options.key);
  const keySource = options.key === undefined ? `The key in ${path.join(options.stateDir, KEY_FILE_NAME)}` : 'MM_DB_KEY';
  const db = openDatabase({ file, key, keySource });
  try {
    const version = migrate(db);
    logger.debug({ file, schemaVersion: version }, 'store opened');
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    file,
    templates: createTemplateRepository(db),
    usage: createUsageRepository(db),
    audit: createAuditLog(db),
    compliance: createComplianceRepository(db),
    compromise: createCompromiseRepository(db),
    close: () => {
      if (db.open) db.close();
    },
  };
}

export { StoreKeyError } from './errors';
export { TEMPLATE_CATEGORIES } from './templates';
export type { StoredTemplate, TemplateCategory, TemplateContent, TemplateQuery, TemplateRepository, TemplateVersion } from './templates';
export { SEND_STATUSES } from './usage';
export type { RecordedSend, SendStatus, TemplateSend, UsageRepository } from './usage';
export type { AuditLog, RecordedAuditEntry } from './audit';
export { CHECK_STATUSES } from './compliance';
export type { CompromiseRecord, CompromiseRepository, OneTimeSecret } from './compromise';
export type { CheckStatus, ComplianceRepository, ComplianceResult, ComplianceScan, StoredComplianceResult } from './compliance';
