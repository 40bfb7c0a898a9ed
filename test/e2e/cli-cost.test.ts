/** `npx zipjobs cost`: the cost model from the command line (no stack needed). */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { US_EAST_1_PRICES } from '../../lambdas/core/cost-prices';
import { defaultAssumptions, JOB_FUNCTIONS, jobCost, jobUsage, type JobFunction } from '../../lambdas/core/costs';
import { functionSpecs } from '../../lib/functions';

function zipjobs(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok) => {
    execFile(process.execPath, [resolve('bin/zipjobs.mjs'), ...args], (error, stdout, stderr) => ok({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

describe('zipjobs cost', () => {
  it('prints each item and the cost per GB of the shape, with the configured memory of each function', async () => {
    const run = await zipjobs(['cost', '--gb', '10', '--files', '1000', '--zips', '2']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const memoryMb = Object.fromEntries(JOB_FUNCTIONS.map((fn) => [fn, functionSpecs[fn].memoryMb])) as Record<JobFunction, number>;
    const expected = jobCost(jobUsage({ gb: 10, files: 1000, zips: 2 }, defaultAssumptions(memoryMb)), US_EAST_1_PRICES, 10);
    expect(run.stdout).toContain('One job of 10 GB in 1,000 files, 2 ZIPs, at us-east-1 prices of 2026-12-02');
    for (const item of ['Lambda', 'Step Functions', 'S3 requests', 'S3 storage', 'DynamoDB', 'API Gateway', 'EventBridge', 'Data transfer out']) expect(run.stdout).toMatch(new RegExp(`^  ${item} +\\$`, 'm'));
    expect(run.stdout).toContain(`$${expected.total.toFixed(4)}   $${expected.perGb.toFixed(4)} per GB`);
    expect(run.stdout).toContain(`at ${functionSpecs.BuildZip.memoryMb} MB`);
    expect(run.stdout).toContain('21 state transitions');
  }, 60_000);

  it('--json: the shape, prices, assumptions, usage and cost; assumptions from flags', async () => {
    const run = await zipjobs(['cost', '--gb=1', '--files=10', '--stored-days', '7', '--downloads', '3', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.prices).toEqual({ region: 'us-east-1', as_of: '2026-12-02' });
    expect(out.assumptions).toMatchObject({ storedDays: 7, downloadsPerZip: 3 });
    expect(out.usage).toMatchObject({ egressGb: 3, apiRequests: 5, transitions: 15 });
    expect(out.cost.egress).toBeCloseTo(0.27, 9);
  }, 60_000);

  it('a bad or missing flag: exit 2 and a message naming it', async () => {
    const bad = await zipjobs(['cost', '--gb', 'ten', '--files', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--gb must be a number of at least 0, got ten');
    const zips = await zipjobs(['cost', '--gb', '1', '--files', '3', '--zips', '0']);
    expect(zips.code).toBe(2);
    expect(zips.stderr).toContain('--zips must be a whole number of at least 1, got 0');
    const missing = await zipjobs(['cost', '--gb', '1']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cost needs --files');
    const unknown = await zipjobs(['cost', '--gb', '1', '--files', '3', '--fast']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("'--fast'");
  }, 120_000);
});
