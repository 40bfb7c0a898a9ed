/**
 * The cost model (lambdas/core/costs.ts): one shape worked by hand, the
 * request classes, and properties: more GB or files never cost less, more
 * ZIPs never mean less work, and the per-GB price never falls below what
 * every GB pays (egress, storage).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { US_EAST_1_PRICES } from '../../lambdas/core/cost-prices';
import { BUILD_RUN_SECONDS, defaultAssumptions, JOB_FUNCTIONS, jobCost, jobUsage, PART_BYTES, s3RequestClass, type JobFunction, type JobShape } from '../../lambdas/core/costs';
import { functionSpecs } from '../../lib/functions';

const memoryMb = Object.fromEntries(JOB_FUNCTIONS.map((fn) => [fn, functionSpecs[fn].memoryMb])) as Record<JobFunction, number>;
const assumptions = defaultAssumptions(memoryMb);
const cost = (shape: JobShape) => jobCost(jobUsage(shape, assumptions), US_EAST_1_PRICES, shape.gb);

describe('the cost model', () => {
  it('a 10 GB job of 1,000 files in one ZIP, worked by hand', () => {
    const usage = jobUsage({ gb: 10, files: 1000, zips: 1 }, assumptions);
    const buildSeconds = (10 * 2 ** 30) / 1e6 / 60 + (1000 * 25) / 1000;
    expect(usage.invocations).toEqual({ CreateJob: 1, GetJob: 1, Download: 1, Prepare: 1, BuildZip: 2, Finalize: 1, Notify: 1 });
    expect(usage.gbSeconds.BuildZip).toBeCloseTo((buildSeconds * 1769) / 1024, 6);
    expect(usage.gbSeconds.CreateJob).toBeCloseTo((0.25 * 512) / 1024, 9);
    expect(usage.transitions).toBe(15);
    const parts = Math.ceil((10 * 2 ** 30) / PART_BYTES);
    expect(usage.s3).toEqual({ PutObject: 1 + 2 + 1, GetObject: 1 + 1 + 3 + 1 + 1, CreateMultipartUpload: 1, UploadPart: parts, CompleteMultipartUpload: 1, DeleteObjects: 1 });
    const c = jobCost(usage, US_EAST_1_PRICES, 10);
    expect(c.egress).toBeCloseTo(10 * 0.09, 9);
    expect(c.stepFunctions).toBeCloseTo(15 * 0.000025, 12);
    expect(c.s3Requests).toBeCloseTo((4 + 1 + parts + 1) * 0.000005 + 7 * 0.0000004, 12);
    expect(c.total).toBeCloseTo(c.lambda + c.stepFunctions + c.s3Requests + c.s3Storage + c.dynamodb + c.apiGateway + c.eventBridge + c.egress, 12);
    expect(c.perGb).toBeCloseTo(c.total / 10, 12);
  });

  it('a small ZIP is one PutObject; a ZIP that outlasts a run is built in several, each checkpointing', () => {
    expect(jobUsage({ gb: 0.001, files: 3, zips: 1 }, assumptions).s3).toEqual({ PutObject: 4, GetObject: 7, DeleteObjects: 1 });
    const slow = { ...assumptions, buildMBps: 1 };
    const usage = jobUsage({ gb: 2, files: 10, zips: 1 }, slow);
    const runs = Math.ceil((2 * 2 ** 30) / 1e6 / 1 / BUILD_RUN_SECONDS);
    expect(runs).toBeGreaterThan(1);
    expect(usage.invocations.BuildZip).toBe(1 + runs);
    expect(usage.transitions).toBe(9 + 6 + 2 * (runs - 1));
  });

  it("S3's request classes: PUT/COPY/POST/LIST, GET and the rest, DELETE free", () => {
    expect(['PutObject', 'UploadPart', 'CreateMultipartUpload', 'CompleteMultipartUpload', 'ListObjectsV2', 'CopyObject'].map(s3RequestClass)).toEqual(Array(6).fill('write'));
    expect(['GetObject', 'HeadObject'].map(s3RequestClass)).toEqual(['read', 'read']);
    expect(['DeleteObjects', 'DeleteObject', 'AbortMultipartUpload'].map(s3RequestClass)).toEqual(['free', 'free', 'free']);
  });

  // A job has at least as many files as ZIPs.
  const shape = fc
    .record({ gb: fc.double({ min: 0, max: 2000, noNaN: true }), files: fc.integer({ min: 1, max: 100_000 }), zips: fc.integer({ min: 1, max: 200 }) })
    .map((s) => ({ ...s, files: Math.max(s.files, s.zips + 50) }));

  it('more GB or more files never cost less', () => {
    fc.assert(
      fc.property(shape, fc.double({ min: 0, max: 500, noNaN: true }), fc.integer({ min: 0, max: 10_000 }), (s, dGb, dFiles) => {
        const before = cost(s).total;
        expect(cost({ ...s, gb: s.gb + dGb }).total).toBeGreaterThanOrEqual(before);
        expect(cost({ ...s, files: s.files + dFiles }).total).toBeGreaterThanOrEqual(before);
      }),
    );
  });

  // Not the total: more, smaller ZIPs may need fewer BuildZip runs in all (each run's last minutes
  // are cut at a budget boundary) and fewer once-a-second progress writes, as the service does.
  it('more ZIPs mean more BuildZip invocations and transitions (while each ZIP fits a run), API requests and S3 reads', () => {
    fc.assert(
      fc.property(shape, fc.integer({ min: 1, max: 50 }), (s, dZips) => {
        const before = jobUsage(s, assumptions);
        const after = jobUsage({ ...s, zips: s.zips + dZips }, assumptions);
        const runsBefore = before.invocations.BuildZip / s.zips;
        // While every ZIP fits one run; past that, more ZIPs may need fewer runs in all.
        if (runsBefore === 1) {
          expect(after.transitions).toBeGreaterThan(before.transitions);
          expect(after.invocations.BuildZip).toBeGreaterThan(before.invocations.BuildZip);
          expect(after.s3.GetObject!).toBeGreaterThan(before.s3.GetObject!);
        }
        expect(after.apiRequests).toBeGreaterThan(before.apiRequests);
      }),
    );
  });

  it('every GB pays at least its egress and a day of storage', () => {
    fc.assert(
      fc.property(shape.filter((s) => s.gb > 0), (s) => {
        const floor = US_EAST_1_PRICES.egressGb + US_EAST_1_PRICES.s3GbMonth / 30;
        expect(cost(s).perGb).toBeGreaterThanOrEqual(floor * (1 - 1e-12));
      }),
    );
  });
});
