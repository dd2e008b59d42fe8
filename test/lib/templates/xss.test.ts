import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../../lib/store';
import { createTemplateService, renderTemplate, TemplateValidationError, type TemplateService } from '../../../lib/templates';
import { makeTestEnv, type TestEnv } from '../../helpers/env';
import { assertNoActiveContent } from '../../helpers/template-safety';
import { XSS_PAYLOADS } from '../../helpers/xss-corpus';

// Payloads with nothing to report: the backtick value is quoted into a harmless relative URL, and
// CDATA is a comment in HTML, dropped like every comment.
const SILENTLY_INERT = new Set(['<img src=`javascript:alert(1)`>', '<![CDATA[<script>alert(1)</script>]]>']);

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

describe('XSS corpus saved as templates', () => {
  test('the corpus is large enough to mean something', () => {
    assert.ok(XSS_PAYLOADS.length >= 30, `${XSS_PAYLOADS.length} payloads`);
  });

  XSS_PAYLOADS.forEach((payload, index) => {
    test(`payload ${index + 1} does not survive sanitising: ${payload.slice(0, 60)}`, () => {
      const saved = service.createTemplate({
        templateName: `xss-${index + 1}`,
        subject: 'Notice',
        bodyHtml: `<p>Notice for {{name}}</p>${payload}<p>End</p>`,
        category: 'customer_communication',
      });
      const stored = service.getTemplate(saved.template.templateId);
      assertNoActiveContent(stored.bodyHtml, `stored ${index + 1}`);
      assert.match(stored.bodyHtml, /<p>Notice for \{\{name\}\}<\/p>/, 'safe content is kept');
      if (!SILENTLY_INERT.has(payload)) assert.ok(saved.removed.length > 0, 'the answer says what was removed');
      assertNoActiveContent(renderTemplate(stored, { name: 'Jane' }).html, `rendered ${index + 1}`);
    });
  });

  test('the removal report names the kinds of things removed', () => {
    const saved = service.createTemplate({
      templateName: 'report',
      subject: 'x',
      bodyHtml: '<p onclick="steal()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">x</a><div style="width: expression(alert(1)); color: red">y</div>',
      category: 'wiring',
    });
    assert.deepEqual(saved.removed.sort(), [
      '<script> element',
      'href on <a> (javascript: URL)',
      'onclick event handler on <p>',
      'style on <div> (script-bearing CSS)',
    ]);
    assert.equal(service.getTemplate('report').bodyHtml, '<p>Hi</p><a>x</a><div style="color:red">y</div>');
  });

  test('a body that is nothing but active content is refused, naming bodyHtml', () => {
    assert.throws(
      () => service.createTemplate({ templateName: 'empty', subject: 'x', bodyHtml: '<script>alert(1)</script>', category: 'wiring' }),
      (error: unknown) => error instanceof TemplateValidationError && error.field === 'bodyHtml' && /no content left/.test(error.message),
    );
  });
});

describe('variables carrying payloads', () => {
  const template = {
    subject: 'Hello {{name}}',
    bodyHtml:
      '<p>Dear {{name}},</p><p title="{{name}}">{{note}}</p><a href="{{link}}">Open</a><img src="https://cdn.example/{{name}}.png" alt="{{name}}" /><table><tr><td>{{#each items}}<span>{{this}}</span>{{/each}}</td></tr></table>',
    bodyText: 'Dear {{name}}, {{note}} {{link}}',
    variables: ['name', 'note', 'link', 'items'],
  };
  const expectedTags = ['p', 'p', 'a', 'img', 'table', 'tr', 'td', 'span', 'span'];

  XSS_PAYLOADS.forEach((payload, index) => {
    test(`payload ${index + 1} comes out escaped, never as markup`, () => {
      const rendered = renderTemplate(template, { name: payload, note: payload, link: payload, items: [payload, payload] });
      assertNoActiveContent(rendered.html, `variables ${index + 1}`);
      const tags = [...rendered.html.matchAll(/<([a-z0-9]+)/gi)].map((m) => m[1].toLowerCase());
      assert.deepEqual(tags, expectedTags, 'no element came from a variable');
      // The payload is shown as text: its first '<' arrives as &lt;.
      if (payload.startsWith('<')) assert.ok(rendered.html.includes('&lt;'));
    });
  });

  test('a javascript: URL given for a link variable is dropped from href', () => {
    const rendered = renderTemplate(template, { name: 'x', note: 'y', link: 'javascript:alert(document.cookie)', items: [] });
    assert.match(rendered.html, /<a>Open<\/a>/);
  });

  test('an ordinary URL in a link variable is kept, escaped', () => {
    const rendered = renderTemplate(template, { name: 'x', note: 'y', link: 'https://contoso.com/a?b=1&c=2', items: [] });
    assert.match(rendered.html, /<a href="https:\/\/contoso\.com\/a\?b=1&amp;c=2">Open<\/a>/);
  });
});
