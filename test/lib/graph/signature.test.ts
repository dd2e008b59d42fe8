import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stripHtmlSignature, stripMessageSignatures, stripTextSignature } from '../../../lib/graph/signature';

describe('stripTextSignature', () => {
  test('drops an RFC 3676 signature', () => {
    assert.equal(stripTextSignature('Can we meet at 3?\n\n-- \nAnn Smith\nContoso'), 'Can we meet at 3?');
  });

  test('drops mobile footers', () => {
    assert.equal(stripTextSignature('Yes.\n\nSent from my iPhone'), 'Yes.');
    assert.equal(stripTextSignature('Ok\r\nGet Outlook for iOS'), 'Ok');
  });

  test('drops the quoted reply chain after "On ... wrote:" and Outlook headers', () => {
    const gmail = 'Sounds good.\n\nOn Mon, 3 Mar 2025 at 10:00, Bob <bob@x.example> wrote:\n> Shall we?\n> Bob';
    assert.equal(stripTextSignature(gmail), 'Sounds good.');
    const outlook = 'Approved.\n\n________________________________\nFrom: Bob\nSent: Monday\nTo: Ann\nSubject: Budget';
    assert.equal(stripTextSignature(outlook), 'Approved.');
    const header = 'Approved.\n\nFrom: Bob <bob@x.example>\nSent: Monday, March 3\nSubject: Budget\n\nOld text';
    assert.equal(stripTextSignature(header), 'Approved.');
    const original = 'See below.\n-----Original Message-----\nFrom: Bob';
    assert.equal(stripTextSignature(original), 'See below.');
  });

  test('keeps the sign-off, drops the short contact block after it', () => {
    const text = 'Please review the contract.\n\nBest regards,\nAnn Smith\nHead of Legal | Contoso\n+1 555 0100';
    assert.equal(stripTextSignature(text), 'Please review the contract.\n\nBest regards,');
  });

  test('leaves text without markers alone, including a "From:" line that is not a reply header', () => {
    const text = 'From: the finance team we need three quotes.\nThanks for the help earlier today, it was a long paragraph that goes on.';
    assert.equal(stripTextSignature(text), text);
    assert.equal(stripTextSignature('> quoted in the middle\nmy answer'), '> quoted in the middle\nmy answer');
  });
});

describe('stripHtmlSignature', () => {
  test('drops the Outlook reply chain and signature div, closing what the cut left open', () => {
    const html =
      '<html><body><div>Approved, go ahead.</div><div id="Signature"><p>Ann Smith<br>CFO</p></div>' +
      '<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg"><b>From:</b> Bob</div><div>Old thread</div></body></html>';
    const out = stripHtmlSignature(html);
    assert.match(out, /Approved, go ahead\./);
    assert.doesNotMatch(out, /Ann Smith|Old thread|From:/);
    assert.equal((out.match(/<div/g) ?? []).length, (out.match(/<\/div>/g) ?? []).length);
  });

  test('drops Gmail quotes and signatures', () => {
    const html = '<div dir="ltr">Thanks!<div class="gmail_signature">Bob | Fabrikam</div></div><div class="gmail_quote"><div>On Mon, Ann wrote:</div><blockquote>hi</blockquote></div>';
    const out = stripHtmlSignature(html);
    assert.match(out, /Thanks!/);
    assert.doesNotMatch(out, /Fabrikam|Ann wrote|hi</);
  });

  test('drops an Apple Mail cite blockquote', () => {
    const out = stripHtmlSignature('<div>Fine by me.</div><blockquote type="cite">Earlier message</blockquote>');
    assert.equal(out, '<div>Fine by me.</div>');
  });
});

describe('stripMessageSignatures', () => {
  test('strips body and uniqueBody of every message in a collection, without changing the input', () => {
    const page = {
      '@odata.nextLink': 'https://graph.microsoft.com/v1.0/me/messages?$skip=10',
      value: [
        { id: '1', subject: 'A', body: { contentType: 'text', content: 'Hi\n-- \nsig' }, uniqueBody: { contentType: 'html', content: '<p>x</p><div id="Signature">sig</div>' } },
        { id: '2', subject: 'B', body: { contentType: 'html', content: '<p>Yes</p><div class="gmail_quote">old</div>' } },
      ],
    };
    const copy = structuredClone(page);
    const out = stripMessageSignatures(page);
    assert.deepEqual(page, copy, 'input unchanged');
    assert.equal(out.value[0].body.content, 'Hi');
    assert.equal(out.value[0].uniqueBody!.content, '<p>x</p>');
    assert.equal(out.value[1].body.content, '<p>Yes</p>');
    assert.equal(out['@odata.nextLink'], page['@odata.nextLink']);
    assert.equal(out.value[1].subject, 'B');
  });
});
