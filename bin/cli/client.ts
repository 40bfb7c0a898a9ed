/** Exit codes scripts can rely on (documented in `zipjobs --help` and the README). */
export const EXIT = {
  ok: 0,
  /** The job ended `failed` (`--wait`, `jobs wait`), or a ZIP to download failed. */
  jobFailed: 1,
  /** Bad command line. */
  usage: 2,
  /** The API refused the request (4xx: invalid body, bad key, no such job, …). */
  refused: 3,
  /** The API could not be reached or failed (network error, 5xx, a download that broke off). */
  unavailable: 4,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface ApiTarget {
  /** Base URL, e.g. http://127.0.0.1:3000 or https://…/v1 */
  readonly url: string;
  readonly key: string;
}

/** The zipjobs HTTP API, as the CLI uses it. */
export class ApiClient {
  constructor(private readonly target: ApiTarget) {}

  async call<T = Record<string, any>>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { ...extraHeaders, 'X-API-Key': this.target.key };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.target.url.replace(/\/+$/, '')}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new CliError(`cannot reach ${this.target.url}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`, EXIT.unavailable);
    }
    const text = await res.text();
    let data: any;
    try {
      data = JSON.parse(text);
    } catch {
      throw new CliError(`${method} ${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 200)}`, EXIT.unavailable);
    }
    if (!res.ok || data?.success !== true) {
      const message = data?.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${res.status}`;
      throw new CliError(message, res.status >= 500 ? EXIT.unavailable : EXIT.refused);
    }
    return data as T;
  }
}
