/**
 * What one stored-mode job costs on AWS, as a function of its shape (GB, files,
 * ZIPs): first the usage the job causes (Lambda invocations and GB-seconds by
 * function, state transitions, S3 and DynamoDB requests, API requests, bus
 * events, storage, egress), then that usage at a price list. The request
 * counts follow what the handlers do, and are checked against the local
 * stack's own counts (test/e2e/usage-counts.test.ts); durations are
 * assumptions a team replaces with its own (CloudWatch's Duration metric).
 */
import type { Prices } from './cost-prices';

export interface JobShape {
  /** Bytes fetched and zipped, in GB (2^30 bytes, as AWS bills). */
  readonly gb: number;
  readonly files: number;
  /** ZIPs the job is split into (1 unless `max_zip_size_bytes` splits it). */
  readonly zips: number;
}

/** The functions a job runs: three API ones (create, one status read, downloads) and the workflow's. */
export const JOB_FUNCTIONS = ['CreateJob', 'GetJob', 'Download', 'Prepare', 'BuildZip', 'Finalize', 'Notify'] as const;
export type JobFunction = (typeof JOB_FUNCTIONS)[number];

export interface CostAssumptions {
  /** Each function's configured memory (lib/functions.ts). */
  readonly memoryMb: Readonly<Record<JobFunction, number>>;
  /** How fast one BuildZip run fetches and writes, MB/s (sources' speed and compression decide it). */
  readonly buildMBps: number;
  /** Time per file besides its bytes (connection, first byte), ms. */
  readonly perFileMs: number;
  /** Duration of one invocation of each other function, ms. */
  readonly invocationMs: Readonly<Record<Exclude<JobFunction, 'BuildZip'>, number>>;
  /** Days a ZIP is kept (the job's `expires_in`; 1 by default). */
  readonly storedDays: number;
  /** Downloads of each ZIP (each is one API request, one S3 GET and the ZIP's bytes out). */
  readonly downloadsPerZip: number;
  /** `GET /jobs/{id}` calls per job (polling adds more). */
  readonly statusReads: number;
}

/** Defaults: a source-bound build at 60 MB/s, and short API calls. */
export function defaultAssumptions(memoryMb: Readonly<Record<JobFunction, number>>): CostAssumptions {
  return {
    memoryMb,
    buildMBps: 60,
    perFileMs: 25,
    invocationMs: { CreateJob: 250, GetJob: 120, Download: 80, Prepare: 400, Finalize: 200, Notify: 120 },
    storedDays: 1,
    downloadsPerZip: 1,
    statusReads: 1,
  };
}

const GiB = 2 ** 30;
const MiB = 2 ** 20;
/** The multipart sink's part size (lambdas/adapters/multipart-sink.ts); a ZIP up to one part is a single PutObject. */
export const PART_BYTES = 10 * MiB;
/** What a BuildZip run works before it checkpoints and the state machine calls it again: 15 minutes less its 60 s margin. */
export const BUILD_RUN_SECONDS = 840;
/** BuildZip checks every 5 s that it still owns its ZIP (one GetItem). */
const OWNER_CHECK_SECONDS = 5;
/** BuildZip writes its ZIP's progress at most once a second (one UpdateItem). */
const PROGRESS_SECONDS = 1;
/** An entry-name record (`[index, "name"]`) in the ZIP's name list, bytes; the list is written in 256 KiB items. */
const NAME_RECORD_BYTES = 40;
const NAME_CHUNK_BYTES = 256 * 1024;
/** BatchWriteItem takes 25 items. */
const BATCH = 25;

/** What AWS bills by count: invocations per function, state transitions, S3 and DynamoDB requests by operation (the model's and the local stack's). */
export interface BilledCounts {
  readonly invocations: Readonly<Record<string, number>>;
  readonly transitions: number;
  /** S3 requests by operation. */
  readonly s3: Readonly<Record<string, number>>;
  /** DynamoDB requests by operation. */
  readonly dynamodb: Readonly<Record<string, number>>;
}

export interface JobUsage extends BilledCounts {
  readonly invocations: Readonly<Record<JobFunction, number>>;
  readonly gbSeconds: Readonly<Record<JobFunction, number>>;
  /** The units DynamoDB's requests use. */
  readonly dynamoReadUnits: number;
  readonly dynamoWriteUnits: number;
  readonly apiRequests: number;
  readonly busEvents: number;
  readonly storageGbMonths: number;
  readonly egressGb: number;
}

const add = (counts: Record<string, number>, key: string, n: number) => {
  if (n > 0) counts[key] = (counts[key] ?? 0) + n;
};

/** The usage one job causes. Each count is a sum over the phases that cause it, in the order they run. */
export function jobUsage(shape: JobShape, a: CostAssumptions): JobUsage {
  const { gb, files } = shape;
  const zips = Math.max(1, Math.round(shape.zips));
  const split = zips > 1;
  const zipBytes = (gb * GiB) / zips;
  const filesPerZip = files / zips;
  const buildSeconds = (zipBytes / 1e6 / a.buildMBps) + (filesPerZip * a.perFileMs) / 1000;
  const runsPerZip = Math.max(1, Math.ceil(buildSeconds / BUILD_RUN_SECONDS));
  const multipart = zipBytes > PART_BYTES;
  // Every ZIP's last part is partial: the parts of the whole job, plus one per ZIP after the first.
  const parts = multipart ? Math.ceil((gb * GiB) / PART_BYTES) + zips - 1 : 0;
  const downloads = zips * a.downloadsPerZip;
  const nameChunks = Math.max(1, Math.ceil((filesPerZip * NAME_RECORD_BYTES) / NAME_CHUNK_BYTES));

  const invocations: Record<JobFunction, number> = {
    CreateJob: 1,
    GetJob: a.statusReads,
    Download: downloads,
    Prepare: 1,
    BuildZip: zips * (1 + runsPerZip), // PlanZip, then its runs
    Finalize: 1,
    Notify: 1,
  };
  const seconds: Record<JobFunction, number> = {
    CreateJob: a.invocationMs.CreateJob / 1000,
    GetJob: (a.statusReads * a.invocationMs.GetJob) / 1000,
    Download: (downloads * a.invocationMs.Download) / 1000,
    Prepare: a.invocationMs.Prepare / 1000,
    BuildZip: zips * buildSeconds,
    Finalize: a.invocationMs.Finalize / 1000,
    Notify: a.invocationMs.Notify / 1000,
  };
  const gbSeconds = Object.fromEntries(JOB_FUNCTIONS.map((fn) => [fn, (seconds[fn] * a.memoryMb[fn]) / 1024])) as Record<JobFunction, number>;

  // Start, Prepare, Prepared, BuildZips, Finalize, Notify, WebhookDone, JobOutcome, JobDone; per ZIP a child
  // execution (one transition to start it) of PlanZip, InSegments, BuildZip, ZipDone, ZipBuilt, and BuildZip +
  // ZipDone again per extra run. (A ZIP built in segments is not modelled: see docs/COSTS.md.)
  const transitions = 9 + zips * (6 + 2 * (runsPerZip - 1));

  const s3: Record<string, number> = {};
  add(s3, 'PutObject', 1); // CreateJob: the manifest
  add(s3, 'GetObject', split ? 2 : 1); // Prepare: the manifest (and a split job's saved probe outcomes)
  add(s3, 'PutObject', zips + 1); // Prepare: each ZIP's bin and the bins list
  add(s3, 'GetObject', 1); // the Distributed Map's ItemReader: the bins list
  add(s3, 'GetObject', zips * 3); // PlanZip: the bin; BuildZip: the bin and a checkpoint, if any
  add(s3, 'GetObject', zips * (runsPerZip - 1) * 2); // a resumed run reads its checkpoint's JSON and bytes
  add(s3, 'PutObject', zips * (runsPerZip - 1) * 2); // a run out of time saves them
  if (multipart) {
    add(s3, 'CreateMultipartUpload', zips);
    add(s3, 'PutObject', zips); // the upload's id, saved for recovery before any part
    add(s3, 'UploadPart', parts);
    add(s3, 'CompleteMultipartUpload', zips);
  } else add(s3, 'PutObject', zips);
  add(s3, 'DeleteObjects', zips); // BuildZip: its checkpoint objects
  add(s3, 'GetObject', a.statusReads); // GetJob: the file list
  add(s3, 'GetObject', downloads); // the client's download, presigned

  const dynamodb: Record<string, number> = {};
  let readUnits = 0;
  let writeUnits = 0;
  const read = (op: string, n: number) => {
    add(dynamodb, op, n);
    readUnits += n;
  };
  const write = (op: string, requests: number, units = requests) => {
    add(dynamodb, op, requests);
    writeUnits += units;
  };
  // CreateJob: the API key, the month's usage; the request-rate window (every keyed request counts one); the job and its two markers (expiry, unfinished).
  read('GetItem', 2);
  write('UpdateItem', 1);
  write('PutItem', 3);
  // Prepare: the job, its ZIPs so far, the manifest's objects; the ZIP records, the job's bins and status.
  read('GetItem', 1);
  read('Query', 2);
  write('BatchWriteItem', Math.ceil(zips / BATCH), zips);
  write('UpdateItem', 2);
  // BuildZip, per ZIP: the job and an owner check every 5 s; its ZIP's progress (after an entry, at most once a
  // second; once more at the end of each run), the ZIP done; its entry names.
  read('GetItem', zips * runsPerZip + zips * Math.floor(buildSeconds / OWNER_CHECK_SECONDS));
  read('Query', zips * 2);
  write('UpdateItem', zips * (runsPerZip + 1 + Math.min(Math.ceil(filesPerZip), Math.floor(buildSeconds / PROGRESS_SECONDS))));
  write('BatchWriteItem', zips * Math.ceil(nameChunks / BATCH), zips * Math.ceil((filesPerZip * NAME_RECORD_BYTES) / 1024));
  // Finalize: the job and its ZIPs; the status and totals, each ZIP's link and expiry, the marker removed.
  read('GetItem', 1);
  read('Query', 1);
  write('UpdateItem', 1 + 2 * zips);
  write('DeleteItem', 1);
  // Notify: the job and its webhook settings.
  read('GetItem', 2);
  // GetJob: the API key, the job; its ZIPs and long lists; the request-rate window.
  read('GetItem', 2 * a.statusReads);
  read('Query', 3 * a.statusReads);
  write('UpdateItem', a.statusReads);
  // Download: the link's request-rate window; the job and its ZIP.
  write('UpdateItem', downloads);
  read('GetItem', downloads);
  read('Query', downloads);

  return {
    invocations,
    gbSeconds,
    transitions,
    s3,
    dynamodb,
    dynamoReadUnits: readUnits,
    dynamoWriteUnits: writeUnits,
    apiRequests: 1 + a.statusReads + downloads,
    // A "Job Status Changed" event per status the job takes: (preparing, for a split job,) pending, processing, completed.
    busEvents: split ? 4 : 3,
    storageGbMonths: (gb * a.storedDays) / 30,
    egressGb: gb * a.downloadsPerZip,
  };
}

/** S3's request classes: PUT, COPY, POST and LIST; DELETE (free); GET, HEAD and the rest. */
export function s3RequestClass(operation: string): 'write' | 'free' | 'read' {
  if (/^(Delete|Abort)/.test(operation)) return 'free';
  if (/^(Put|Copy|Create|Upload|Complete|List|Post)/.test(operation)) return 'write';
  return 'read';
}

export interface CostBreakdown {
  /** USD per item. */
  readonly lambda: number;
  readonly stepFunctions: number;
  readonly s3Requests: number;
  readonly s3Storage: number;
  readonly dynamodb: number;
  readonly apiGateway: number;
  readonly eventBridge: number;
  readonly egress: number;
  readonly total: number;
  /** `total` divided by the job's GB (0 for a job of 0 GB). */
  readonly perGb: number;
}

export function jobCost(usage: JobUsage, prices: Prices, gb: number): CostBreakdown {
  const sum = (values: Iterable<number>) => [...values].reduce((x, y) => x + y, 0);
  let s3Write = 0;
  let s3Read = 0;
  for (const [op, n] of Object.entries(usage.s3)) {
    const kind = s3RequestClass(op);
    if (kind === 'write') s3Write += n;
    else if (kind === 'read') s3Read += n;
  }
  const items = {
    lambda: sum(Object.values(usage.gbSeconds)) * prices.lambdaGbSecond + sum(Object.values(usage.invocations)) * prices.lambdaRequest,
    stepFunctions: usage.transitions * prices.stateTransition,
    s3Requests: s3Write * prices.s3WriteRequest + s3Read * prices.s3ReadRequest,
    s3Storage: usage.storageGbMonths * prices.s3GbMonth,
    dynamodb: usage.dynamoWriteUnits * prices.dynamoWriteUnit + usage.dynamoReadUnits * prices.dynamoReadUnit,
    apiGateway: usage.apiRequests * prices.apiRequest,
    eventBridge: usage.busEvents * prices.busEvent,
    egress: usage.egressGb * prices.egressGb,
  };
  const total = sum(Object.values(items));
  return { ...items, total, perGb: gb > 0 ? total / gb : 0 };
}
