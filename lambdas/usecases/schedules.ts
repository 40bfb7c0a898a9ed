import { randomUUID } from 'node:crypto';
import type { ApiKeyStore } from '../adapters/api-key-store';
import type { JobStore } from '../adapters/job-store';
import type { ScheduleStore } from '../adapters/schedule-store';
import type { ScheduleTrigger } from '../adapters/scheduler';
import type { ScheduleDetail, ScheduleRunView, ScheduleSummary } from '../core/api/responses';
import { NotFoundError, PlanLimitExceededError, ServiceError, UnauthorizedError } from '../core/errors';
import { planNamed, type Plan } from '../core/plans';
import type { Schedule, ScheduleRun } from '../core/schedules/model';
import { parseScheduleExpression } from '../core/schedules/expression';
import { shortestInterval } from '../core/schedules/interval';
import { createScheduleRequestSchema, SCHEDULE_ID_METADATA_KEY, updateScheduleRequestSchema } from '../core/schedules/request';
import { parseOrThrow } from '../core/validation';
import { admitRequest } from './admit-request';
import { createJob, type CreateJobDeps } from './create-job';

export interface ScheduleDeps {
  readonly schedules: ScheduleStore;
  readonly trigger: ScheduleTrigger;
  /** Reads the jobs of recent runs. */
  readonly jobs: Pick<JobStore, 'getJob'>;
  readonly now: () => Date;
  readonly newId?: () => string;
}

type Tenant = { readonly id: string; readonly plan: Plan };

/** The client sent an object (checked by the schema); keep it as sent, so each run applies today's defaults. */
const rawJob = (input: unknown) => (input as { job: Record<string, unknown> }).job;

/** No schedule fires more often than the plan allows (403 naming schedule_expression). */
function enforceInterval(expression: string, tenant: Tenant, now: Date): void {
  const parsed = parseScheduleExpression(expression);
  if (!parsed.ok) return; // the schema has already refused it
  const least = tenant.plan.min_schedule_interval_seconds;
  if (shortestInterval(parsed.value, now.getTime()) < least) {
    throw new PlanLimitExceededError(`schedule_expression: fires more often than once every ${least} seconds, the most plan ${tenant.plan.name} allows`);
  }
}

export async function createSchedule(deps: ScheduleDeps, tenant: Tenant, input: unknown): Promise<Schedule> {
  const body = parseOrThrow(createScheduleRequestSchema, input);
  enforceInterval(body.schedule_expression, tenant, deps.now());
  const count = (await deps.schedules.list(tenant.id)).length;
  if (count >= tenant.plan.max_schedules) {
    throw new PlanLimitExceededError(`schedules: at most ${tenant.plan.max_schedules} schedules on plan ${tenant.plan.name}`);
  }
  const at = deps.now().toISOString();
  const schedule: Schedule = {
    id: (deps.newId ?? randomUUID)(),
    tenant_id: tenant.id,
    plan: tenant.plan.name,
    name: body.name ?? null,
    schedule_expression: body.schedule_expression.trim(),
    timezone: body.timezone,
    enabled: body.enabled,
    job: rawJob(input),
    created_at: at,
    updated_at: at,
    runs: [],
  };
  // The record first: a trigger never fires for a schedule that is not there.
  await deps.schedules.put(schedule);
  try {
    await deps.trigger.put(schedule);
  } catch (error) {
    await deps.schedules.delete(schedule.id);
    throw error;
  }
  return schedule;
}

/** The tenant's schedule; another tenant's is exactly as missing as one that never existed. */
async function ownSchedule(deps: Pick<ScheduleDeps, 'schedules'>, tenantId: string, id: string): Promise<Schedule> {
  const schedule = await deps.schedules.get(id);
  if (!schedule || schedule.tenant_id !== tenantId) throw new NotFoundError(`schedule ${id} not found`);
  return schedule;
}

export async function updateSchedule(deps: ScheduleDeps, tenant: Tenant, id: string, input: unknown): Promise<Schedule> {
  const body = parseOrThrow(updateScheduleRequestSchema, input ?? {});
  const current = await ownSchedule(deps, tenant.id, id);
  // Checked with the patching key's plan, which the schedule takes on.
  enforceInterval(body.schedule_expression ?? current.schedule_expression, tenant, deps.now());
  const updated: Schedule = {
    ...current,
    plan: tenant.plan.name,
    name: body.name ?? current.name,
    schedule_expression: body.schedule_expression?.trim() ?? current.schedule_expression,
    timezone: body.timezone ?? current.timezone,
    enabled: body.enabled ?? current.enabled,
    job: body.job ? rawJob(input) : current.job,
    updated_at: deps.now().toISOString(),
  };
  await deps.trigger.put(updated);
  await deps.schedules.put(updated);
  return updated;
}

export async function deleteSchedule(deps: ScheduleDeps, tenantId: string, id: string): Promise<void> {
  await ownSchedule(deps, tenantId, id);
  await deps.trigger.delete(id);
  await deps.schedules.delete(id);
}

async function runView(deps: Pick<ScheduleDeps, 'jobs'>, run: ScheduleRun): Promise<ScheduleRunView> {
  const job = run.job_id ? await deps.jobs.getJob(run.job_id) : undefined;
  return {
    job_id: run.job_id,
    // The job's status now; a run that made no job is failed.
    status: job?.status ?? (run.status === 'failed' ? 'failed' : 'expired'),
    created_at: job?.created_at ?? run.at,
    ...(run.error ? { error: run.error } : {}),
  };
}

async function scheduleView(deps: Pick<ScheduleDeps, 'jobs'>, schedule: Schedule, recent: number): Promise<ScheduleSummary & Partial<ScheduleDetail>> {
  const runs = await Promise.all(schedule.runs.slice(0, Math.max(1, recent)).map((run) => runView(deps, run)));
  const { tenant_id: _tenant, plan: _plan, runs: _runs, ...rest } = schedule;
  return {
    ...rest,
    last_run_at: schedule.runs[0]?.at ?? null,
    last_status: runs[0]?.status ?? null,
    ...(recent > 0 ? { recent_jobs: runs } : {}),
  };
}

export async function getSchedule(deps: Pick<ScheduleDeps, 'schedules' | 'jobs'>, tenantId: string, id: string): Promise<ScheduleDetail> {
  const view = await scheduleView(deps, await ownSchedule(deps, tenantId, id), 10);
  return { ...view, recent_jobs: view.recent_jobs ?? [] };
}

export async function listSchedules(deps: Pick<ScheduleDeps, 'schedules' | 'jobs'>, tenantId: string): Promise<ScheduleSummary[]> {
  const schedules = await deps.schedules.list(tenantId);
  return Promise.all(schedules.map((s) => scheduleView(deps, s, 0)));
}

export interface RunScheduleDeps {
  readonly schedules: ScheduleStore;
  /** A run needs an active key of the schedule's tenant. */
  readonly keys: Pick<ApiKeyStore, 'hasActiveApiKey'>;
  readonly createJob: CreateJobDeps;
  readonly plans: readonly Plan[];
  readonly now: () => Date;
}

export type RunOutcome = { readonly schedule_id: string } & (
  | { readonly outcome: 'skipped'; readonly reason: string }
  | { readonly outcome: 'created'; readonly job_id: string }
  | { readonly outcome: 'failed'; readonly error: string }
);

/**
 * One firing: a normal createJob for the schedule's tenant, so that plan
 * limits and quotas apply as of now. The tenant must still hold an active
 * API key, and the run counts as a request against the plan's requests per
 * minute. A refusal (no active key, rate, plan limit, quota, a template that
 * no longer validates) is recorded as a failed run, not retried. The
 * scheduled time makes an Idempotency-Key, so a repeated delivery of the same
 * firing makes no second job.
 */
export async function runSchedule(deps: RunScheduleDeps, scheduleId: string, scheduledTime?: string): Promise<RunOutcome> {
  const schedule = await deps.schedules.get(scheduleId);
  if (!schedule) return { schedule_id: scheduleId, outcome: 'skipped', reason: 'deleted' };
  if (!schedule.enabled) return { schedule_id: scheduleId, outcome: 'skipped', reason: 'disabled' };
  const template = schedule.job as { metadata?: Record<string, string> };
  const body = { ...template, metadata: { ...template.metadata, [SCHEDULE_ID_METADATA_KEY]: schedule.id } };
  const at = deps.now().toISOString();
  const tenant = { id: schedule.tenant_id, plan: planNamed(schedule.plan, deps.plans) };
  try {
    if (!(await deps.keys.hasActiveApiKey(tenant.id))) throw new UnauthorizedError('the tenant has no active API key');
    if (deps.createJob.usage) await admitRequest(deps.createJob.usage, tenant, deps.now().getTime());
    const job = await createJob(deps.createJob, tenant, body, {
      idempotencyKey: scheduledTime ? `schedule:${schedule.id}:${scheduledTime}` : undefined,
    });
    await deps.schedules.recordRun(schedule.id, { at, job_id: job.id, status: 'created' });
    return { schedule_id: scheduleId, outcome: 'created', job_id: job.id };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const message = `${error.code}: ${error.message}`;
    await deps.schedules.recordRun(schedule.id, { at, job_id: null, status: 'failed', error: message });
    return { schedule_id: scheduleId, outcome: 'failed', error: message };
  }
}
