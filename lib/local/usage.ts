import type { BilledCounts } from '../../lambdas/core/costs';
import type { IncomingHttpHeaders, IncomingMessage, Server } from 'node:http';

/** Every operation s3Operation names: the S3 stand-in's counters, one slot each. */
export const S3_OPERATIONS = [
  'CreateBucket', 'UploadPartCopy', 'UploadPart', 'PutObjectTagging', 'CopyObject', 'PutObject',
  'CreateMultipartUpload', 'CompleteMultipartUpload', 'DeleteObjects', 'PostObject', 'AbortMultipartUpload',
  'DeleteObject', 'DeleteBucket', 'HeadObject', 'HeadBucket', 'ListParts', 'GetObjectTagging', 'GetObject',
  'ListMultipartUploads', 'ListObjectVersions', 'ListObjectsV2', 'ListObjects',
] as const;
export type S3OperationName = (typeof S3_OPERATIONS)[number];

/**
 * What the local stack did, counted the way AWS bills it: Lambda invocations
 * per function, Step Functions state transitions, S3 and DynamoDB requests by
 * operation. Counted where the work is received (the invoker, the state
 * machine runner, the stand-ins' HTTP servers), so it holds whichever process
 * runs a handler. `docs/COSTS.md` compares these counts with the cost model.
 */
/** Transitions: states entered and retried, plus one per Distributed Map child execution. */
export interface LocalUsageCounts extends BilledCounts {
  /** Wall time of the invocations, per function, ms (Lambda bills duration × memory). */
  readonly durationMs: Readonly<Record<string, number>>;
}

/** The state-machine runner's events this counter reads (aws-local-stepfunctions' event log). */
export interface StateEvent {
  readonly type: string;
  readonly state?: { readonly name: string };
  readonly parentState?: { readonly name: string };
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

export class LocalUsage {
  private invocations: Record<string, number> = {};
  private durationMs: Record<string, number> = {};
  private transitionCount = 0;
  /**
   * S3 requests by operation (slots in S3_OPERATIONS' order), counted by the
   * S3 stand-in on its own thread (s3-worker.ts) in memory shared with this
   * one: a count is there as soon as the request is received, with no
   * message to wait for.
   */
  readonly s3Requests = new Int32Array(new SharedArrayBuffer(S3_OPERATIONS.length * Int32Array.BYTES_PER_ELEMENT));
  private dynamodb: Record<string, number> = {};

  /** Counts one invocation of `fn` and adds its duration. */
  async invocation<T>(fn: string, run: () => Promise<T>): Promise<T> {
    bump(this.invocations, fn);
    const started = performance.now();
    try {
      return await run();
    } finally {
      this.durationMs[fn] = (this.durationMs[fn] ?? 0) + (performance.now() - started);
    }
  }

  /**
   * Counts an execution's transitions from its event log. `distributedMaps`:
   * the Maps that run child executions on AWS (each child start is a
   * transition there); `synthetic`: states the local runner adds, which AWS has not.
   */
  async transitions(events: AsyncIterable<StateEvent>, distributedMaps: ReadonlySet<string>, synthetic: (state: string) => boolean): Promise<void> {
    for await (const event of events) {
      if ((event.type === 'StateEntered' || event.type === 'StateRetried') && !synthetic(event.state!.name)) this.transitionCount++;
      else if (event.type === 'MapIterationStarted' && distributedMaps.has(event.parentState!.name)) this.transitionCount++;
    }
  }

  /** Counts every request the stand-in DynamoDB server receives, by operation. */
  watchDynamoDb(server: Server): void {
    server.on('request', (req: IncomingMessage) => bump(this.dynamodb, dynamoDbOperation(req.headers)));
  }

  counts(): LocalUsageCounts {
    const s3: Record<string, number> = {};
    S3_OPERATIONS.forEach((op, i) => {
      const n = Atomics.load(this.s3Requests, i);
      if (n > 0) s3[op] = n;
    });
    return { invocations: { ...this.invocations }, durationMs: { ...this.durationMs }, transitions: this.transitionCount, s3, dynamodb: { ...this.dynamodb } };
  }

  reset(): void {
    this.invocations = {};
    this.durationMs = {};
    this.transitionCount = 0;
    for (let i = 0; i < S3_OPERATIONS.length; i++) Atomics.store(this.s3Requests, i, 0);
    this.dynamodb = {};
  }
}

/** DynamoDB's operation: the JSON protocol names it in `X-Amz-Target` (`DynamoDB_20120810.PutItem`). */
export function dynamoDbOperation(headers: IncomingHttpHeaders): string {
  const target = String(headers['x-amz-target'] ?? '');
  return target.slice(target.indexOf('.') + 1) || 'Unknown';
}

/**
 * S3's operation from a path-style request (`/bucket/key?query`), as the SDK
 * sends it to a local endpoint: the method, whether a key is named, and the
 * sub-resource in the query.
 */
export function s3Operation(method: string, url: string, headers: IncomingHttpHeaders): S3OperationName {
  const parsed = new URL(url, 'http://s3.local');
  const query = parsed.searchParams;
  const [, , ...key] = parsed.pathname.split('/');
  const hasKey = key.join('/') !== '';
  const copy = headers['x-amz-copy-source'] !== undefined;
  switch (method.toUpperCase()) {
    case 'PUT':
      if (!hasKey) return 'CreateBucket';
      if (query.has('partNumber') && query.has('uploadId')) return copy ? 'UploadPartCopy' : 'UploadPart';
      if (query.has('tagging')) return 'PutObjectTagging';
      return copy ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      if (query.has('delete')) return 'DeleteObjects';
      return 'PostObject';
    case 'DELETE':
      if (query.has('uploadId')) return 'AbortMultipartUpload';
      return hasKey ? 'DeleteObject' : 'DeleteBucket';
    case 'HEAD':
      return hasKey ? 'HeadObject' : 'HeadBucket';
    default:
      if (hasKey) {
        if (query.has('uploadId')) return 'ListParts';
        if (query.has('tagging')) return 'GetObjectTagging';
        return 'GetObject';
      }
      if (query.has('uploads')) return 'ListMultipartUploads';
      if (query.has('versions')) return 'ListObjectVersions';
      return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  }
}

/** The Maps of a definition that read their items with an ItemReader: Distributed Maps, whose children are executions on AWS. */
export function distributedMapNames(machine: { States: Record<string, Record<string, unknown>> }): Set<string> {
  const names = new Set<string>();
  for (const [name, state] of Object.entries(machine.States)) {
    if (state.Type !== 'Map') continue;
    if (state.ItemReader) names.add(name);
    const inner = (state.ItemProcessor ?? state.Iterator) as { States: Record<string, Record<string, unknown>> } | undefined;
    if (inner) for (const nested of distributedMapNames(inner)) names.add(nested);
  }
  return names;
}
