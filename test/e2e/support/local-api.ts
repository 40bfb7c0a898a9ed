import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../lib/local/local-stack';
import { OpenApiChecker } from './openapi-check';

export interface ApiResponse<T = Record<string, any>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/**
 * The local stack on a free port with a throwaway data folder, and a small
 * client for its API. Every response the stack's handlers give, whoever asked
 * (this client, a plain fetch, the CLI, a browser), is checked against the
 * OpenAPI document: `request` throws on a mismatch, and `stop` on any left.
 */
export class LocalApi {
  private constructor(
    readonly stack: LocalStack,
    private readonly dataDir: string,
    private readonly mismatches: string[],
  ) {}

  static async start(options: Partial<LocalStackOptions> = {}): Promise<LocalApi> {
    process.env.ZIPJOBS_QUIET = 'true';
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'zipjobs-e2e-'));
    const checker = new OpenApiChecker();
    const mismatches: string[] = [];
    const onApiResponse: LocalStackOptions['onApiResponse'] = (exchange) => {
      const problem = checker.problem(exchange);
      if (problem) mismatches.push(`${exchange.method} ${exchange.path} → ${exchange.status}: ${problem}`);
      options.onApiResponse?.(exchange);
    };
    const stack = await startLocalStack({ port: 0, apiKey: 'e2e-key', dataDir, allowPrivateAddresses: true, ...options, onApiResponse });
    return new LocalApi(stack, dataDir, mismatches);
  }

  /** Throws if a response so far did not match the OpenAPI document. */
  assertResponsesMatchDocument(): void {
    if (this.mismatches.length === 0) return;
    const found = this.mismatches.splice(0);
    throw new Error(`responses that do not match /openapi.json:\n${found.join('\n')}`);
  }

  get url(): string {
    return this.stack.url;
  }

  async request<T = Record<string, any>>(
    method: string,
    path: string,
    init: { body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    const key = init.key === undefined ? this.stack.apiKey : init.key;
    if (key !== null) headers['X-API-Key'] ??= key;
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    this.assertResponsesMatchDocument();
    // A page or script (the dashboard) comes back as its text; every other answer is JSON.
    const json = (res.headers.get('content-type') ?? 'application/json').includes('json');
    return { status: res.status, headers: res.headers, body: (text ? (json ? JSON.parse(text) : text) : {}) as T };
  }

  /** `GET /jobs/:id`'s job (the answer wraps it in `job`). */
  async getJob(jobId: string, key?: string): Promise<ApiResponse> {
    const res = await this.request('GET', `/jobs/${jobId}`, { key });
    return res.status === 200 ? { ...res, body: res.body.job } : res;
  }

  /** Polls the job until it reaches one of `statuses` (default: a terminal one). */
  async waitForJob(jobId: string, statuses = ['completed', 'failed'], timeoutMs = 60_000, key?: string): Promise<Record<string, any>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.request('GET', `/jobs/${jobId}`, { key });
      if (res.status !== 200) throw new Error(`GET /jobs/${jobId} answered ${res.status}: ${JSON.stringify(res.body)}`);
      const job = res.body.job;
      if (statuses.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Follows a download link to the ZIP's bytes, checking the redirect on the way. */
  async download(downloadUrl: string): Promise<{ redirect: Response; file: Response; bytes: Buffer }> {
    const redirect = await fetch(downloadUrl, { redirect: 'manual' });
    if (redirect.status !== 302) throw new Error(`download answered ${redirect.status}: ${await redirect.text()}`);
    const file = await fetch(redirect.headers.get('location')!);
    return { redirect, file, bytes: Buffer.from(await file.arrayBuffer()) };
  }

  async stop(): Promise<void> {
    await this.stack.stepFunctions.idle();
    await this.stack.close();
    rmSync(this.dataDir, { recursive: true, force: true });
    this.assertResponsesMatchDocument();
  }
}
