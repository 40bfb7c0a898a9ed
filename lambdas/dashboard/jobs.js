import { api } from './api.js';
import { alertBox, badge, bytes, date, errorList, h, lines, progressOf, toast } from './ui.js';

const POLL_MS = 1000;
const finished = (status) => status === 'completed' || status === 'failed';

/** Where a job's ZIPs go, when the job names a bucket of the tenant's. */
function storedAt(job) {
  if (!job.bucket_name) return h('span', { class: 'muted' }, 'zipjobs storage');
  return h('span', { class: 'mono' }, `${job.bucket_name}${job.key ? `/${job.key}` : ''}`);
}

function jobRow(job, detail) {
  const shown = detail ?? job;
  return h('tr', { 'data-job': job.id },
    h('td', { 'data-label': 'Job' }, h('a', { href: `#/jobs/${job.id}` }, job.zip_filename), h('br'), h('small', { class: 'mono muted' }, job.id)),
    h('td', { 'data-label': 'Status' }, badge(shown.status)),
    h('td', { 'data-label': 'Progress' }, detail ? progressOf(detail) : finished(job.status) ? `${job.file_count ?? 0} of ${job.url_count} files` : '…'),
    h('td', { 'data-label': 'Created' }, date(job.created_at)),
    h('td', { 'data-label': 'ZIPs', class: 'num' }, `${shown.zip_count} · ${bytes(shown.total_size)}`),
    h('td', { 'data-label': 'Location' }, storedAt(shown)),
    h('td', { 'data-label': 'Errors' }, detail?.errors?.length ? errorList(detail.errors.slice(0, 2)) : h('span', { class: 'muted' }, detail || job.status !== 'failed' ? 'none' : '…')),
  );
}

/** `#/jobs`: the tenant's jobs, newest first; unfinished ones refresh until they end. */
export function jobsView(main, query) {
  const status = query.get('status') ?? '';
  const details = new Map();
  let jobs = [];
  let next = null;
  let timer;
  let stopped = false;

  const filter = h('select', { id: 'status-filter', onchange: (e) => { location.hash = e.target.value ? `#/jobs?status=${e.target.value}` : '#/jobs'; } },
    ['', 'preparing', 'pending', 'processing', 'completed', 'failed'].map((s) => h('option', { value: s, selected: s === status }, s || 'any')));
  const body = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(next) }, 'Load more');
  main.replaceChildren(
    h('h2', {}, 'Jobs'),
    h('div', { class: 'actions' }, h('label', { class: 'check' }, 'Status', filter), h('a', { href: '#/new' }, 'New job')),
    h('table', { class: 'cards', 'aria-label': 'Jobs, newest first' },
      h('thead', {}, h('tr', {}, ['Job', 'Status', 'Progress', 'Created', 'ZIPs · size', 'Location', 'Errors'].map((t) => h('th', { scope: 'col' }, t)))),
      body),
    more,
  );

  const render = () => {
    body.replaceChildren(...(jobs.length ? jobs.map((j) => jobRow(j, details.get(j.id))) : [h('tr', {}, h('td', { colspan: 7 }, 'No jobs yet.'))]));
    more.hidden = !next;
  };

  async function refreshDetails() {
    // Unfinished jobs for their progress, failed ones for their errors (once: they no longer change).
    const wanted = jobs.filter((j) => !finished(j.status) || (j.status === 'failed' && details.get(j.id)?.status !== 'failed'));
    await Promise.all(wanted.map(async (j) => {
      const { job: detail } = await api('GET', `/jobs/${j.id}`);
      details.set(j.id, detail);
      Object.assign(j, { status: detail.status, zip_count: detail.zip_count, total_size: detail.total_size, file_count: detail.file_count });
    }));
    return jobs.some((j) => !finished(j.status));
  }

  async function poll() {
    try {
      const running = await refreshDetails();
      if (stopped) return;
      render();
      if (running) timer = setTimeout(poll, POLL_MS);
    } catch (error) {
      if (!stopped) main.append(alertBox(error.message));
    }
  }

  async function load(cursor) {
    const params = new URLSearchParams({ limit: '20' });
    if (status) params.set('status', status);
    if (cursor) params.set('cursor', cursor);
    const page = await api('GET', `/jobs?${params}`);
    jobs = cursor ? [...jobs, ...page.jobs] : page.jobs;
    next = page.meta.next_cursor;
    render();
    clearTimeout(timer);
    await poll();
  }

  load(null).catch((error) => main.append(alertBox(error.message)));
  return () => { stopped = true; clearTimeout(timer); };
}

function zipTable(job) {
  return h('table', { class: 'cards', 'aria-label': 'ZIPs' },
    h('thead', {}, h('tr', {}, ['#', 'File', 'Status', 'Files', 'Size', 'Download'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, job.zips.length === 0
      ? h('tr', {}, h('td', { colspan: 6 }, job.status === 'failed' ? 'No ZIP was made.' : 'The ZIPs are being planned…'))
      : job.zips.map((z) => h('tr', {},
        h('td', { 'data-label': '#', class: 'num' }, z.sequence),
        h('td', { 'data-label': 'File', class: 'mono' }, z.filename),
        h('td', { 'data-label': 'Status' }, badge(z.status), errorList(z.errors)),
        h('td', { 'data-label': 'Files', class: 'num' }, z.file_count),
        h('td', { 'data-label': 'Size', class: 'num' }, bytes(z.size)),
        h('td', { 'data-label': 'Download' }, z.download_url ? h('a', { href: z.download_url, download: z.filename }, `Download ${z.filename}`) : '—'),
      ))));
}

function webhookFacts(webhook) {
  if (!webhook) return h('p', { class: 'muted' }, 'No webhook attempted (none is set, or the job has not ended).');
  return h('dl', { class: 'facts' },
    h('dt', {}, 'Delivery'), h('dd', {}, badge(webhook.status)),
    h('dt', {}, 'Attempts'), h('dd', {}, webhook.attempts),
    h('dt', {}, 'Last error'), h('dd', {}, webhook.last_error ?? 'none'),
    h('dt', {}, 'Message id'), h('dd', { class: 'mono' }, webhook.id));
}

/** `#/jobs/<id>`: one job, refreshed until it ends, with its ZIPs, errors, webhook and retry. */
export function jobView(main, id) {
  let timer;
  let stopped = false;

  const render = (job) => {
    const retry = job.status === 'failed'
      ? h('div', { class: 'actions' },
        h('button', { type: 'button', onclick: () => retryJob(false) }, 'Retry'),
        h('button', { type: 'button', class: 'secondary', onclick: () => retryJob(true) }, 'Retry from checkpoint'))
      : null;
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')),
      h('h2', {}, job.zip_filename, ' ', badge(job.status)),
      progressOf(job),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Job id'), h('dd', { class: 'mono' }, job.id),
        h('dt', {}, 'Created'), h('dd', {}, date(job.created_at)),
        h('dt', {}, 'Completed'), h('dd', {}, date(job.completed_at)),
        h('dt', {}, 'Expires'), h('dd', {}, date(job.expires_at)),
        h('dt', {}, 'Files'), h('dd', {}, `${job.file_count ?? '—'} packaged of ${job.url_count}`),
        h('dt', {}, 'ZIPs'), h('dd', {}, `${job.zip_count} · ${bytes(job.total_size)}`),
        h('dt', {}, 'Location'), h('dd', {}, storedAt(job)),
        h('dt', {}, 'Options'), h('dd', { class: 'mono' }, `compression ${job.compression}, split ${job.split_strategy}, max ZIP ${job.max_zip_size_bytes ? bytes(job.max_zip_size_bytes) : 'none'}`),
        ...Object.entries(job.metadata ?? {}).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      retry ?? '',
      h('h3', {}, 'ZIPs'),
      zipTable(job),
      h('h3', { id: 'errors' }, 'Errors'),
      errorList(job.errors) ?? h('p', { class: 'muted' }, 'None.'),
      h('h3', {}, 'Webhook'),
      webhookFacts(job.webhook),
    );
  };

  async function retryJob(fromCheckpoint) {
    try {
      await api('POST', `/jobs/${id}/retry`, { from_checkpoint: fromCheckpoint });
      toast('Retry started');
      clearTimeout(timer);
      await poll();
    } catch (error) {
      main.prepend(alertBox(error.message));
    }
  }

  async function poll() {
    try {
      const { job } = await api('GET', `/jobs/${id}`);
      if (stopped) return;
      render(job);
      if (!finished(job.status) || job.webhook?.status === 'pending') timer = setTimeout(poll, POLL_MS);
    } catch (error) {
      if (!stopped) main.replaceChildren(h('p', {}, h('a', { href: '#/jobs' }, '← Jobs')), alertBox(error.message));
    }
  }

  poll();
  return () => { stopped = true; clearTimeout(timer); };
}

/** The main options of POST /jobs, shared by the job and schedule forms. */
export function jobFields() {
  return h('div', { class: 'stack' },
    h('label', {}, 'URLs, one per line', h('textarea', { name: 'urls', required: true, placeholder: 'https://example.com/a.pdf\nhttps://example.com/b.jpg' })),
    h('div', { class: 'row' },
      h('label', {}, 'ZIP name', h('input', { type: 'text', name: 'zip_filename', placeholder: 'archive.zip' })),
      h('label', {}, 'Expires in (hours)', h('input', { type: 'number', name: 'expires_hours', min: '1', step: '1', value: '24' })),
      h('label', {}, 'Split into ZIPs of at most (MiB)', h('input', { type: 'number', name: 'max_zip_mb', min: '100', step: '1', placeholder: 'no split' }))),
    h('div', { class: 'row' },
      h('label', {}, 'Compression', h('select', { name: 'compression' }, ['auto', 'store', 'deflate'].map((v) => h('option', { value: v }, v)))),
      h('label', {}, 'Split strategy', h('select', { name: 'split_strategy' }, [['preserve-order', 'keep order'], ['ffd', 'fewest ZIPs']].map(([v, t]) => h('option', { value: v }, t))))),
    h('label', {}, 'Webhook URL (optional)', h('input', { type: 'url', name: 'webhook_url', placeholder: 'https://example.com/hooks/zipjobs' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'skip_failed' }), 'Leave out files that cannot be fetched (instead of failing the ZIP)'));
}

/** A POST /jobs body from the fields of jobFields(). */
export function jobBody(form) {
  const data = new FormData(form);
  const body = { files: lines(String(data.get('urls'))).map((url) => ({ url })) };
  const name = String(data.get('zip_filename') ?? '').trim();
  if (name) body.zip_filename = name;
  const hours = Number(data.get('expires_hours'));
  if (hours > 0) body.expires_in = Math.round(hours * 3600);
  const mb = Number(data.get('max_zip_mb'));
  if (mb > 0) body.max_zip_size_bytes = Math.round(mb * 1024 * 1024);
  body.compression = data.get('compression');
  body.split_strategy = data.get('split_strategy');
  const webhook = String(data.get('webhook_url') ?? '').trim();
  if (webhook) body.webhook_url = webhook;
  if (data.get('skip_failed')) body.fail_on_url_error = false;
  return body;
}

/** `#/new`: a job from pasted URLs. */
export function newJobView(main) {
  const problem = h('div');
  const form = h('form', { class: 'stack' },
    jobFields(),
    problem,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create job')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    try {
      const { job_id } = await api('POST', '/jobs', jobBody(form));
      toast('Job created');
      location.hash = `#/jobs/${job_id}`;
    } catch (error) {
      problem.replaceChildren(alertBox(error.message));
    }
  });
  main.replaceChildren(h('h2', {}, 'New job'), form);
  form.querySelector('textarea').focus();
}
