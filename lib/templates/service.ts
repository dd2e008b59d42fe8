// The template operations MCP tools and workflow activities share. Synchronous, like the store.
import type { StoredTemplate, Store, TemplateVersion } from '../store';
import { seedBuiltinTemplates } from './builtins';
import { checkCategory, prepareTemplateContent, type TemplateInput } from './content';
import { TemplateNotFoundError, TemplateValidationError } from './errors';

export type TemplatePatch = Partial<TemplateInput>;

export interface SavedTemplate {
  template: StoredTemplate;
  /** What sanitising took out of bodyHtml; empty when nothing. */
  removed: string[];
  warnings: string[];
}

export interface TemplateService {
  createTemplate(input: TemplateInput): SavedTemplate;
  /** Writes a new version; earlier versions stay readable. */
  updateTemplate(idOrName: string, patch: TemplatePatch): SavedTemplate;
  getTemplate(idOrName: string): StoredTemplate;
  listTemplates(query?: { category?: string; search?: string }): StoredTemplate[];
  /** Removes the template and its versions; the record of past sends stays. Returns what was removed. */
  deleteTemplate(idOrName: string): StoredTemplate;
  listVersions(idOrName: string): TemplateVersion[];
  /** Makes an earlier version's content current again, as a new version. */
  rollbackTemplate(idOrName: string, version: number): StoredTemplate;
}

export interface TemplateServiceOptions {
  store: Store;
  /** Where the built-in templates are read from (tests point elsewhere). */
  builtinsDir?: string;
}

/** Ids come from names ("Wiring Instructions" → wiring-instructions), so they read well in URIs. */
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug || 'template';
}

export function createTemplateService(options: TemplateServiceOptions): TemplateService {
  const { store } = options;
  const repo = store.templates;
  seedBuiltinTemplates(store, options.builtinsDir);

  const find = (idOrName: string): StoredTemplate => {
    if (typeof idOrName !== 'string' || idOrName.trim() === '') {
      throw new TemplateValidationError('templateId', 'templateId is required (a template id or name).');
    }
    const found = repo.get(idOrName) ?? repo.getByName(idOrName.trim());
    if (!found) throw new TemplateNotFoundError(idOrName, repo.list().map((t) => t.templateId));
    return found;
  };

  const checkNameFree = (name: string, ownId?: string) => {
    const holder = repo.getByName(name);
    if (holder && holder.templateId !== ownId) {
      throw new TemplateValidationError(
        'templateName',
        `templateName '${name}' is already used by template ${holder.templateId}; choose another name or update that template.`,
      );
    }
  };

  const freeId = (name: string) => {
    const base = slugOf(name);
    let id = base;
    for (let n = 2; repo.get(id); n += 1) id = `${base}-${n}`;
    return id;
  };

  return {
    createTemplate(input) {
      const { content, removed, warnings } = prepareTemplateContent(input);
      checkNameFree(content.templateName);
      const template = repo.insert(freeId(content.templateName), content);
      return { template, removed, warnings };
    },

    updateTemplate(idOrName, patch) {
      const current = find(idOrName);
      const htmlChanged = patch.bodyHtml !== undefined && patch.bodyHtml !== current.bodyHtml;
      const bodyChanged = htmlChanged || patch.subject !== undefined;
      const merged: TemplateInput = {
        templateName: patch.templateName ?? current.templateName,
        subject: patch.subject ?? current.subject,
        bodyHtml: patch.bodyHtml ?? current.bodyHtml,
        // A text part left over from the old HTML would be stale: derive it again unless one is given.
        bodyText: patch.bodyText ?? (htmlChanged ? undefined : current.bodyText),
        category: patch.category ?? current.category,
        // Declared variables follow the new content unless given; unchanged content keeps its list.
        variables: patch.variables ?? (bodyChanged || patch.bodyText !== undefined ? undefined : current.variables),
        description: patch.description ?? current.description,
      };
      const { content, removed, warnings } = prepareTemplateContent(merged);
      checkNameFree(content.templateName, current.templateId);
      const template = repo.addVersion(current.templateId, content, 'updated');
      return { template, removed, warnings };
    },

    getTemplate: find,

    listTemplates(query = {}) {
      const category = query.category === undefined ? undefined : checkCategory(query.category);
      return repo.list({ category, search: query.search?.trim() || undefined });
    },

    deleteTemplate(idOrName) {
      const template = find(idOrName);
      repo.remove(template.templateId);
      return template;
    },

    listVersions(idOrName) {
      return repo.versions(find(idOrName).templateId);
    },

    rollbackTemplate(idOrName, version) {
      const current = find(idOrName);
      const target = Number.isInteger(version) ? repo.version(current.templateId, version) : undefined;
      if (!target) {
        throw new TemplateValidationError(
          'version',
          `version ${version} does not exist for ${current.templateId}; versions are 1 to ${current.version}.`,
        );
      }
      // Rolling back to the content that is already current changes nothing (a retried call lands here).
      if (version === current.version) return current;
      // The old content passes today's checks again (policy may have tightened since it was saved).
      const { content } = prepareTemplateContent(target);
      checkNameFree(content.templateName, current.templateId);
      return repo.addVersion(current.templateId, content, `rollback to version ${version}`);
    },
  };
}
