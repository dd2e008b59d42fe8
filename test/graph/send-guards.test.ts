import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { draftPreview, isGuardedSend } from '../../lib/graph/send-guards';

describe('isGuardedSend', () => {
  const guarded: [string, string][] = [
    ['POST', '/me/sendMail'],
    ['POST', '/users/ann@contoso.example/sendMail'],
    ['post', 'https://graph.microsoft.com/v1.0/users/ann@contoso.example/sendMail'],
    ['POST', '/me/messages/AAMk=/reply'],
    ['POST', '/me/messages/AAMk=/replyAll'],
    ['POST', '/users/u1/messages/AAMk=/forward'],
    ['POST', '/me/messages/AAMk=/send'],
    ['POST', '/me/mailFolders/inbox/messages/AAMk=/reply/'],
    ['POST', '/beta/me/messages/AAMk=/send?x=1'],
    ['POST', '/teams/t1/channels/19:abc@thread.tacv2/messages'],
    ['POST', '/teams/t1/channels/19:abc@thread.tacv2/messages/1616/replies'],
    ['POST', '/chats/19:chat@thread.v2/messages'],
    ['POST', '/me/chats/19:chat@thread.v2/messages'],
    ['POST', '/users/u1/chats/19:chat@thread.v2/messages'],
    ['POST', 'me/SENDMAIL'],
  ];
  const notGuarded: [string, string][] = [
    ['GET', '/me/sendMail'],
    ['GET', '/teams/t1/channels/c1/messages'],
    ['GET', '/chats/c1/messages'],
    ['PATCH', '/me/messages/AAMk='],
    ['POST', '/me/messages'],
    ['POST', '/me/messages/AAMk=/createReply'],
    ['POST', '/me/messages/AAMk=/createForward'],
    ['POST', '/teams/t1/channels'],
    ['POST', '/teams/t1/sendActivityNotification'],
    ['POST', '/users'],
    ['DELETE', '/me/messages/AAMk='],
    ['POST', '/chats'],
  ];
  for (const [method, endpoint] of guarded) test(`guards ${method} ${endpoint}`, () => assert.equal(isGuardedSend(method, endpoint), true));
  for (const [method, endpoint] of notGuarded) test(`lets ${method} ${endpoint} through`, () => assert.equal(isGuardedSend(method, endpoint), false));

  test('guards a $batch that contains a send, not one that does not', () => {
    const withSend = { requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '2', method: 'POST', url: '/me/sendMail', body: {} }] };
    const withoutSend = { requests: [{ id: '1', method: 'GET', url: '/me' }, { id: '2', method: 'POST', url: '/users', body: {} }] };
    assert.equal(isGuardedSend('POST', '/$batch', withSend), true);
    assert.equal(isGuardedSend('POST', '/v1.0/$batch', withoutSend), false);
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
