// Small DOM helpers: elements are built with textContent only, so no response text is ever parsed as HTML.

/** h('a', {href: '#/x'}, 'text', child…): an element; `on*` attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];
export function bytes(n) {
  if (n === null || n === undefined) return '—';
  let i = 0;
  let v = n;
  while (v >= 1000 && i < UNITS.length - 1) { v /= 1000; i++; }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[i]}`;
}

export function date(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return h('time', { datetime: iso, title: iso }, d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));
}

export const badge = (status) => h('span', { class: `badge ${status}` }, status);

/**
 * A job's progress: files and bytes. The bar counts files; bytes are shown
 * beside it (the total size of the sources is known only once they are fetched).
 */
export function progressOf(job) {
  const p = job.progress;
  const done = job.status === 'completed' ? p.files_total : p.files_done;
  const label = `${done} of ${p.files_total} files, ${bytes(p.bytes_done)}`;
  return h('div', { class: 'progress' },
    h('progress', { max: Math.max(1, p.files_total), value: done, 'aria-label': `Progress: ${label}` }),
    h('small', {}, label));
}

export function errorList(errors) {
  if (!errors?.length) return null;
  return h('ul', { class: 'errors' }, errors.map((e) => h('li', {}, e.url ? h('span', { class: 'mono' }, e.url) : null, e.url ? ': ' : null, e.error)));
}

/** Announces a message to screen readers and shows it briefly. */
export function toast(message) {
  const el = document.getElementById('status');
  el.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ''; }, 4000);
}

export const alertBox = (message) => h('p', { class: 'alert', role: 'alert' }, message);

/** The lines of a textarea that are not blank. */
export const lines = (text) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
