import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { bytes, integer, jsonArgument, print, urlsFromFile, usageError } from './args';
import { CliError, EXIT, type ApiClient } from './client';
import { downloadBars, jobBar } from './progress';

const finished = (status: string) => status === 'completed' || status === 'failed';
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

type Job = Record<string, any>;

function summary(job: Job): string {
  const lines = [
    `${job.id}  ${job.status}  ${job.zip_filename}`,
    `  files: ${job.file_count ?? '-'} packaged of ${job.url_count}; ZIPs: ${job.zip_count}, ${bytes(job.total_size)}`,
    `  created ${job.created_at}${job.completed_at ? `, ended ${job.completed_at}` : ''}, expires ${job.expires_at}`,
  ];
  for (const zip of job.zips ?? []) lines.push(`  ZIP ${zip.sequence}: ${zip.filename} ${zip.status} ${bytes(zip.size)}${zip.download_url ? `\n    ${zip.download_url}` : ''}`);
  for (const e of job.errors ?? []) lines.push(`  error: ${e.url ? `${e.url}: ` : ''}${e.error}`);
  if (job.webhook) lines.push(`  webhook: ${job.webhook.status}, ${job.webhook.attempts} attempt(s)${job.webhook.last_error ? `, ${job.webhook.last_error}` : ''}`);
  return lines.join('\n');
}

/** Polls the job until it ends, with a progress bar on a terminal. */
async function waitFor(api: ApiClient, id: string, showBar: boolean, intervalMs = 500): Promise<Job> {
  const bar = jobBar(showBar);
  try {
    for (;;) {
      const { job } = await api.call('GET', `/jobs/${encodeURIComponent(id)}`);
      bar.update(job as never);
      if (finished(job.status)) return job;
      await sleep(intervalMs);
    }
  } finally {
    bar.stop();
  }
}

const endedWith = (job: Job) => (job.status === 'completed' ? EXIT.ok : EXIT.jobFailed);

const createOptions = {
  body: { type: 'string' },
  'urls-file': { type: 'string' },
  name: { type: 'string' },
  'expires-in': { type: 'string' },
  'max-zip-size': { type: 'string' },
  'split-strategy': { type: 'string' },
  compression: { type: 'string' },
  'webhook-url': { type: 'string' },
  'skip-failed-urls': { type: 'boolean' },
  metadata: { type: 'string', multiple: true },
  'idempotency-key': { type: 'string' },
  wait: { type: 'boolean' },
} as const;

/** A POST /jobs body from `--body`, then URLs (arguments, `--urls-file`) and option flags on top. */
function createBody(values: Record<string, any>, urls: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = values.body ? jsonArgument(values.body, 'body') : {};
  const all = [...urls, ...(values['urls-file'] ? urlsFromFile(values['urls-file']) : [])];
  if (all.length > 0) {
    delete body.urls;
    body.files = [...((body.files as unknown[]) ?? []), ...all.map((url) => ({ url }))];
  }
  if (!body.files && !body.urls) throw usageError('jobs create needs URLs: as arguments, --urls-file FILE, or --body with files');
  const set = (key: string, value: unknown) => value !== undefined && (body[key] = value);
  set('zip_filename', values.name);
  set('expires_in', integer(values['expires-in'], 'expires-in'));
  set('max_zip_size_bytes', integer(values['max-zip-size'], 'max-zip-size'));
  set('split_strategy', values['split-strategy']);
  set('compression', values.compression);
  set('webhook_url', values['webhook-url']);
  if (values['skip-failed-urls']) body.fail_on_url_error = false;
  for (const pair of values.metadata ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) throw usageError(`--metadata takes key=value, got ${pair}`);
    body.metadata = { ...(body.metadata as object), [pair.slice(0, at)]: pair.slice(at + 1) };
  }
  return body;
}

/** Downloads one ZIP to `path`, continuing a `.part` file left by an interrupted run. */
async function downloadZip(zip: Job, dir: string, bars: ReturnType<typeof downloadBars>) {
  const path = join(dir, zip.filename);
  const part = `${path}.part`;
  if (existsSync(path) && statSync(path).size === zip.size) return { filename: zip.filename, path, size: zip.size, resumed_from: 0, skipped: true };
  const redirect = await fetch(zip.download_url, { redirect: 'manual' }).catch((error: Error) => {
    throw new CliError(`download of ${zip.filename}: ${error.message}`, EXIT.unavailable);
  });
  const location = redirect.headers.get('location');
  if (redirect.status !== 302 || !location) throw new CliError(`download of ${zip.filename}: HTTP ${redirect.status}`, redirect.status >= 500 ? EXIT.unavailable : EXIT.refused);
  let from = existsSync(part) ? statSync(part).size : 0;
  if (from > zip.size) {
    rmSync(part);
    from = 0;
  }
  const res = await fetch(location, { headers: from > 0 ? { Range: `bytes=${from}-` } : {} });
  if (res.status === 200) from = 0; // the server sent it all: start again
  else if (res.status !== 206) throw new CliError(`download of ${zip.filename}: storage answered HTTP ${res.status}`, EXIT.unavailable);
  const update = bars.add(zip.filename, zip.size, from);
  let done = from;
  const count = new Transform({
    transform(chunk: Buffer, _enc, next) {
      done += chunk.length;
      update(done);
      next(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(res.body as never), count, createWriteStream(part, { flags: from > 0 ? 'a' : 'w' }));
  } catch (error) {
    throw new CliError(`download of ${zip.filename} broke off at ${done} bytes (run the command again to resume): ${(error as Error).message}`, EXIT.unavailable);
  }
  if (statSync(part).size !== zip.size) throw new CliError(`download of ${zip.filename}: got ${statSync(part).size} bytes, expected ${zip.size}`, EXIT.unavailable);
  renameSync(part, path);
  return { filename: zip.filename, path, size: zip.size, resumed_from: from, skipped: false };
}

export async function jobsCommand(api: ApiClient, command: string | undefined, args: string[], json: boolean): Promise<number> {
  const showBars = !json && process.stderr.isTTY === true;
  switch (command) {
    case 'create': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: createOptions, strict: true });
      const body = createBody(values, positionals);
      const idempotency = values['idempotency-key'];
      const created = await api.call('POST', '/jobs', body, idempotency ? { 'Idempotency-Key': idempotency } : {});
      if (!values.wait) {
        print(json, created, () => created.job_id);
        return EXIT.ok;
      }
      if (!json) console.error(`job ${created.job_id} created; waiting for it to end`);
      const job = await waitFor(api, created.job_id, showBars);
      print(json, job, () => summary(job));
      return endedWith(job);
    }
    case 'get':
    case 'wait': {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      if (positionals.length !== 1) throw usageError(`jobs ${command} takes one job id`);
      const job = command === 'wait' ? await waitFor(api, positionals[0]!, showBars) : (await api.call('GET', `/jobs/${encodeURIComponent(positionals[0]!)}`)).job;
      print(json, job, () => summary(job));
      return command === 'wait' ? endedWith(job) : EXIT.ok;
    }
    case 'list': {
      const { values } = parseArgs({ args, options: { status: { type: 'string' }, limit: { type: 'string' }, cursor: { type: 'string' } } });
      const query = new URLSearchParams();
      for (const key of ['status', 'limit', 'cursor'] as const) if (values[key]) query.set(key, values[key]);
      const page = await api.call('GET', `/jobs${query.size > 0 ? `?${query}` : ''}`);
      print(json, page, () =>
        [
          ...page.jobs.map((j: Job) => [j.id, j.status.padEnd(10), j.created_at, `${j.zip_count} ZIP(s)`, bytes(j.total_size), j.zip_filename].join('  ')),
          page.meta.next_cursor ? `more: --cursor ${page.meta.next_cursor}` : `${page.meta.total} job(s)`,
        ].join('\n'),
      );
      return EXIT.ok;
    }
    case 'retry': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'from-checkpoint': { type: 'boolean' }, wait: { type: 'boolean' } } });
      if (positionals.length !== 1) throw usageError('jobs retry takes one job id');
      const retried = await api.call('POST', `/jobs/${encodeURIComponent(positionals[0]!)}/retry`, { from_checkpoint: values['from-checkpoint'] ?? false });
      if (!values.wait) {
        print(json, retried, () => `job ${retried.job_id} is pending again`);
        return EXIT.ok;
      }
      const job = await waitFor(api, retried.job_id, showBars);
      print(json, job, () => summary(job));
      return endedWith(job);
    }
    case 'download': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string', short: 'o' }, wait: { type: 'boolean' } } });
      if (positionals.length !== 1) throw usageError('jobs download takes one job id');
      const id = positionals[0]!;
      const job = values.wait ? await waitFor(api, id, showBars) : (await api.call('GET', `/jobs/${encodeURIComponent(id)}`)).job;
      if (!finished(job.status)) throw new CliError(`job ${id} is ${job.status}: nothing to download yet (add --wait)`, EXIT.refused);
      const dir = values.out ?? '.';
      mkdirSync(dir, { recursive: true });
      const bars = downloadBars(showBars);
      const files: Awaited<ReturnType<typeof downloadZip>>[] = [];
      try {
        // One at a time: a split job's ZIPs may each be large, and a broken run resumes where it stopped.
        for (const zip of job.zips.filter((z: Job) => z.download_url)) files.push(await downloadZip(zip, dir, bars));
      } finally {
        bars.stop();
      }
      const missing = job.zips.filter((z: Job) => !z.download_url).map((z: Job) => ({ filename: z.filename, status: z.status }));
      print(json, { job_id: id, files, missing }, () =>
        [...files.map((f) => `${f.path}  ${bytes(f.size)}${f.skipped ? ' (already there)' : f.resumed_from ? ` (resumed at ${bytes(f.resumed_from)})` : ''}`), ...missing.map((m: Job) => `no download for ${m.filename} (${m.status})`)].join('\n'),
      );
      return missing.length > 0 ? EXIT.jobFailed : EXIT.ok;
    }
    default:
      throw usageError(`unknown command: jobs ${command ?? ''}`);
  }
}
