import cliProgress from 'cli-progress';
import { bytes } from './args';

/**
 * Progress bars on standard error (standard output stays for results), drawn
 * only on a terminal: cli-progress writes nothing when stderr is not a TTY.
 */
export function jobBar(enabled: boolean) {
  if (!enabled) return { update: (_job: JobProgress) => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{bar} {percentage}% | {value}/{total} files | {bytes} | {status} | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(job: JobProgress) {
      const done = job.status === 'completed' ? job.progress.files_total : job.progress.files_done;
      const payload = { bytes: bytes(job.progress.bytes_done), status: job.status };
      if (!started) {
        bar.start(Math.max(1, job.progress.files_total), done, payload);
        started = true;
      } else bar.update(done, payload);
    },
    stop: () => started && bar.stop(),
  };
}

export interface JobProgress {
  readonly status: string;
  readonly progress: { readonly files_done: number; readonly files_total: number; readonly bytes_done: number };
}

/** One bar per downloaded file, counting bytes. */
export function downloadBars(enabled: boolean) {
  const multi = enabled
    ? new cliProgress.MultiBar(
        { stream: process.stderr, format: '{bar} {percentage}% | {name} | {done} of {size} | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  return {
    add(name: string, size: number, from: number) {
      const bar = multi?.create(Math.max(1, size), from, { name, done: bytes(from), size: bytes(size) });
      return (done: number) => bar?.update(done, { done: bytes(done) });
    },
    stop: () => multi?.stop(),
  };
}
