import { api } from './api.js';
import { jobBody, jobFields } from './jobs.js';
import { alertBox, badge, date, h, toast } from './ui.js';

async function setEnabled(schedule, enabled, after) {
  await api('PATCH', `/schedules/${schedule.id}`, { enabled });
  toast(enabled ? `Resumed ${schedule.name ?? schedule.id}` : `Paused ${schedule.name ?? schedule.id}`);
  after();
}

async function remove(schedule, after) {
  if (!confirm(`Delete the schedule ${schedule.name ?? schedule.id}? Its jobs stay.`)) return;
  await api('DELETE', `/schedules/${schedule.id}`);
  toast('Schedule deleted');
  after();
}

function scheduleActions(schedule, after, onError) {
  const guard = (fn) => () => fn().catch((error) => onError(error.message));
  return h('div', { class: 'actions' },
    h('button', { type: 'button', class: 'secondary', onclick: guard(() => setEnabled(schedule, !schedule.enabled, after)) },
      schedule.enabled ? `Pause ${schedule.name ?? ''}`.trim() : `Resume ${schedule.name ?? ''}`.trim()),
    h('button', { type: 'button', class: 'danger', onclick: guard(() => remove(schedule, after)) }, 'Delete'));
}

function createForm(onCreated) {
  const problem = h('div');
  const form = h('form', { class: 'stack' },
    h('div', { class: 'row' },
      h('label', {}, 'Name', h('input', { type: 'text', name: 'name', placeholder: 'nightly' })),
      h('label', {}, 'Expression', h('input', { type: 'text', name: 'schedule_expression', required: true, placeholder: 'cron(0 3 * * ? *) or rate(1 day)' })),
      h('label', {}, 'Time zone', h('input', { type: 'text', name: 'timezone', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' }))),
    jobFields(),
    problem,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create schedule')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    const data = new FormData(form);
    const body = { schedule_expression: String(data.get('schedule_expression')).trim(), timezone: String(data.get('timezone')).trim() || 'UTC', job: jobBody(form) };
    const name = String(data.get('name')).trim();
    if (name) body.name = name;
    try {
      await api('POST', '/schedules', body);
      toast('Schedule created');
      form.reset();
      onCreated();
    } catch (error) {
      problem.replaceChildren(alertBox(error.message));
    }
  });
  return form;
}

/** `#/schedules`: the tenant's schedules, with pause/resume, delete and a creation form. */
export function schedulesView(main) {
  const list = h('div');
  const problem = h('div');
  const reload = async () => {
    problem.replaceChildren();
    const { schedules } = await api('GET', '/schedules');
    list.replaceChildren(h('table', { class: 'cards', 'aria-label': 'Schedules' },
      h('thead', {}, h('tr', {}, ['Name', 'Expression', 'State', 'Last run', '', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, schedules.length === 0
        ? h('tr', {}, h('td', { colspan: 6 }, 'No schedules yet.'))
        : schedules.map((s) => h('tr', { 'data-schedule': s.id },
          h('td', { 'data-label': 'Name' }, h('a', { href: `#/schedules/${s.id}` }, s.name ?? s.id)),
          h('td', { 'data-label': 'Expression', class: 'mono' }, `${s.schedule_expression} (${s.timezone})`),
          h('td', { 'data-label': 'State' }, h('span', { class: `badge ${s.enabled ? 'completed' : 'pending'}` }, s.enabled ? 'active' : 'paused')),
          h('td', { 'data-label': 'Last run' }, date(s.last_run_at), ' ', s.last_status ? badge(s.last_status) : null),
          h('td', { 'data-label': 'Actions', colspan: 2 }, scheduleActions(s, () => reload(), (m) => problem.replaceChildren(alertBox(m)))))))));
  };
  main.replaceChildren(h('h2', {}, 'Schedules'), problem, list, h('h3', {}, 'New schedule'), createForm(() => reload()));
  reload().catch((error) => problem.replaceChildren(alertBox(error.message)));
}

/** `#/schedules/<id>`: one schedule with its recent runs. */
export function scheduleView(main, id) {
  const load = async () => {
    const s = await api('GET', `/schedules/${id}`);
    main.replaceChildren(
      h('p', {}, h('a', { href: '#/schedules' }, '← Schedules')),
      h('h2', {}, s.name ?? s.id, ' ', h('span', { class: `badge ${s.enabled ? 'completed' : 'pending'}` }, s.enabled ? 'active' : 'paused')),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Expression'), h('dd', { class: 'mono' }, s.schedule_expression),
        h('dt', {}, 'Time zone'), h('dd', {}, s.timezone),
        h('dt', {}, 'Created'), h('dd', {}, date(s.created_at)),
        h('dt', {}, 'Files'), h('dd', {}, String((s.job.files ?? s.job.urls ?? []).length))),
      scheduleActions(s, () => load(), (m) => main.prepend(alertBox(m))),
      h('h3', {}, 'Recent runs'),
      s.recent_jobs.length === 0 ? h('p', { class: 'muted' }, 'No runs yet.') : h('ul', {}, s.recent_jobs.map((r) => h('li', {},
        date(r.created_at), ' ', badge(r.status), ' ',
        r.job_id ? h('a', { href: `#/jobs/${r.job_id}` }, r.job_id) : null,
        r.error ? h('span', { class: 'errors' }, ` ${r.error}`) : null))),
    );
  };
  load().catch((error) => main.replaceChildren(alertBox(error.message)));
}
