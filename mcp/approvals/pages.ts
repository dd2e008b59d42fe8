// The inbox's pages, rendered with Handlebars: `{{…}}` escapes everything it prints (previews carry
// tenant data: subjects, names, message bodies), and no page prints anything with `{{{…}}}`.
import type HandlebarsLib from 'handlebars';
import { lazyRequire } from '../../lib/lazy-require';
import type { WaitingItem } from './waiting';

const handlebars = lazyRequire<typeof HandlebarsLib>('handlebars');

/** Simple responsive CSS, no framework: one column on a phone, cards with the preview in full. */
export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f4f5f7}
header{background:#1f3a5f;color:#fff;padding:.8rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
header h1{font-size:1.15rem;margin:0}
header a,header button{color:#fff}
main{max-width:60rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:0 0 1rem}
.card h2{font-size:1.05rem;margin:0 0 .5rem;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:.5rem 0}
dt{color:#57606a}
dd{margin:0;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.75rem;font:14px/1.4 ui-monospace,Menlo,Consolas,monospace;max-height:60vh;overflow:auto}
.card pre{max-height:16rem}
code{font:13px ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.flash{padding:.75rem 1rem;border-radius:6px;margin:0 0 1rem;background:#dafbe1;border:1px solid #4ac26b}
.flash.error{background:#ffebe9;border-color:#ff8182}
form.decide{display:grid;gap:.5rem;margin-top:1rem}
textarea{width:100%;min-height:4.5rem;font:inherit;padding:.5rem;border:1px solid #d0d7de;border-radius:6px}
.buttons{display:flex;flex-wrap:wrap;gap:.5rem}
button{font:inherit;padding:.6rem 1.1rem;border-radius:6px;border:1px solid transparent;cursor:pointer}
button.approve{background:#1f883d;color:#fff}
button.reject{background:#cf222e;color:#fff}
button.link{background:none;border:none;padding:0;text-decoration:underline}
a.open{display:inline-block;margin-top:.5rem;font-weight:600}
.muted{color:#57606a}
@media (max-width:40rem){dl{grid-template-columns:1fr}dt{margin-top:.4rem}main{padding:.6rem}.buttons button{flex:1 1 100%}}
`;

const LAYOUT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{title}} · mm approvals</title><link rel="stylesheet" href="{{base}}/style.css"></head>
<body><header><h1>Approvals inbox</h1>{{#if csrf}}<form method="post" action="{{base}}/logout"><input type="hidden" name="csrf" value="{{csrf}}"><button class="link" type="submit">Sign out</button></form>{{/if}}</header>
<main>{{#if flash}}<p class="flash{{#if flash.error}} error{{/if}}" role="status">{{flash.text}}</p>{{/if}}{{> body}}</main></body></html>`;

const SIGN_IN = `<div class="card"><h2>{{heading}}</h2><p>{{message}}</p>
<p>On the machine that runs mm, run <code>mm approvals --link</code> and open the link it prints (it works once, for 10 minutes).</p></div>`;

const LIST = `{{#if items.length}}<p class="muted">{{items.length}} waiting for a person.</p>{{else}}<div class="card"><h2>Nothing waits for a person.</h2><p class="muted">Actions held for confirmation appear here.</p></div>{{/if}}
{{#each items}}<article class="card"><h2>{{workflowId}}</h2><pre>{{preview}}</pre>
<dl><dt>Connection</dt><dd>{{#if connection}}{{connection}}{{else}}—{{/if}}</dd><dt>Asked by</dt><dd>{{askedBy}}</dd><dt>Expires</dt><dd>{{expiresAt}}</dd><dt>Hash</dt><dd><code>{{hash}}</code></dd></dl>
<a class="open" href="{{../base}}/item?id={{encodedId}}">Open to approve or reject</a></article>{{/each}}`;

const ITEM = `<p><a href="{{base}}/">← All waiting actions</a></p>
<article class="card"><h2>{{item.workflowId}}</h2>
<dl><dt>Workflow</dt><dd>{{item.workflowType}}{{#if item.operation}} ({{item.operation}}){{/if}}</dd><dt>Connection</dt><dd>{{#if item.connection}}{{item.connection}}{{else}}—{{/if}}</dd>{{#if item.target}}<dt>Target</dt><dd>{{item.target}}</dd>{{/if}}<dt>Asked by</dt><dd>{{item.askedBy}}</dd><dt>Started</dt><dd>{{item.startedAt}}</dd><dt>Expires</dt><dd>{{item.expiresAt}}</dd><dt>Decided by</dt><dd>{{#if human}}a person (confirmWith: human){{else}}a person or the assistant (confirmWith: assistant){{/if}}</dd><dt>Hash</dt><dd><code>{{item.hash}}</code></dd></dl>
<h3>Preview: exactly what happens on approval</h3><pre>{{item.preview}}</pre>
<form class="decide" method="post" action="{{base}}/decide">
<input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="workflowId" value="{{item.workflowId}}"><input type="hidden" name="hash" value="{{item.hash}}">
<label for="reason">Reason (required to reject; kept in the workflow's history)</label><textarea id="reason" name="reason" maxlength="500"></textarea>
<div class="buttons"><button class="approve" type="submit" name="decision" value="approve">Approve</button><button class="reject" type="submit" name="decision" value="reject">Reject</button></div>
</form></article>`;

const GONE = `<p><a href="{{base}}/">← All waiting actions</a></p><div class="card"><h2>{{workflowId}}</h2><p>This workflow no longer waits for a confirmation: it was decided, expired, or finished.</p></div>`;

type Render = (context: object) => string;
let compiled: { signIn: Render; list: Render; item: Render; gone: Render } | undefined;

function pages() {
  if (compiled) return compiled;
  const hb = handlebars().create();
  const layout = (body: string) => {
    const partial = hb.compile(body, { strict: false });
    const page = hb.compile(LAYOUT);
    return (context: object) => page(context, { partials: { body: partial } });
  };
  compiled = { signIn: layout(SIGN_IN), list: layout(LIST), item: layout(ITEM), gone: layout(GONE) };
  return compiled;
}

interface Frame {
  base: string;
  csrf?: string;
  flash?: { text: string; error: boolean };
}

export const signInPage = (frame: Frame, heading: string, message: string) => pages().signIn({ ...frame, title: 'Sign in', heading, message });

export const listPage = (frame: Frame, items: WaitingItem[]) =>
  pages().list({
    ...frame,
    title: `${items.length} waiting`,
    items: items.map((item) => ({ ...item, encodedId: encodeURIComponent(item.workflowId) })),
  });

export const itemPage = (frame: Frame, item: WaitingItem) => pages().item({ ...frame, title: item.workflowId, item, human: item.confirmWith === 'human' });

export const gonePage = (frame: Frame, workflowId: string) => pages().gone({ ...frame, title: 'Not waiting', workflowId });
