/** Words of the embeddable form, in the language the admin works in. */
export interface SnippetText {
  name: string;
  mobile: string;
  email: string;
  company: string;
  title: string;
  honeypot: string;
  submit: string;
  thanks: string;
  failed: string;
  network: string;
}

const html = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** A JS string literal that is also safe inside an HTML <script> element. */
const js = (s: string): string => JSON.stringify(s).replace(/</g, '\\u003c');

export function publicFormEndpoint(origin: string, formKey: string): string {
  return `${origin.replace(/\/+$/, '')}/api/v1/public/forms/${encodeURIComponent(formKey)}`;
}

/**
 * The HTML a website pastes to post leads to a form (LEADS.md section 10): a plain form with
 * the hidden `_hp` honeypot, and a small script that adds the page's UTM parameters, landing
 * page and referrer and shows the answer without leaving the page.
 */
export function formSnippet(endpoint: string, text: SnippetText): string {
  return `<form id="fw-lead-form" novalidate>
  <label>${html(text.name)} <input name="name" required maxlength="100" autocomplete="name" /></label>
  <label>${html(text.mobile)} <input name="mobile" type="tel" required autocomplete="tel" /></label>
  <label>${html(text.email)} <input name="email" type="email" autocomplete="email" /></label>
  <label>${html(text.company)} <input name="company" maxlength="200" autocomplete="organization" /></label>
  <label>${html(text.title)} <input name="title" maxlength="100" /></label>
  <!-- honeypot: hidden from people, bots fill it; keep the name _hp -->
  <div aria-hidden="true" style="position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden">
    <label>${html(text.honeypot)} <input name="_hp" type="text" tabindex="-1" autocomplete="off" /></label>
  </div>
  <button type="submit">${html(text.submit)}</button>
  <p id="fw-lead-msg" role="status"></p>
</form>
<script>
  (() => {
    const endpoint = ${js(endpoint)};
    const form = document.getElementById('fw-lead-form');
    const msg = document.getElementById('fw-lead-msg');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const body = Object.fromEntries(new FormData(form));
      const q = new URLSearchParams(location.search);
      for (const k of ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'])
        if (q.get(k)) body[k] = q.get(k);
      body.landing_page = location.origin + location.pathname;
      if (document.referrer) body.referrer = document.referrer.slice(0, 255);
      const button = form.querySelector('button');
      button.disabled = true;
      try {
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const json = await res.json().catch(() => null);
        if (res.ok) {
          form.reset();
          msg.textContent = (json && json.data && json.data.message) || ${js(text.thanks)};
        } else if (res.status === 422 && json && json.error) {
          msg.textContent = (json.error.details || []).map((d) => d.issue).join('; ') || json.error.message;
        } else {
          msg.textContent = ${js(text.failed)};
        }
      } catch {
        msg.textContent = ${js(text.network)};
      } finally {
        button.disabled = false;
      }
    });
  })();
</script>
`;
}

/** Exact origins only (scheme, host, port): what the server accepts in allowed_origins. */
export function isOrigin(v: string): boolean {
  try {
    return new URL(v).origin === v;
  } catch {
    return false;
  }
}
