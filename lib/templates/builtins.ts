// The built-in templates shipped in templates/*.json, one file each; the file name is the template
// id. They are seeded into a store once: a built-in someone deleted or changed stays as they left it.
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../store';
import { PROJECT_ROOT } from '../paths';
import { prepareTemplateContent, type TemplateInput } from './content';

export const BUILTIN_TEMPLATES_DIR = path.join(PROJECT_ROOT, 'templates');
const SEEDED_MARK = 'builtin-templates-seeded';

export interface BuiltinTemplate {
  templateId: string;
  input: TemplateInput;
}

export function loadBuiltinTemplates(dir: string = BUILTIN_TEMPLATES_DIR): BuiltinTemplate[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({
      templateId: path.basename(name, '.json'),
      input: JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as TemplateInput,
    }));
}

/** Returns the ids seeded now; empty when this store was seeded before. */
export function seedBuiltinTemplates(store: Store, dir: string = BUILTIN_TEMPLATES_DIR): string[] {
  const seeded: string[] = [];
  store.templates.once(SEEDED_MARK, () => {
    for (const { templateId, input } of loadBuiltinTemplates(dir)) {
      // Built-ins pass the same checks as anyone's template; a broken file fails loudly here.
      const { content } = prepareTemplateContent(input);
      if (store.templates.get(templateId) || store.templates.getByName(content.templateName)) continue;
      store.templates.insert(templateId, content, { builtin: true, note: 'built-in' });
      seeded.push(templateId);
    }
  });
  return seeded;
}
