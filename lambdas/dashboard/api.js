// The API client of the dashboard: same origin, the key from session storage (never in a URL).
const KEY = 'zipjobs.apiKey';
const base = document.querySelector('meta[name="zipjobs-api"]').content.replace(/\/+$/, '');

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code ?? 'HTTP_ERROR';
  }
}

/** One API call, with the stored key unless another is given; resolves to the success body, rejects with an ApiError naming the problem. */
export async function api(method, path, body, key = apiKey.get()) {
  const headers = { 'X-API-Key': key ?? '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => null);
  if (!res.ok || !data?.success) throw new ApiError(res.status, data);
  return data;
}
