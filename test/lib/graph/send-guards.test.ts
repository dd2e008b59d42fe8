import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { draftPreview, graphPathRefusal, isGuardedSend, sendKind, type SendKind } from '../../../lib/graph/send-guards';
import { senderOfSendMail } from '../../../activities/send-once';

describe('send detection reads the path as Graph executes it', () => {
  const mail = (to: string) => ({ message: { subject: 'Hi', toRecipients: [{ emailAddress: { address: to } }] } });
  // [method, endpoint, body, the send kind expected (undefined: not a send)]
  const spellings: [string, string, unknown, SendKind | undefined][] = [
    ['POST', '/me/sendMail', undefined, 'mail'],
    ['POST', '/users/ann@contoso.example/sendMail', undefined, 'mail'],
    ['post', 'https://graph.microsoft.com/v1.0/users/ann@contoso.example/sendMail', undefined, 'mail'],
    ['POST', 'me/SENDMAIL', undefined, 'mail'],
    ['POST', '/users/x/send%4Dail', undefined, 'mail'],
    ['POST', '/users/x/send%254Dail', undefined, 'mail'],
    ['POST', '/users/x/%73%65%6e%64%4d%61%69%6c', undefined, 'mail'],
    ['POST', '/users/x/sendMail/.', undefined, 'mail'],
    ['POST', '/users/x/sendMail/', undefined, 'mail'],
    ['POST', '/users/x/sendMail%2F', undefined, 'mail'],
    ['POST', '//users//x///sendMail', undefined, 'mail'],
    ['POST', '/users/x/messages/../sendMail', undefined, 'mail'],
    ['POST', '/users/x/./sendMail?$select=id', undefined, 'mail'],
    ['POST', '/users/x/microsoft.graph.sendMail', undefined, 'mail'],
    ['POST', '/me/Microsoft.Graph.SendMail', undefined, 'mail'],
    ['POST', "/users('ann@contoso.example')/sendMail", undefined, 'mail'],
    ['POST', '/users/x/sendMail()', undefined, 'mail'],
    ['POST', '/v1.0/../beta/me/sendMail', undefined, 'mail'],
    ['POST', '/BETA/me/sendMail', undefined, 'mail'],
    ['POST', '/me/sendMail%20', undefined, 'mail'],
    ['POST', '/me/sendMail;x=1', undefined, 'mail'],
    ['POST', '/me\\sendMail', undefined, 'mail'],
    ['POST', '/me/messages/AAMk=/reply', undefined, 'reply'],
    ['POST', '/me/messages/AAMk=/re%70ly', undefined, 'reply'],
    ['POST', '/me/messages/AAMk=/replyAll', undefined, 'replyAll'],
    ['POST', '/me/messages/AAMk=/microsoft.graph.replyAll/', undefined, 'replyAll'],
    ['POST', '/users/u1/messages/AAMk=/forward', undefined, 'forward'],
    ['POST', '/users/u1/messages/AAMk=/FORWARD/.', undefined, 'forward'],
    ['POST', '/me/messages/AAMk=/send', undefined, 'sendDraft'],
    ['POST', '/me/mailFolders/inbox/messages/AAMk=/reply/', undefined, 'reply'],
    ['POST', '/beta/me/messages/AAMk=/send?x=1', undefined, 'sendDraft'],
    ['POST', '/teams/t1/channels/19:abc@thread.tacv2/messages', undefined, 'channelMessage'],
    ['POST', '/teams/t1/channels/19%3Aabc%40thread.tacv2/Messages/', undefined, 'channelMessage'],
    ['POST', '/teams/t1/channels/19:abc@thread.tacv2/messages/1616/replies', undefined, 'channelMessage'],
    ['POST', '/teams/t1/primaryChannel/messages', undefined, 'channelMessage'],
    ['POST', '/groups/g1/team/channels/c1/messages', undefined, 'channelMessage'],
    ['POST', '/teams/t1/channels/c1/./messages', undefined, 'channelMessage'],
    ['POST', '/chats/19:chat@thread.v2/messages', undefined, 'chatMessage'],
    ['POST', '/me/chats/19:chat@thread.v2/messages', undefined, 'chatMessage'],
    ['POST', '/users/u1/chats/19:chat@thread.v2/mess%61ges', undefined, 'chatMessage'],
    ['POST', '/users/x/send%ZZail', undefined, 'unclear'],
    ['POST', '/users/x/send%25%25Mail', undefined, 'unclear'],
    ['POST', '/users/x/sendMail%3Fx=1', undefined, 'unclear'],
    ['POST', '/../me/sendMail', undefined, 'unclear'],
    ['POST', '/users/x/send%00Mail', undefined, 'unclear'],
    ['POST', '/$batch', { requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '2', method: 'POST', url: '/me/sendMail', body: {} }] }, 'batch'],
    ['POST', '/v1.0/$batch', { requests: [{ id: '1', method: 'post', url: '/users/x/send%4Dail', body: mail('a@x.example') }] }, 'batch'],
    ['POST', '/$BATCH/', { requests: [{ id: '1', method: 'POST', url: 'users/x/microsoft.graph.sendMail/.' }] }, 'batch'],
    ['POST', '/$batch', JSON.stringify({ requests: [{ id: '1', method: 'POST', url: '/chats/c1/messages' }] }), 'batch'],
    ['POST', '/$batch', { requests: [{ id: '1', url: '/me/sendMail' }] }, 'batch'],
    ['POST', '/$batch', { requests: [{ id: '1', method: 'POST', url: 42 }] }, 'batch'],
    ['POST', '/$batch', 'not json', 'batch'],
    ['POST', '/$batch', undefined, 'batch'],
    ['POST', '/%24batch', { requests: [{ id: '1', method: 'POST', url: '/me/send%4Dail' }] }, 'batch'],
    ['POST', '/$batch', { requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '2', method: 'POST', url: '/users', body: {} }] }, undefined],
    ['POST', '/$batch', { requests: [{ id: '1', method: 'GET', url: '/me/sendMail' }] }, undefined],
    ['GET', '/me/sendMail', undefined, undefined],
    ['GET', '/users/x/send%4Dail', undefined, undefined],
    ['GET', '/teams/t1/channels/c1/messages', undefined, undefined],
    ['GET', '/chats/c1/messages', undefined, undefined],
    ['PATCH', '/me/messages/AAMk=', undefined, undefined],
    ['POST', '/me/messages', undefined, undefined],
    ['POST', '/me/messages/AAMk=/createReply', undefined, undefined],
    ['POST', '/me/messages/AAMk=/createForward', undefined, undefined],
    ['POST', '/me/sendMailx', undefined, undefined],
    ['POST', '/users/sendMail@contoso.example/messages', undefined, undefined],
    ['POST', '/teams/t1/channels', undefined, undefined],
    ['POST', '/teams/t1/sendActivityNotification', undefined, undefined],
    ['POST', '/users', undefined, undefined],
    ['DELETE', '/me/messages/AAMk=', undefined, undefined],
    ['POST', '/chats', undefined, undefined],
  ];
  for (const [method, endpoint, body, kind] of spellings) {
    const shown = `${method} ${endpoint}${body === undefined ? '' : ` ${typeof body === 'string' ? body : JSON.stringify(body)}`}`;
    test(`${shown} → ${kind ?? 'not a send'}`, () => {
      assert.equal(sendKind(method, endpoint, body), kind);
      assert.equal(isGuardedSend(method, endpoint, body), kind !== undefined);
    });
  }
  test(`the table has ${spellings.length} spellings`, () => assert.ok(spellings.length >= 25));

  test('a path that decodes to control characters or NUL is refused, also inside a $batch', () => {
    assert.match(graphPathRefusal('/users/x/send%00Mail') ?? '', /control characters/);
    assert.match(graphPathRefusal('/users/x/send%250AMail') ?? '', /control characters/);
    assert.match(graphPathRefusal('/$batch', { requests: [{ id: '1', method: 'POST', url: '/me/send%09Mail' }] }) ?? '', /\$batch.*control characters/);
    assert.equal(graphPathRefusal('/users/x/send%4Dail'), undefined);
    assert.equal(graphPathRefusal('/$batch', { requests: [{ id: '1', method: 'GET', url: '/me' }] }), undefined);
  });

  test('the preview names the sender and the path Graph will execute', () => {
    const p = draftPreview('POST', "/v1.0/users('ann%40contoso.example')/microsoft.graph.send%4Dail/.", mail('bob@contoso.example'));
    assert.equal(p.kind, 'mail');
    assert.equal(p.from, 'ann@contoso.example');
    assert.deepEqual(p.to, ['bob@contoso.example']);
    assert.match(p.text, /^Send email \(POST \/users\/ann@contoso\.example\/sendMail\)/);
    const unclear = draftPreview('POST', '/users/x/send%ZZail', mail('bob@contoso.example'));
    assert.equal(unclear.kind, 'unclear');
    assert.match(unclear.text, /cannot be read unambiguously.*\/users\/x\/send%ZZail/);
    assert.match(unclear.text, /bob@contoso\.example/);
    const batch = draftPreview('POST', '/$batch', { requests: [{ id: '1', method: 'POST', url: '/users/x/send%4Dail', body: mail('c@x.example') }] });
    assert.equal(batch.kind, 'batch');
    assert.deepEqual(batch.to, ['c@x.example']);
    assert.match(batch.text, /1 send\(s\)/);
  });
});

describe('draftPreview', () => {
  test('shows sender, recipients, subject, body as text and attachment names of a sendMail', () => {
    const preview = draftPreview('POST', '/users/ann@contoso.example/sendMail', {
      message: {
        subject: 'Quarterly report',
        body: { contentType: 'HTML', content: '<p>Hello&nbsp;team,</p><p>See <b>attached</b> &amp; reply.</p>' },
        toRecipients: [{ emailAddress: { address: 'bob@contoso.example', name: 'Bob' } }],
        ccRecipients: [{ emailAddress: { address: 'cat@contoso.example' } }],
        bccRecipients: [{ emailAddress: { address: 'dan@contoso.example' } }],
        attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'q3.pdf', contentBytes: 'AAAA' }],
      },
    });
    assert.equal(preview.kind, 'mail');
    assert.equal(preview.from, 'ann@contoso.example');
    assert.deepEqual(preview.to, ['Bob <bob@contoso.example>']);
    assert.deepEqual(preview.cc, ['cat@contoso.example']);
    assert.deepEqual(preview.bcc, ['dan@contoso.example']);
    assert.deepEqual(preview.attachments, ['q3.pdf']);
    assert.equal(preview.body, 'Hello team,\nSee attached & reply.');
    assert.match(preview.text, /^Send email \(POST \/users\/ann@contoso.example\/sendMail\)/);
    assert.match(preview.text, /Subject: Quarterly report/);
    assert.match(preview.text, /Bcc: dan@contoso.example/);
    assert.ok(!preview.text.includes('AAAA'), 'attachment content is not shown');
  });

  test('trims long bodies and says how much was left out', () => {
    const preview = draftPreview('POST', '/me/sendMail', { message: { body: { contentType: 'Text', content: 'x'.repeat(50) } } }, 10);
    assert.equal(preview.body, `${'x'.repeat(10)}… [40 more characters]`);
    assert.equal(preview.from, 'the signed-in account');
  });

  test('previews a reply comment, a forward\'s recipients and a Teams post', () => {
    const reply = draftPreview('POST', '/me/messages/m1/replyAll', { comment: 'Agreed.' });
    assert.equal(reply.kind, 'replyAll');
    assert.equal(reply.body, 'Agreed.');
    assert.match(reply.text, /To: the original sender/);
    const forward = draftPreview('POST', '/me/messages/m1/forward', { comment: 'FYI', toRecipients: [{ emailAddress: { address: 'eve@x.example' } }] });
    assert.deepEqual(forward.to, ['eve@x.example']);
    const post = draftPreview('POST', '/teams/t1/channels/c1/messages', { body: { contentType: 'html', content: '<div>Deploy at 5</div>' } });
    assert.equal(post.kind, 'channelMessage');
    assert.deepEqual(post.to, ['/teams/t1/channels/c1']);
    assert.equal(post.body, 'Deploy at 5');
  });

  test('previews the sends inside a $batch', () => {
    const preview = draftPreview('POST', '/$batch', {
      requests: [
        { id: '1', method: 'GET', url: '/me' },
        { id: '2', method: 'POST', url: '/me/sendMail', body: { message: { subject: 'Hi', toRecipients: [{ emailAddress: { address: 'a@x.example' } }] } } },
      ],
    });
    assert.equal(preview.kind, 'batch');
    assert.deepEqual(preview.to, ['a@x.example']);
    assert.match(preview.text, /1 send\(s\)/);
  });
});

describe('the mailbox a sendMail sends from, for the Sent Items look-up after an unknown answer', () => {
  const cases: [string, string | undefined][] = [
    ['/me/sendMail', 'me'],
    ['https://graph.microsoft.com/v1.0/me/sendMail', 'me'],
    ['/users/ann@contoso.example/sendMail', 'users/ann@contoso.example'],
    ['/users/x/send%4Dail', 'users/x'],
    ['/users/x/sendMail/.', 'users/x'],
    ["/v1.0/users('ann%40contoso.example')/microsoft.graph.sendMail", 'users/ann@contoso.example'],
    ['/users/x/messages/m1/send', undefined],
    ['/users/x/mailFolders/sendMail', undefined],
    ['/users/x/send%ZZail', undefined],
  ];
  for (const [endpoint, sender] of cases) {
    test(`${endpoint} → ${sender ?? 'not a sendMail'}`, () => assert.equal(senderOfSendMail(endpoint), sender));
  }
});
