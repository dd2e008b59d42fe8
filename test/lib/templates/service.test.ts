import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../../lib/store';
import {
  createTemplateService,
  loadBuiltinTemplates,
  renderTemplate,
  TemplateNotFoundError,
  TemplateValidationError,
  type TemplateService,
} from '../../../lib/templates';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { prepareTemplateContent } from '../../../lib/templates/content';

const BUILTIN_IDS = ['customer-communication', 'marketing-newsletter', 'welcome', 'wiring-instructions'];

function fieldError(field: string, pattern: RegExp) {
  return (error: unknown) => error instanceof TemplateValidationError && error.field === field && pattern.test(error.message);
}

let env: TestEnv;
let store: Store;
let service: TemplateService;
before(() => {
  env = makeTestEnv();
  store = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
  service = createTemplateService({ store });
});
after(() => {
  store.close();
  env.cleanup();
});

describe('built-in templates', () => {
  test('each file in templates/ has the spec fields', () => {
    const builtins = loadBuiltinTemplates();
    assert.deepEqual(builtins.map((b) => b.templateId), BUILTIN_IDS);
    for (const { input } of builtins) {
      for (const field of ['templateName', 'subject', 'bodyHtml', 'category', 'variables', 'description'] as const) {
        assert.ok(input[field], `${input.templateName}: ${field}`);
      }
    }
  });

  test('are seeded on first use and render with their declared variables', () => {
    const seeded = service.listTemplates();
    assert.deepEqual(seeded.map((t) => t.templateId).sort(), BUILTIN_IDS);
    for (const template of seeded) {
      assert.equal(template.builtin, true);
      const values = Object.fromEntries(template.variables.map((v) => [v, `<${v}>`]));
      const out = renderTemplate(template, values);
      for (const v of template.variables) assert.ok(out.html.includes(`&lt;${v}&gt;`) || out.subject.includes(`<${v}>`), `${template.templateId} shows ${v}`);
      assert.ok(out.text.length > 0);
    }
  });

  test('seeding happens once: a deleted built-in is not brought back', () => {
    service.deleteTemplate('welcome');
    const again = createTemplateService({ store });
    assert.equal(again.listTemplates().some((t) => t.templateId === 'welcome'), false);
    // And another connection to the same file does not seed either.
    const other = openStore({ stateDir: env.config.stateDir, key: env.config.env.MM_DB_KEY });
    try {
      assert.equal(createTemplateService({ store: other }).listTemplates().length, BUILTIN_IDS.length - 1);
    } finally {
      other.close();
    }
  });

  test('a broken built-in file fails loudly on seeding', () => {
    const dir = fs.mkdtempSync(path.join(env.root, 'builtins-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ templateName: 'Bad', subject: 's', bodyHtml: '<p>x</p>', category: 'promo' }));
    const fresh = openStore({ stateDir: path.join(env.root, 'fresh'), key: env.config.env.MM_DB_KEY });
    try {
      assert.throws(() => createTemplateService({ store: fresh, builtinsDir: dir }), fieldError('category', /promo/));
    } finally {
      fresh.close();
    }
  });
});

describe('template lifecycle', () => {
  const input = {
    templateName: 'Quarterly Wiring Update',
    subject: 'Wiring for {{client}}',
    bodyHtml: '<p>Dear {{client}}, send {{amount}}.</p>',
    category: 'wiring',
    description: 'Quarterly instructions',
  };

  test('create derives id, variables and text', () => {
    const saved = service.createTemplate(input);
    assert.equal(saved.template.templateId, 'quarterly-wiring-update');
    assert.deepEqual(saved.template.variables, ['client', 'amount']);
    assert.equal(saved.template.bodyText, 'Dear {{client}}, send {{amount}}.');
    assert.equal(saved.template.version, 1);
    assert.deepEqual(saved.removed, []);
  });

  test('a duplicate name (any case) is refused naming templateName', () => {
    assert.throws(() => service.createTemplate({ ...input, templateName: 'quarterly WIRING update' }), fieldError('templateName', /already used by template quarterly-wiring-update/));
  });

  test('an unknown category is refused naming category', () => {
    assert.throws(() => service.createTemplate({ ...input, templateName: 'Other', category: 'sales' }), fieldError('category', /"sales" is unknown/));
    assert.throws(() => service.listTemplates({ category: 'sales' }), fieldError('category', /unknown/));
  });

  test('missing required fields are named', () => {
    assert.throws(() => service.createTemplate({ ...input, templateName: '  ' }), fieldError('templateName', /must not be empty/));
    assert.throws(() => service.createTemplate({ ...input, templateName: 'n2', subject: '' }), fieldError('subject', /empty/));
    assert.throws(() => service.createTemplate({ ...input, templateName: 'n3', subject: 'a\nb' }), fieldError('subject', /single line/));
  });

  test('control characters and oversized bodies are refused naming the field; bodies keep line breaks', () => {
    assert.throws(() => service.createTemplate({ ...input, templateName: 'n4\u0000' }), fieldError('templateName', /control character \(U\+0000/));
    assert.throws(() => service.createTemplate({ ...input, templateName: 'n5', subject: 'Hi \u001b[31m' }), fieldError('subject', /U\+001B/));
    assert.throws(() => service.createTemplate({ ...input, templateName: 'n6', bodyHtml: '<p>a\u202Eb</p>' }), fieldError('bodyHtml', /U\+202E/));
    assert.throws(() => service.createTemplate({ ...input, templateName: 'n7', bodyHtml: `<p>${'x'.repeat(200_001)}</p>` }), fieldError('bodyHtml', /longer than 200000/));
    const prepared = prepareTemplateContent({ ...input, templateName: 'n8', bodyHtml: '<p>Dear {{client}},\n\tsend {{amount}} by {{date}}.</p>\r\n' });
    assert.match(prepared.content.bodyHtml, /\n\tsend/);
  });

  test('get by id or by name; unknown ones name templateId and list known ids', () => {
    assert.equal(service.getTemplate('Quarterly Wiring Update').templateId, 'quarterly-wiring-update');
    assert.throws(() => service.getTemplate('nope'), (e: unknown) => e instanceof TemplateNotFoundError && e.field === 'templateId' && /quarterly-wiring-update/.test(e.message));
  });

  test('list filters by category and search', () => {
    assert.deepEqual(service.listTemplates({ category: 'wiring' }).map((t) => t.templateId), ['quarterly-wiring-update', 'wiring-instructions']);
    assert.deepEqual(service.listTemplates({ search: 'quarterly' }).map((t) => t.templateId), ['quarterly-wiring-update']);
    assert.deepEqual(service.listTemplates({ search: 'CAN-SPAM' }).map((t) => t.templateId), ['marketing-newsletter']);
  });

  test('update writes a new version and keeps the old one', () => {
    const saved = service.updateTemplate('quarterly-wiring-update', { bodyHtml: '<p>Dear {{client}}, send {{amount}} by {{date}}.</p>' });
    assert.equal(saved.template.version, 2);
    assert.deepEqual(saved.template.variables, ['client', 'amount', 'date']);
    assert.equal(saved.template.bodyText, 'Dear {{client}}, send {{amount}} by {{date}}.');
    assert.equal(saved.template.description, 'Quarterly instructions');
    const versions = service.listVersions('quarterly-wiring-update');
    assert.deepEqual(versions.map((v) => v.version), [1, 2]);
    assert.equal(versions[0].bodyHtml, input.bodyHtml);
  });

  test('update into marketing without the CAN-SPAM parts is refused and changes nothing', () => {
    assert.throws(() => service.updateTemplate('quarterly-wiring-update', { category: 'marketing' }), fieldError('bodyHtml', /CAN-SPAM/));
    assert.equal(service.getTemplate('quarterly-wiring-update').version, 2);
  });

  test('update to a name another template holds is refused', () => {
    assert.throws(() => service.updateTemplate('quarterly-wiring-update', { templateName: 'Wiring Instructions' }), fieldError('templateName', /wiring-instructions/));
  });

  test('rollback makes old content current as a new version', () => {
    const rolled = service.rollbackTemplate('quarterly-wiring-update', 1);
    assert.equal(rolled.version, 3);
    assert.equal(rolled.bodyHtml, input.bodyHtml);
    assert.deepEqual(rolled.variables, ['client', 'amount']);
    assert.equal(service.listVersions('quarterly-wiring-update')[2].note, 'rollback to version 1');
    // Rolling back to the current version again changes nothing.
    assert.equal(service.rollbackTemplate('quarterly-wiring-update', 3).version, 3);
    assert.throws(() => service.rollbackTemplate('quarterly-wiring-update', 9), fieldError('version', /versions are 1 to 3/));
  });

  test('delete removes it; later reads name templateId', () => {
    const deleted = service.deleteTemplate('quarterly-wiring-update');
    assert.equal(deleted.version, 3);
    assert.throws(() => service.getTemplate('quarterly-wiring-update'), TemplateNotFoundError);
    assert.throws(() => service.deleteTemplate('quarterly-wiring-update'), TemplateNotFoundError);
  });

  test('ids stay unique when names slug alike', () => {
    const a = service.createTemplate({ ...input, templateName: 'Notice!' });
    const b = service.createTemplate({ ...input, templateName: 'Notice?' });
    assert.deepEqual([a.template.templateId, b.template.templateId], ['notice', 'notice-2']);
  });
});
