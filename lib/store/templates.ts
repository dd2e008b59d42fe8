// Email templates and their versions. Every change writes a new version row; the template row points
// at the current one, so old versions stay readable and a rollback is a new version with old content.
// Validation (sanitising, variables, CAN-SPAM) lives in lib/templates; this layer only stores.
import type { SqliteDatabase } from './open';

export const TEMPLATE_CATEGORIES = ['wiring', 'customer_communication', 'marketing'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** The content of one version. */
export interface TemplateContent {
  templateName: string;
  subject: string;
  bodyHtml: string;
  bodyText: string;
  category: TemplateCategory;
  variables: string[];
  description?: string;
}

export interface StoredTemplate extends TemplateContent {
  templateId: string;
  version: number;
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface TemplateVersion extends TemplateContent {
  templateId: string;
  version: number;
  /** Why this version exists: "created", "updated", "rollback to version 2". */
  note?: string;
  createdAt: string;
}

export interface TemplateQuery {
  category?: TemplateCategory;
  /** Matched, case-insensitively, against name, subject and description. */
  search?: string;
}

export interface TemplateRepository {
  insert(templateId: string, content: TemplateContent, options?: { builtin?: boolean; note?: string }): StoredTemplate;
  /** Writes `content` as the next version and makes it current. */
  addVersion(templateId: string, content: TemplateContent, note?: string): StoredTemplate;
  get(templateId: string): StoredTemplate | undefined;
  getByName(templateName: string): StoredTemplate | undefined;
  list(query?: TemplateQuery): StoredTemplate[];
  remove(templateId: string): boolean;
  versions(templateId: string): TemplateVersion[];
  version(templateId: string, version: number): TemplateVersion | undefined;
  /** Runs `fn` once per store: the first caller for `key` runs it, later ones see false. */
  once(key: string, fn: () => void): boolean;
}

interface VersionRow {
  template_id: string;
  version: number;
  template_name: string;
  subject: string;
  body_html: string;
  body_text: string;
  category: TemplateCategory;
  variables: string;
  description: string | null;
  note: string | null;
  created_at: string;
}

interface TemplateRow extends VersionRow {
  builtin: number;
  first_created_at: string;
  updated_at: string;
}

const CURRENT = `
  SELECT v.*, t.builtin, t.created_at AS first_created_at, t.updated_at
  FROM email_templates t
  JOIN email_template_versions v ON v.template_id = t.template_id AND v.version = t.current_version`;

function contentOf(row: VersionRow): TemplateContent {
  return {
    templateName: row.template_name,
    subject: row.subject,
    bodyHtml: row.body_html,
    bodyText: row.body_text,
    category: row.category,
    variables: JSON.parse(row.variables) as string[],
    ...(row.description === null ? {} : { description: row.description }),
  };
}

function templateOf(row: TemplateRow): StoredTemplate {
  return {
    templateId: row.template_id,
    ...contentOf(row),
    version: row.version,
    builtin: row.builtin === 1,
    createdAt: row.first_created_at,
    updatedAt: row.updated_at,
  };
}

function versionOf(row: VersionRow): TemplateVersion {
  return {
    templateId: row.template_id,
    version: row.version,
    ...contentOf(row),
    ...(row.note === null ? {} : { note: row.note }),
    createdAt: row.created_at,
  };
}

/** SQL LIKE with the user's text taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function createTemplateRepository(db: SqliteDatabase, now: () => Date = () => new Date()): TemplateRepository {
  const insertVersion = db.prepare(`
    INSERT INTO email_template_versions
      (template_id, version, template_name, subject, body_html, body_text, category, variables, description, note, created_at)
    VALUES (@templateId, @version, @templateName, @subject, @bodyHtml, @bodyText, @category, @variables, @description, @note, @at)`);
  const versionParams = (templateId: string, version: number, content: TemplateContent, note: string | undefined, at: string) => ({
    templateId,
    version,
    templateName: content.templateName,
    subject: content.subject,
    bodyHtml: content.bodyHtml,
    bodyText: content.bodyText,
    category: content.category,
    variables: JSON.stringify(content.variables),
    description: content.description ?? null,
    note: note ?? null,
    at,
  });

  const repo: TemplateRepository = {
    insert: db.transaction((templateId: string, content: TemplateContent, options: { builtin?: boolean; note?: string } = {}) => {
      const at = now().toISOString();
      db.prepare(
        `INSERT INTO email_templates (template_id, template_name, category, current_version, builtin, created_at, updated_at)
         VALUES (?, ?, ?, 1, ?, ?, ?)`,
      ).run(templateId, content.templateName, content.category, options.builtin ? 1 : 0, at, at);
      insertVersion.run(versionParams(templateId, 1, content, options.note ?? 'created', at));
      return repo.get(templateId)!;
    }),

    addVersion: db.transaction((templateId: string, content: TemplateContent, note?: string) => {
      const at = now().toISOString();
      const { latest } = db
        .prepare('SELECT max(version) AS latest FROM email_template_versions WHERE template_id = ?')
        .get(templateId) as { latest: number | null };
      if (latest === null) throw new Error(`Template ${templateId} does not exist.`);
      const version = latest + 1;
      insertVersion.run(versionParams(templateId, version, content, note ?? 'updated', at));
      db.prepare(
        `UPDATE email_templates SET template_name = ?, category = ?, current_version = ?, updated_at = ? WHERE template_id = ?`,
      ).run(content.templateName, content.category, version, at, templateId);
      return repo.get(templateId)!;
    }),

    get(templateId) {
      const row = db.prepare(`${CURRENT} WHERE t.template_id = ?`).get(templateId) as TemplateRow | undefined;
      return row && templateOf(row);
    },

    getByName(templateName) {
      const row = db.prepare(`${CURRENT} WHERE t.template_name = ?`).get(templateName) as TemplateRow | undefined;
      return row && templateOf(row);
    },

    list(query = {}) {
      const where: string[] = [];
      const params: string[] = [];
      if (query.category) {
        where.push('t.category = ?');
        params.push(query.category);
      }
      if (query.search) {
        where.push(`(v.template_name LIKE ? ESCAPE '\\' OR v.subject LIKE ? ESCAPE '\\' OR v.description LIKE ? ESCAPE '\\')`);
        const pattern = likePattern(query.search);
        params.push(pattern, pattern, pattern);
      }
      const sql = `${CURRENT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY t.category, t.template_name`;
      return (db.prepare(sql).all(...params) as TemplateRow[]).map(templateOf);
    },

    remove(templateId) {
      return db.prepare('DELETE FROM email_templates WHERE template_id = ?').run(templateId).changes > 0;
    },

    versions(templateId) {
      const rows = db
        .prepare('SELECT * FROM email_template_versions WHERE template_id = ? ORDER BY version')
        .all(templateId) as VersionRow[];
      return rows.map(versionOf);
    },

    version(templateId, version) {
      const row = db
        .prepare('SELECT * FROM email_template_versions WHERE template_id = ? AND version = ?')
        .get(templateId, version) as VersionRow | undefined;
      return row && versionOf(row);
    },

    once(key, fn) {
      // IMMEDIATE: two processes seeding at once serialise on the write lock; the second sees the mark.
      return db
        .transaction(() => {
          const done = db.prepare('SELECT 1 FROM meta WHERE key = ?').get(key);
          if (done) return false;
          fn();
          db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, now().toISOString());
          return true;
        })
        .immediate();
    },
  };
  return repo;
}
