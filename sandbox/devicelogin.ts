// The sign-in page a person opens from the device code message: enter the code, pick a sandbox
// user, Continue or Cancel. Plain HTML forms, no script, so any browser (or a headless one) can drive it.
import type { AuthService } from './auth';
import type { TenantState } from './state';

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
body{font-family:"Segoe UI",system-ui,sans-serif;background:#f2f2f2;margin:0;display:flex;justify-content:center;padding-top:8vh}
main{background:#fff;width:440px;padding:44px;box-shadow:0 2px 6px rgba(0,0,0,.2)}
h1{font-size:24px;font-weight:600;margin:0 0 16px}
.banner{font-size:13px;color:#605e5c;margin-bottom:24px}
input[type=text]{width:100%;box-sizing:border-box;font-size:15px;padding:6px 0;border:0;border-bottom:1px solid #666;margin-bottom:16px;text-transform:uppercase}
label.user{display:block;padding:10px;border:1px solid #e1e1e1;margin-bottom:6px;cursor:pointer}
label.user:hover{background:#f3f2f1}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:20px}
button{font-size:15px;padding:6px 20px;border:0;min-width:108px;cursor:pointer}
button.primary{background:#0067b8;color:#fff}button.secondary{background:#ccc}
.error{color:#e81123;margin-bottom:12px}
ul{padding-left:20px;color:#323130}
</style></head>
<body><main><div class="banner">Microsoft (sandbox tenant)</div>${body}</main></body></html>`;
}

export function enterCodePage(error?: string, code = ''): string {
  return page(
    'Enter code',
    `<h1>Enter code</h1>
<p>Enter the code displayed on your app or device.</p>
${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/devicelogin">
<input type="text" id="otc" name="otc" placeholder="Code" autocomplete="off" value="${esc(code)}" autofocus>
<div class="actions"><button class="primary" type="submit" id="idSIButton9">Next</button></div>
</form>`,
  );
}

export function pickUserPage(auth: AuthService, state: TenantState, code: string): string {
  const entry = auth.pending().find((p) => p.userCode === code.trim().toUpperCase());
  const users = Object.values(state.data.users).filter((u) => u.graph.accountEnabled !== false);
  const options = users
    .map(
      (u, i) =>
        `<label class="user"><input type="radio" name="user" value="${esc(u.graph.userPrincipalName)}"${i === 0 ? ' checked' : ''}> ${esc(u.graph.displayName)} <small>${esc(u.graph.userPrincipalName)}</small>${u.roles.length ? ` <small>(${esc(u.roles.join(', '))})</small>` : ''}</label>`,
    )
    .join('\n');
  return page(
    'Pick an account',
    `<h1>Are you trying to sign in to ${esc(entry?.appName)}?</h1>
<p>Only continue if you downloaded the app from a store or website that you trust.</p>
<p>It asks for:</p><ul>${(entry?.scopes ?? []).map((s) => `<li>${esc(s)}</li>`).join('')}</ul>
<form method="post" action="/devicelogin">
<input type="hidden" name="otc" value="${esc(code)}">
<fieldset style="border:0;padding:0"><legend>Sign in as</legend>
${options}
</fieldset>
<div class="actions">
<button class="secondary" type="submit" name="action" value="decline" id="idBtn_Back">Cancel</button>
<button class="primary" type="submit" name="action" value="approve" id="idSIButton9">Continue</button>
</div>
</form>`,
  );
}

export function donePage(approved: boolean, appName: string, upn?: string): string {
  return approved
    ? page('Signed in', `<h1>${esc(appName)}</h1><p id="result">You have signed in to the ${esc(appName)} application on your device as ${esc(upn)}. You may now close this window.</p>`)
    : page('Sign-in cancelled', `<h1>${esc(appName)}</h1><p id="result">You have declined to sign in to the application on your device. You may now close this window.</p>`);
}

/** Handles GET/POST /devicelogin; returns the HTML to send. */
export function deviceLogin(auth: AuthService, state: TenantState, method: string, form: URLSearchParams): { status: number; html: string } {
  const code = (form.get('otc') ?? form.get('code') ?? '').trim().toUpperCase();
  if (method === 'GET' && !code) return { status: 200, html: enterCodePage() };
  const entry = code ? auth.pending().find((p) => p.userCode === code.replace(/[\s-]/g, '')) : undefined;
  if (!entry) {
    return { status: 200, html: enterCodePage(code ? "That code didn't work. Check the code and try again." : 'Enter the code displayed on your app or device.', code) };
  }
  const action = form.get('action');
  if (method === 'POST' && action === 'approve') {
    try {
      const user = auth.approve(entry.userCode, form.get('user') ?? undefined);
      return { status: 200, html: donePage(true, entry.appName, user.graph.userPrincipalName) };
    } catch (err) {
      return { status: 200, html: enterCodePage((err as Error).message, code) };
    }
  }
  if (method === 'POST' && action === 'decline') {
    auth.decline(entry.userCode);
    return { status: 200, html: donePage(false, entry.appName) };
  }
  return { status: 200, html: pickUserPage(auth, state, entry.userCode) };
}
