/** Prepare's probes of a split or stream job's sources, saved between runs when the budget runs out. */
import { log } from '../../adapters/log';
import { FetchError, type ProbeResult } from '../../core/fetch';
import { objectKeys, type Job, type Manifest } from '../../core/jobs/model';
import { mapConcurrent, type ProbeOutcome } from '../../core/packing';
import type { RunBudget } from '../budget';
import { storedOutcome } from '../prepare-objects';
import type { WorkflowDeps } from '../workflow';

/** Probe outcomes so far for one run of a split job, by file index (null: not probed yet). */
interface ProbeProgress {
  readonly v: 1;
  readonly outcomes: readonly (ProbeOutcome | null)[];
}

const PROBE_CONCURRENCY = 32;

/**
 * Every file's probe outcome, carrying on from the outcomes an earlier run
 * of this job run saved. Past the budget (once this run has probed at least
 * one batch, so a tiny budget still advances) it starts no new probe, saves
 * what it has and returns undefined.
 */
export async function probeFiles(deps: Pick<WorkflowDeps, 'blobs'> & { readonly probe?: (url: string) => Promise<ProbeResult> }, job: Job, manifest: Manifest, budget: RunBudget): Promise<ProbeOutcome[] | undefined> {
  const probe = deps.probe;
  if (!probe) throw new Error('prepare: a split or stream job needs a probe');
  const key = objectKeys.probes(job.id, job.run);
  const saved = await deps.blobs.findJson<ProbeProgress>(key);
  const outcomes: (ProbeOutcome | null)[] = saved?.v === 1 && saved.outcomes.length === manifest.files.length ? [...saved.outcomes] : manifest.files.map(() => null);
  const unprobed = outcomes.flatMap((o, i) => (o === null ? [i] : []));
  let probed = 0;
  const timeUp = () => probed > 0 && Date.now() >= budget.stopAt;
  // A failed probe is not fatal here: the file gets a bin of its own and the GET in BuildZip decides.
  for (const index of unprobed) outcomes[index] = storedOutcome(manifest.files[index]!) ?? null;
  await mapConcurrent(unprobed.filter((index) => outcomes[index] === null), PROBE_CONCURRENCY, async (index) => {
    if (timeUp()) return;
    outcomes[index] = await probeOnce(probe, manifest.files[index]!.url);
    probed++;
  });
  const left = outcomes.filter((o) => o === null).length;
  if (left === 0) {
    // Done with it (a crash before the bins are written costs probing again, nothing more).
    if (saved !== undefined) await deps.blobs.deleteObjects([key]);
    return outcomes as ProbeOutcome[];
  }
  await deps.blobs.putJson(key, { v: 1, outcomes } satisfies ProbeProgress);
  log.info('Prepare paused', { job_id: job.id, probed, left });
  return undefined;
}

/** One probe, tried again once when the failure may pass. */
async function probeOnce(probe: (url: string) => Promise<ProbeResult>, url: string): Promise<ProbeOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await probe(url);
      return {
        ok: true,
        ...(r.size !== undefined && { size: r.size }),
        ...(r.filename !== undefined && { filename: r.filename }),
        ...(r.url !== undefined && r.url !== url && { url: r.url }),
        ...(r.etag !== undefined && { etag: r.etag }),
        ...(r.lastModified !== undefined && { last_modified: r.lastModified }),
        ...(r.acceptsRanges && { accepts_ranges: true }),
      };
    } catch (error) {
      if (attempt >= 2 || !(error instanceof FetchError) || !error.retryable) return { ok: false, ...(error instanceof Error && { error: error.message }) };
      await new Promise((r) => setTimeout(r, 250 + Math.random() * 250));
    }
  }
}
