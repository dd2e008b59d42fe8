import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  composeMessage,
  previewHash,
  renderTemplate,
  TemplateValidationError,
  TemplateVariablesError,
} from '../../../lib/templates';
import { prepareTemplateContent } from '../../../lib/templates/content';
import type { StoredTemplate } from '../../../lib/store';

const base = {
  subject: 'Invoice {{invoiceNumber}} for {{customerName}}',
  bodyHtml: '<p>Dear {{customerName}},</p><p>Amount: {{amount}}</p>',
  bodyText: 'Dear {{customerName}}, amount {{amount}} (invoice {{invoiceNumber}})',
  variables: ['customerName', 'amount', 'invoiceNumber'],
};

function fieldError(field: string, pattern: RegExp) {
  return (error: unknown) => error instanceof TemplateValidationError && error.field === field && pattern.test(error.message);
}

describe('renderTemplate', () => {
  test('fills subject, HTML and text', () => {
    const out = renderTemplate(base, { customerName: 'Ada & Co', amount: '$10', invoiceNumber: 7 });
    assert.equal(out.subject, 'Invoice 7 for Ada & Co');
    assert.equal(out.html, '<p>Dear Ada &amp; Co,</p><p>Amount: $10</p>');
    assert.equal(out.text, 'Dear Ada & Co, amount $10 (invoice 7)');
  });

  test('names every missing variable', () => {
    assert.throws(
      () => renderTemplate(base, { customerName: 'Ada' }),
      (error: unknown) =>
        error instanceof TemplateVariablesError &&
        error.field === 'variables' &&
        error.missing.join() === 'amount,invoiceNumber' &&
        error.undeclared.length === 0 &&
        /missing: amount, invoiceNumber/.test(error.message),
    );
  });

  test('null counts as missing; undeclared ones are named too', () => {
    assert.throws(
      () => renderTemplate(base, { customerName: 'Ada', amount: null, invoiceNumber: 1, amout: '5' }),
      (error: unknown) => error instanceof TemplateVariablesError && error.missing.join() === 'amount' && error.undeclared.join() === 'amout',
    );
  });

  test('a new line in a value cannot add a header to the subject', () => {
    const out = renderTemplate(base, { customerName: 'Ada\r\nBcc: evil@example.com', amount: 1, invoiceNumber: 2 });
    assert.doesNotMatch(out.subject, /[\r\n]/);
  });

  test('prototype properties are not reachable', () => {
    const prepared = prepareTemplateContent({ templateName: 'p', subject: 's', bodyHtml: '<p>{{customer.constructor.name}}</p>', category: 'wiring' });
    assert.deepEqual(prepared.content.variables, ['customer']);
    // Handlebars hides the prototype's constructor, so strict mode finds nothing to read.
    assert.throws(() => renderTemplate(prepared.content, { customer: {} }), fieldError('variables', /not defined/));
  });

  test('each, with and @root read the right variables', () => {
    const prepared = prepareTemplateContent({
      templateName: 'loop',
      subject: 'Order for {{customer.name}}',
      bodyHtml: '<ul>{{#each lines}}<li>{{qty}} × {{item}} for {{@root.currency}}{{../currency}}</li>{{else}}<li>{{emptyNote}}</li>{{/each}}</ul>{{#with customer}}<p>{{name}}</p>{{/with}}',
      category: 'customer_communication',
    });
    assert.deepEqual(prepared.content.variables.sort(), ['currency', 'customer', 'emptyNote', 'lines']);
    const out = renderTemplate(prepared.content, {
      customer: { name: 'Ada' },
      lines: [{ qty: 2, item: '<b>pen</b>' }],
      currency: 'EUR',
      emptyNote: 'none',
    });
    assert.equal(out.html, '<ul><li>2 × &lt;b&gt;pen&lt;/b&gt; for EUREUR</li></ul><p>Ada</p>');
  });
});

describe('template syntax checks on save', () => {
  const input = { templateName: 't', subject: 's', category: 'wiring' };

  test('unescaped output is refused', () => {
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>{{{raw}}}</p>' }), fieldError('bodyHtml', /unescaped/));
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>{{&raw}}</p>' }), fieldError('bodyHtml', /unescaped/));
  });

  test('partials and unknown helpers are refused', () => {
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>{{> footer}}</p>' }), fieldError('bodyHtml', /partials/));
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>{{formatMoney amount}}</p>' }), fieldError('bodyHtml', /formatMoney/));
  });

  test('a syntax error names the field', () => {
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>{{#if x}}open</p>' }), fieldError('bodyHtml', /not a valid Handlebars template/));
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>x</p>', subject: 'Hi {{name' }), fieldError('subject', /not a valid Handlebars/));
  });

  test('__proto__ and constructor cannot be variables', () => {
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>{{constructor}}</p>' }), fieldError('bodyHtml', /constructor/));
    assert.throws(() => prepareTemplateContent({ ...input, bodyHtml: '<p>x</p>', variables: ['__proto__'] }), fieldError('variables', /__proto__/));
  });

  test('used but undeclared variables are named', () => {
    assert.throws(
      () => prepareTemplateContent({ ...input, bodyHtml: '<p>{{a}} {{b}} {{c}}</p>', variables: ['a'] }),
      fieldError('variables', /does not declare b, c/),
    );
  });

  test('an unknown category is named with the choices', () => {
    assert.throws(
      () => prepareTemplateContent({ ...input, category: 'newsletter', bodyHtml: '<p>x</p>' }),
      fieldError('category', /wiring, customer_communication, marketing/),
    );
  });

  test('the text part is derived from the HTML', () => {
    const { content } = prepareTemplateContent({
      ...input,
      bodyHtml: '<h1>Hello {{name}}</h1><p>Line one<br />Line two</p><ul><li>A &amp; B</li><li>C</li></ul><p><a href="https://contoso.com/x">Details</a></p>',
    });
    assert.equal(content.bodyText, 'Hello {{name}}\n\nLine one\nLine two\n\n- A & B\n- C\n\nDetails (https://contoso.com/x)');
  });
});

describe('marketing templates and CAN-SPAM', () => {
  const marketing = { templateName: 'm', subject: 'News', category: 'marketing' };

  test('without unsubscribe link and postal address: refused with both reasons', () => {
    assert.throws(
      () => prepareTemplateContent({ ...marketing, bodyHtml: '<p>Big sale!</p>' }),
      fieldError('bodyHtml', /unsubscribe link.*postal address.*CAN-SPAM/s),
    );
  });

  test('with only one of them: refused naming the other', () => {
    assert.throws(
      () => prepareTemplateContent({ ...marketing, bodyHtml: '<p>Sale</p><a href="{{unsubscribeUrl}}">Unsubscribe</a>' }),
      (error: unknown) => error instanceof TemplateValidationError && /postal address/.test(error.message) && !/unsubscribe link/.test(error.message),
    );
    assert.throws(
      () => prepareTemplateContent({ ...marketing, bodyHtml: '<p>Sale</p><p>Contoso, 1 Microsoft Way, Redmond</p>' }),
      (error: unknown) => error instanceof TemplateValidationError && /unsubscribe link/.test(error.message) && !/postal address/.test(error.message),
    );
  });

  test('an unsubscribe link as text only, without a link, is not enough', () => {
    assert.throws(
      () => prepareTemplateContent({ ...marketing, bodyHtml: '<p>Reply "unsubscribe" to stop. {{postalAddress}}</p>' }),
      fieldError('bodyHtml', /unsubscribe link/),
    );
  });

  test('accepted with both, as variables or as written text', () => {
    assert.doesNotThrow(() =>
      prepareTemplateContent({ ...marketing, bodyHtml: '<p>Sale</p><a href="{{unsubscribeUrl}}">Unsubscribe</a><p>{{postalAddress}}</p>' }),
    );
    assert.doesNotThrow(() =>
      prepareTemplateContent({
        ...marketing,
        bodyHtml: '<p>Sale</p><a href="https://contoso.com/prefs">Opt out of these emails</a><p>Contoso Ltd, 1 Microsoft Way, Redmond, WA 98052</p>',
      }),
    );
  });
});

describe('messages and previewHash', () => {
  const template = {
    templateId: 't1',
    templateName: 'T',
    category: 'wiring',
    version: 3,
    builtin: false,
    createdAt: '',
    updatedAt: '',
    ...base,
  } as StoredTemplate;
  const variables = { customerName: 'Ada', amount: 1, invoiceNumber: 2 };

  test('composeMessage renders and hashes the exact message', () => {
    const message = composeMessage(template, { to: ['ada@contoso.com'], cc: ['cfo@contoso.com'], variables });
    assert.equal(message.version, 3);
    assert.equal(message.previewHash, previewHash({ to: ['ada@contoso.com'], cc: ['cfo@contoso.com'], bcc: [], subject: message.subject, html: message.html }));
    assert.match(message.previewHash, /^[0-9a-f]{64}$/);
  });

  test('the hash changes with any address, the subject or the HTML, and not with key order', () => {
    const m = { from: 'a@contoso.com', to: ['b@contoso.com'], cc: [], bcc: [], subject: 's', html: '<p>x</p>' };
    const h = previewHash(m);
    assert.equal(previewHash({ html: '<p>x</p>', subject: 's', to: ['b@contoso.com'], from: 'a@contoso.com' }), h);
    for (const changed of [
      { ...m, from: 'z@contoso.com' },
      { ...m, to: ['c@contoso.com'] },
      { ...m, cc: ['c@contoso.com'] },
      { ...m, bcc: ['c@contoso.com'] },
      { ...m, subject: 'S' },
      { ...m, html: '<p>y</p>' },
    ]) {
      assert.notEqual(previewHash(changed), h);
    }
  });

  test('a bad address names its field and position', () => {
    assert.throws(() => composeMessage(template, { to: ['ada@contoso.com', 'not-an-address'], variables }), fieldError('to', /to\[1\] "not-an-address"/));
    assert.throws(() => composeMessage(template, { to: ['ada@contoso.com'], cc: ['x@'], variables }), fieldError('cc', /cc\[0\]/));
    assert.throws(() => composeMessage(template, { to: ['ada@contoso.com'], bcc: ['@y'], variables }), fieldError('bcc', /bcc\[0\]/));
    assert.throws(() => composeMessage(template, { to: ['ada@contoso.com'], from: 'me', variables }), fieldError('from', /from "me"/));
    assert.throws(() => composeMessage(template, { to: [], variables }), fieldError('to', /at least one/));
  });

  // "Exchange Online limits", Recipient limits: 500 recipients per message. Exchange refuses more
  // (the sandbox answers 400 ErrorTooManyRecipients); refused here, before the preview and confirmation.
  test('Exchange Online limits § Recipient limits: more than 500 recipients (to + cc + bcc) in one message are refused naming the limit', () => {
    const list = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}@contoso.com`);
    assert.throws(() => composeMessage(template, { to: list(300, 't'), cc: list(150, 'c'), bcc: list(51, 'b'), variables }), fieldError('to', /501 recipients.*at most 500/));
    assert.equal(composeMessage(template, { to: list(300, 't'), cc: list(150, 'c'), bcc: list(50, 'b'), variables }).to.length, 300);
  });
});
