/** One run of a schedule: the job it created, or why createJob refused. */
export interface ScheduleRun {
  readonly at: string;
  readonly job_id: string | null;
  readonly status: 'created' | 'failed';
  readonly error?: string;
}

export interface Schedule {
  readonly id: string;
  readonly tenant_id: string;
  /** The plan of the key that last wrote the schedule; runs are checked against it. */
  readonly plan: string;
  readonly name: string | null;
  readonly schedule_expression: string;
  readonly timezone: string;
  readonly enabled: boolean;
  /** The `POST /jobs` body, as the client sent it. */
  readonly job: Record<string, unknown>;
  readonly created_at: string;
  readonly updated_at: string;
  /** Newest first, at most MAX_RECORDED_RUNS. */
  readonly runs: readonly ScheduleRun[];
}

export const MAX_RECORDED_RUNS = 10;

/** The EventBridge Scheduler name of a schedule (names are unique per group). */
export const schedulerName = (scheduleId: string) => `zipjobs-${scheduleId}`;
