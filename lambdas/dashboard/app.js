// The zipjobs dashboard: a few ES modules, no framework, no build step; hash routes.
import { api, apiKey } from './api.js';
import { jobsView, jobView, newJobView } from './jobs.js';
import { scheduleView, schedulesView } from './schedules.js';
import { settingsView } from './settings.js';
import { alertBox, h } from './ui.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;

function keyView() {
  nav.hidden = true;
  const problem = h('div');
  const input = h('input', { type: 'password', id: 'api-key', name: 'api-key', autocomplete: 'off', required: true });
  const form = h('form', { class: 'stack' },
    h('p', {}, 'Enter an API key. It is kept in this tab only (session storage) and sent in the X-API-Key header.'),
    h('label', { for: 'api-key' }, 'API key', input),
    problem,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Open dashboard')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    // Kept only once the API accepts it: until then no page can open with it.
    const key = input.value.trim();
    try {
      await api('GET', '/jobs?limit=1', undefined, key);
    } catch (error) {
      problem.replaceChildren(alertBox(error.status === 401 ? 'That key is not valid.' : error.message));
      return;
    }
    apiKey.set(key);
    route();
  });
  main.replaceChildren(h('h2', {}, 'Sign in'), form);
  input.focus();
}

const routes = [
  [/^#\/jobs\/([\w-]+)$/, (m) => jobView(main, m[1])],
  [/^#\/new$/, () => newJobView(main)],
  [/^#\/schedules\/([\w-]+)$/, (m) => scheduleView(main, m[1])],
  [/^#\/schedules$/, () => schedulesView(main)],
  [/^#\/settings$/, () => settingsView(main)],
  [/^#\/jobs(?:\?.*)?$/, () => jobsView(main, new URLSearchParams(location.hash.split('?')[1] ?? ''))],
];

function route() {
  cleanup?.();
  cleanup = null;
  if (!apiKey.get()) return keyView();
  nav.hidden = false;
  const hash = location.hash || '#/jobs';
  const section = hash.split(/[/?]/)[1];
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${section}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const found = routes.find(([pattern]) => pattern.test(hash));
  if (!found) {
    main.replaceChildren(alertBox(`No page ${hash}.`), h('a', { href: '#/jobs' }, 'Jobs'));
    return;
  }
  cleanup = found[1](hash.match(found[0])) ?? null;
  main.focus({ preventScroll: true });
}

document.getElementById('sign-out').addEventListener('click', () => {
  apiKey.clear();
  route();
});
window.addEventListener('hashchange', route);
route();
