/**
 * One BuildZip run's pace: when to stop (its budget, or another build having
 * taken over the ZIP), and whether this run still owns the ZIP.
 */
import type { JobStore } from '../../adapters/job-store';
import { isTerminal } from '../../core/jobs/model';
import type { EntryControl } from '../../core/zip';
import type { RunBudget } from '../budget';

/** How often a build checks that it still owns its ZIP. */
const OWNER_CHECK_MS = 5000;

/**
 * A build whose execution ended early (stopped, timed out) runs on, as a
 * Lambda does, while WorkflowEnded fails its job and a retry may start
 * another build of this ZIP. So it checks every few seconds, and before
 * anything others would see (a checkpoint, the finished ZIP), that the job
 * is still unfinished and on the same run; if not, it stops writing at once.
 */
export class RunControl {
  private superseded = false;
  /** Each run does some work before it may stop, so a tiny budget still advances. */
  private worked = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly store: Pick<JobStore, 'getJob'>,
    private readonly jobId: string,
    /** The job's run this build belongs to. */
    readonly ownRun: number | undefined,
    private readonly budget: RunBudget,
  ) {
    this.timer = setInterval(() => {
      this.stillOwner().then(
        (own) => void (this.superseded ||= !own),
        () => undefined,
      );
    }, OWNER_CHECK_MS);
    this.timer.unref();
  }

  async stillOwner(): Promise<boolean> {
    if (this.superseded) return false;
    const current = await this.store.getJob(this.jobId);
    return current !== undefined && current.run === this.ownRun && !isTerminal(current.status);
  }

  markWorked(): void {
    this.worked = true;
  }

  timeUp(): boolean {
    return this.superseded || (this.worked && Date.now() >= this.budget.stopAt);
  }

  /** What the writer asks while it streams an entry: pause when the time is up. */
  entryControl(): EntryControl {
    return {
      shouldPause: () => {
        this.worked = true;
        return this.timeUp();
      },
    };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
