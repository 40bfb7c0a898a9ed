import { parseArgs } from 'node:util';
import { US_EAST_1_PRICES } from '../../lambdas/core/cost-prices';
import { defaultAssumptions, JOB_FUNCTIONS, jobCost, jobUsage, s3RequestClass, type JobFunction } from '../../lambdas/core/costs';
import { functionSpecs } from '../../lib/functions';
import { print, usageError } from './args';
import { EXIT } from './client';

function number(value: string | undefined, name: string, { min = 0, whole = false } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min || (whole && !Number.isInteger(n))) {
    throw usageError(`--${name} must be ${whole ? 'a whole number' : 'a number'} of at least ${min}, got ${value}`);
  }
  return n;
}

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;
const count = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 1 });

/** `cost --gb N --files N [--zips N]`: what one job of that shape costs on AWS (docs/COSTS.md). No API call. */
export function costCommand(args: string[], json: boolean): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      gb: { type: 'string' },
      files: { type: 'string' },
      zips: { type: 'string' },
      'build-mbps': { type: 'string' },
      'stored-days': { type: 'string' },
      downloads: { type: 'string' },
    },
  });
  if (positionals.length > 0) throw usageError(`cost takes no arguments besides its flags, got ${positionals[0]}`);
  const gb = number(values.gb, 'gb');
  const files = number(values.files, 'files', { min: 1, whole: true });
  if (gb === undefined) throw usageError('cost needs --gb (the job\'s size in GB)');
  if (files === undefined) throw usageError('cost needs --files (how many files the job zips)');
  const zips = number(values.zips, 'zips', { min: 1, whole: true }) ?? 1;
  if (zips > files) throw usageError(`--zips must be at most --files (${files}), got ${zips}`);

  const memoryMb = Object.fromEntries(JOB_FUNCTIONS.map((fn) => [fn, functionSpecs[fn].memoryMb])) as Record<JobFunction, number>;
  const base = defaultAssumptions(memoryMb);
  const assumptions = {
    ...base,
    buildMBps: number(values['build-mbps'], 'build-mbps', { min: 0.001 }) ?? base.buildMBps,
    storedDays: number(values['stored-days'], 'stored-days') ?? base.storedDays,
    downloadsPerZip: number(values.downloads, 'downloads', { whole: true }) ?? base.downloadsPerZip,
  };
  const shape = { gb, files, zips };
  const usage = jobUsage(shape, assumptions);
  const cost = jobCost(usage, US_EAST_1_PRICES, gb);

  const s3 = { write: 0, read: 0, free: 0 };
  for (const [op, n] of Object.entries(usage.s3)) s3[s3RequestClass(op)] += n;
  const invocations = Object.values(usage.invocations).reduce((x, y) => x + y, 0);
  const gbSeconds = Object.values(usage.gbSeconds).reduce((x, y) => x + y, 0);
  const rows: [string, number, string][] = [
    ['Lambda', cost.lambda, `${count(invocations)} invocations, ${count(gbSeconds)} GB-s (BuildZip ${count(usage.gbSeconds.BuildZip)} at ${memoryMb.BuildZip} MB)`],
    ['Step Functions', cost.stepFunctions, `${count(usage.transitions)} state transitions`],
    ['S3 requests', cost.s3Requests, `${count(s3.write)} PUT/POST/LIST, ${count(s3.read)} GET/HEAD, ${count(s3.free)} DELETE (free)`],
    ['S3 storage', cost.s3Storage, `${count(gb)} GB for ${count(assumptions.storedDays)} days`],
    ['DynamoDB', cost.dynamodb, `${count(usage.dynamoWriteUnits)} write units, ${count(usage.dynamoReadUnits)} read units`],
    ['API Gateway', cost.apiGateway, `${count(usage.apiRequests)} requests`],
    ['EventBridge', cost.eventBridge, `${count(usage.busEvents)} events`],
    ['Data transfer out', cost.egress, `${count(usage.egressGb)} GB`],
  ];
  print(json, { shape, prices: { region: US_EAST_1_PRICES.region, as_of: US_EAST_1_PRICES.asOf }, assumptions, usage, cost }, () =>
    [
      `One job of ${count(gb)} GB in ${count(files)} files, ${count(zips)} ZIP${zips === 1 ? '' : 's'}, at ${US_EAST_1_PRICES.region} prices of ${US_EAST_1_PRICES.asOf}:`,
      '',
      ...rows.map(([name, value, detail]) => `  ${name.padEnd(18)} ${usd(value).padStart(10)}   ${detail}`),
      `  ${'total'.padEnd(18)} ${usd(cost.total).padStart(10)}   ${gb > 0 ? `${usd(cost.perGb)} per GB` : ''}`,
      '',
      `Assumed: builds at ${count(assumptions.buildMBps)} MB/s and ${assumptions.perFileMs} ms per file, ZIPs kept ${count(assumptions.storedDays)} days and downloaded ${count(assumptions.downloadsPerZip)} time(s) each, one status read; no free tier. See docs/COSTS.md.`,
    ].join('\n'),
  );
  return EXIT.ok;
}
