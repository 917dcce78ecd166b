/**
 * The part of Lightspeed's back office a newcomer needs for the demo: Setup > Personal Tokens.
 * Like the real page, a token gets a name, expiry is optional (off unless ticked), and the secret is
 * shown once, with a Copy button. Served at /{prefix}/setup/personal-tokens; no API token needed
 * (the real page sits behind the merchant's own sign-in, which the emulator does not model).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Store } from './store.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function handleBackOffice(store: Store, req: IncomingMessage, res: ServerResponse, path: string, form: Record<string, string> | undefined): boolean {
  if (path !== '/setup/personal-tokens') return false;
  let created: { name: string; token: string } | undefined;
  let error = '';
  if ((req.method ?? 'GET').toUpperCase() === 'POST') {
    const name = (form?.name ?? '').trim();
    const expires = form?.allow_expiry === 'on';
    const expiresAt = form?.expires_at ?? '';
    if (!name) error = 'Give the token a name.';
    else if (expires && Number.isNaN(Date.parse(expiresAt))) error = 'Choose an expiry date, or untick "Allow personal tokens to expire".';
    else {
      const info = store.createToken({ name: name.slice(0, 80), expiresAt: expires ? expiresAt : null });
      created = { name: info.name, token: info.token };
    }
  }
  const rows = store
    .listTokens()
    .map((t) => `<tr><td>${escape(t.name)}</td><td>${escape(t.createdAt.slice(0, 10))}</td><td>${t.expiresAt ? escape(t.expiresAt.slice(0, 10)) : 'Never'}</td><td>${t.revokedAt ? 'Revoked' : 'Active'}</td></tr>`)
    .join('');
  const reveal = created
    ? `<section class="once"><h2>Personal token "${escape(created.name)}" generated</h2>
       <p>Copy it now: it will not be shown again.</p>
       <input id="token" readonly value="${escape(created.token)}" aria-label="Personal token">
       <button type="button" id="copy">Copy token</button></section>`
    : '';
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Personal Tokens · ${escape(store.domainPrefix)} (emulated Lightspeed)</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:760px;color:#1f2933}h1{font-size:1.4rem}table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left}
form,.once{border:1px solid #ccd;border-radius:8px;padding:1rem;margin:1rem 0}.once{background:#effaf3;border-color:#3aa45b}input[type=text],input[type=date],#token{padding:.4rem;width:60%}button{background:#2f6fed;color:#fff;border:0;border-radius:6px;padding:.5rem 1rem;cursor:pointer}.error{color:#b42318}.note{color:#52606d;font-size:.9rem}</style></head>
<body><p class="note">Emulated Lightspeed Retail X-Series back office · store <strong>${escape(store.domainPrefix)}</strong> · Setup → Personal Tokens</p>
<h1>Personal Tokens</h1>${reveal}
<form method="post"><h2>Add personal token</h2>${error ? `<p class="error">${escape(error)}</p>` : ''}
<p><label>Name <input type="text" name="name" value="Patron"></label></p>
<p><label><input type="checkbox" name="allow_expiry"> Allow personal tokens to expire</label> <input type="date" name="expires_at" aria-label="Expiry date"></p>
<button type="submit">Generate personal token</button></form>
<h2>Your tokens</h2><table><thead><tr><th>Name</th><th>Created</th><th>Expires</th><th>Status</th></tr></thead><tbody>${rows}</tbody></table>
<script>document.getElementById('copy')?.addEventListener('click',()=>{const t=document.getElementById('token');t.select();navigator.clipboard?.writeText(t.value);document.getElementById('copy').textContent='Copied';});</script>
</body></html>`;
  res.writeHead(created || error ? (error ? 400 : 201) : 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(html);
  return true;
}
