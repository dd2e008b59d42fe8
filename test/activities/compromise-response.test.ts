// The pieces of containment that need no tenant: the generated password meets Entra's cloud policy and
// never repeats, and the HTML report escapes every text (rule and device names are the attacker's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomPassword, reportHtml } from '../../activities/compromise-response';
import { passwordProblem } from '../../lib/secrets/seal';

test('randomPassword: 20 printable ASCII characters with all four classes, accepted by the policy check, never the same twice', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const p = randomPassword();
    assert.equal(p.length, 20);
    assert.equal(passwordProblem(p), undefined, p);
    for (const cls of [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/]) assert.match(p, cls);
    assert.match(p, /^[\x21-\x7e]+$/, 'no blanks, no Unicode');
    seen.add(p);
  }
  assert.equal(seen.size, 500);
});

test('reportHtml escapes every text: a rule named like markup stays text', () => {
  const html = reportHtml({
    title: 'Compromised account: <b>x</b>',
    blocks: [
      { h2: 'Inbox rules' },
      { ul: ['<img src=x onerror=alert(1)> (enabled): forwards to a@evil.example'] },
      { table: { head: ['name'], rows: [['"quoted" & \'single\'']] } },
      { p: '</p><script>alert(1)</script>' },
    ],
  });
  assert.doesNotMatch(html, /<img|<script|<b>x/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /<td>&quot;quoted&quot; &amp; &#39;single&#39;<\/td>/);
  assert.match(html, /^<!doctype html>.*<title>Compromised account: &lt;b&gt;x&lt;\/b&gt;<\/title>/s);
});
