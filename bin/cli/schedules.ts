import { parseArgs } from 'node:util';
import { jsonArgument, print, urlsFromFile, usageError } from './args';
import { EXIT, type ApiClient } from './client';

type Schedule = Record<string, any>;

const line = (s: Schedule) => [s.id, s.enabled ? 'active' : 'paused', s.schedule_expression, s.timezone, s.name ?? '', s.last_run_at ? `last run ${s.last_run_at} ${s.last_status}` : 'no runs yet'].join('  ');

function detail(s: Schedule): string {
  return [line(s), ...(s.recent_jobs ?? []).map((r: Schedule) => `  ${r.created_at}  ${r.status}  ${r.job_id ?? ''}${r.error ? `  ${r.error}` : ''}`)].join('\n');
}

const oneId = (positionals: string[], command: string) => {
  if (positionals.length !== 1) throw usageError(`schedules ${command} takes one schedule id`);
  return encodeURIComponent(positionals[0]!);
};

export async function schedulesCommand(api: ApiClient, command: string | undefined, args: string[], json: boolean): Promise<number> {
  switch (command) {
    case 'list': {
      const { schedules } = await api.call('GET', '/schedules');
      print(json, schedules, () => (schedules.length ? schedules.map(line).join('\n') : 'no schedules'));
      return EXIT.ok;
    }
    case 'get': {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      const schedule = await api.call('GET', `/schedules/${oneId(positionals, command)}`);
      print(json, schedule, () => detail(schedule));
      return EXIT.ok;
    }
    case 'create': {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          body: { type: 'string' },
          name: { type: 'string' },
          expression: { type: 'string' },
          timezone: { type: 'string' },
          job: { type: 'string' },
          'urls-file': { type: 'string' },
          paused: { type: 'boolean' },
        },
      });
      const body: Record<string, unknown> = values.body ? jsonArgument(values.body, 'body') : {};
      if (values.name) body.name = values.name;
      if (values.expression) body.schedule_expression = values.expression;
      if (values.timezone) body.timezone = values.timezone;
      if (values.paused) body.enabled = false;
      const job: Record<string, unknown> = values.job ? jsonArgument(values.job, 'job') : ((body.job as Record<string, unknown>) ?? {});
      const urls = [...positionals, ...(values['urls-file'] ? urlsFromFile(values['urls-file']) : [])];
      if (urls.length > 0) job.files = urls.map((url) => ({ url }));
      body.job = job;
      if (!body.schedule_expression) throw usageError('schedules create needs --expression "cron(…)" | "rate(…)" | "at(…)"');
      const created = await api.call('POST', '/schedules', body);
      print(json, created, () => created.schedule_id);
      return EXIT.ok;
    }
    case 'pause':
    case 'resume': {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      const schedule = await api.call('PATCH', `/schedules/${oneId(positionals, command)}`, { enabled: command === 'resume' });
      print(json, schedule, () => line(schedule));
      return EXIT.ok;
    }
    case 'delete': {
      const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
      const deleted = await api.call('DELETE', `/schedules/${oneId(positionals, command)}`);
      print(json, deleted, () => `deleted ${deleted.schedule_id}`);
      return EXIT.ok;
    }
    default:
      throw usageError(`unknown command: schedules ${command ?? ''}`);
  }
}
