import { api } from './api.js';
import { alertBox, h, toast } from './ui.js';

/** `#/settings`: the default webhook URL and its signing secret. */
export function settingsView(main) {
  const problem = h('div');
  const url = h('input', { type: 'url', name: 'url', id: 'webhook-url', placeholder: 'https://example.com/hooks/zipjobs' });
  const secret = h('code', { id: 'webhook-secret' }, '…');
  const show = (settings) => { url.value = settings.url ?? ''; secret.textContent = settings.secret; };
  const guard = (fn) => async (event) => {
    event?.preventDefault();
    problem.replaceChildren();
    try { await fn(); } catch (error) { problem.replaceChildren(alertBox(error.message)); }
  };
  const form = h('form', { class: 'stack', onsubmit: guard(async () => {
    show(await api('PUT', '/settings/webhook', { url: url.value.trim() || null }));
    toast('Webhook saved');
  }) },
  h('label', { for: 'webhook-url' }, 'Default webhook URL (empty: none)', url),
  h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Save')));
  main.replaceChildren(
    h('h2', {}, 'Settings'),
    h('h3', {}, 'Webhook'),
    problem,
    form,
    h('p', {}, 'Signing secret: ', secret),
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', onclick: guard(async () => {
      if (!confirm('Rotate the signing secret? The old one keeps signing for 24 hours.')) return;
      show(await api('POST', '/settings/webhook/rotate'));
      toast('Secret rotated');
    }) }, 'Rotate secret')),
    ...bucketsSection(),
  );
  guard(async () => show(await api('GET', '/settings/webhook')))();
}

const field = (label, name, attrs = {}) => h('label', {}, label, h('input', { type: 'text', name, ...attrs }));

/** The tenant's own buckets: listed, added (verified by the API with a probe write), removed. */
export function bucketsSection() {
  const problem = h('div');
  const list = h('div');
  const reload = async () => {
    const { buckets } = await api('GET', '/settings/buckets');
    list.replaceChildren(buckets.length === 0 ? h('p', { class: 'muted' }, 'No bucket of your own: ZIPs are kept in zipjobs storage.') : h('table', { class: 'cards', 'aria-label': 'Buckets' },
      h('thead', {}, h('tr', {}, ['Name', 'Service', 'Bucket', 'Region / endpoint', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, buckets.map((b) => h('tr', { 'data-bucket': b.name },
        h('td', { 'data-label': 'Name', class: 'mono' }, b.name),
        h('td', { 'data-label': 'Service' }, b.service),
        h('td', { 'data-label': 'Bucket', class: 'mono' }, b.bucket),
        h('td', { 'data-label': 'Where', class: 'mono' }, b.endpoint ?? b.region ?? b.account_id ?? ''),
        h('td', { 'data-label': 'Actions' }, h('button', { type: 'button', class: 'danger', onclick: () => remove(b.name) }, `Remove ${b.name}`)))))));
  };
  const guard = async (fn) => {
    problem.replaceChildren();
    try { await fn(); } catch (error) { problem.replaceChildren(alertBox(error.message)); }
  };
  const remove = (name) => guard(async () => {
    if (!confirm(`Remove the bucket ${name}? Jobs naming it will be refused.`)) return;
    await api('DELETE', `/settings/buckets/${encodeURIComponent(name)}`);
    toast('Bucket removed');
    await reload();
  });
  const form = h('form', { class: 'stack' },
    h('div', { class: 'row' },
      field('Name (used by jobs)', 'name', { required: true, placeholder: 'exports' }),
      h('label', {}, 'Service', h('select', { name: 'service' }, h('option', { value: 's3' }, 'Amazon S3 or S3-compatible'), h('option', { value: 'r2' }, 'Cloudflare R2'))),
      field('Bucket', 'bucket', { required: true, placeholder: 'my-bucket' })),
    h('div', { class: 'row' },
      field('Region (S3)', 'region', { placeholder: 'eu-west-1' }),
      field('Account id (R2)', 'account_id'),
      field('Endpoint (S3-compatible)', 'endpoint', { placeholder: 'https://…' })),
    h('div', { class: 'row' },
      field('Access key id', 'access_key_id', { autocomplete: 'off' }),
      field('Secret access key', 'secret_access_key', { type: 'password', autocomplete: 'off' })),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add bucket')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    guard(async () => {
      const data = Object.fromEntries([...new FormData(form)].map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v !== ''));
      const { name, ...body } = data;
      await api('PUT', `/settings/buckets/${encodeURIComponent(name)}`, body);
      toast('Bucket added');
      form.reset();
      await reload();
    });
  });
  guard(reload);
  return [h('h3', {}, 'Buckets'), problem, list, h('h4', {}, 'Add a bucket'), form];
}
