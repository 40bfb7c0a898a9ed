/**
 * ZipBalls (`POST /v2/zipball`, `GET /<ball_id>.zip`): a ZipBall is a stream
 * job of the paket's objects, made with the job machinery (Prepare expands
 * folders and pins versions, never this request) and downloaded by its id
 * alone, as every stream ZIP is: built while it is sent, whole or by ranges,
 * until it expires. The id (a UUIDv4) is the credential.
 */
import { randomUUID } from 'node:crypto';
import type { JobLists } from '../adapters/job-lists';
import type { JobStore } from '../adapters/job-store';
import { NotFoundError, NotReadyError, SourceFailedError } from '../core/errors';
import { isTerminal, type Job, type JobError, type ZipRecord } from '../core/jobs/model';
import { jobFaults } from '../core/jobs/view';
import { zipballRequestSchema } from '../core/objects/zipball-request';
import { invalidField, parseOrThrow } from '../core/validation';
import { createJob, type CreateJobDeps } from './create-job';
import type { Plan } from '../core/plans';
import type { AdmitDownload } from './read-job';

export interface ZipballLinks {
  /** Where the API is reached (the request's own base URL, or the configured public one). */
  readonly baseUrl: string;
  /** Custom domains the API is also served at (`https://<domain>/…`). */
  readonly domains: readonly string[];
}

const ballPath = (id: string) => `/${id}.zip?zipball`;

/** `POST /v2/zipball`: the ball's id and its links, in the shape BitPaket's clients read. */
export async function createZipball(deps: CreateJobDeps, tenant: { id: string; plan: Plan }, input: unknown, links: ZipballLinks, timeLeftMs?: () => number) {
  const request = parseOrThrow(zipballRequestSchema, input);
  // Said here in the ball's own terms; createJob would name `files[0].object`.
  if (!deps.pakets || !(await deps.pakets.get(tenant.id))) throw invalidField('objects', 'no paket is configured: PUT /settings/paket {"bucket_name": …} first');
  const id = (deps.newId ?? randomUUID)();
  const body = {
    files: request.objects.map((object) => ({ object })),
    mode: 'stream',
    // Stored entries give the archive an exact length, so it downloads by ranges too.
    compression: 'store',
    expires_in: request.expires_in,
    zip_filename: id,
  };
  const job = await createJob({ ...deps, newId: () => id }, tenant, body, { kind: 'zipball', objectField: (i) => `objects.${i}`, timeLeftMs });
  return {
    ball_id: job.id,
    urls: {
      url: `${links.baseUrl}${ballPath(job.id)}`,
      domains: links.domains.map((domain) => ({ domain, url: `https://${domain}${ballPath(job.id)}` })),
    },
  };
}

const BALL_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.zip$/;

export interface FindZipballDeps {
  readonly store: Pick<JobStore, 'getJobWithZips'>;
  /** A failed ball's file errors, to say why it failed. */
  readonly lists: Pick<JobLists, 'errors'>;
  /** Counts the request against the ball's link (its id is its credential). */
  readonly admit: AdmitDownload;
  readonly now: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** How long a download waits for a ball that is still being prepared (a few objects take a second or two). */
export const ZIPBALL_WAIT_MS = 20_000;
const POLL_MS = 250;

/** Why a ball failed, as `GET /jobs/:id` shows it: its faults, or else its first file errors (an object not found). */
async function whyFailed(deps: FindZipballDeps, job: Job, zips: readonly ZipRecord[]): Promise<string> {
  let errors: readonly JobError[] = jobFaults(job, zips);
  if (errors.length === 0) errors = (await deps.lists.errors.read(job.id, null, { items: 3, bytes: 4096 })).items.map(({ item }) => item);
  return errors.map((e) => (e.url ? `${e.url}: ${e.error}` : e.error)).join('; ') || `see GET /jobs/${job.id}`;
}

/**
 * The ball a `/<ball_id>.zip` path names, once it is ready: a download right
 * after the create waits for Prepare. Anything but a ZipBall's id is not found.
 */
export async function findZipball(deps: FindZipballDeps, file: string, waitMs = ZIPBALL_WAIT_MS): Promise<{ job: Job; zip: ZipRecord }> {
  const id = BALL_FILE.exec(file)?.[1];
  if (!id) throw new NotFoundError('no such ZipBall');
  await deps.admit(id);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const until = deps.now().getTime() + waitMs;
  for (;;) {
    const found = await deps.store.getJobWithZips(id);
    if (!found || found.job.kind !== 'zipball') throw new NotFoundError('no such ZipBall');
    const { job, zips } = found;
    if (Date.parse(job.expires_at) <= deps.now().getTime()) throw new NotFoundError(`the ZipBall ${id} has expired`);
    if (job.status === 'failed') throw new SourceFailedError(`the ZipBall could not be made: ${await whyFailed(deps, job, zips)}`);
    const zip = zips.find((z) => z.sequence === 1);
    if (isTerminal(job.status) && zip?.status === 'completed') return { job, zip };
    if (deps.now().getTime() >= until) throw new NotReadyError('the ZipBall is still being prepared: try again shortly', 2);
    await sleep(POLL_MS);
  }
}
