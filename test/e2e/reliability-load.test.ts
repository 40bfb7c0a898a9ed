/**
 * 200 jobs created at once against the local stack: every one reaches a
 * terminal state with the right ZIP, none is lost or duplicated, and the API
 * keeps answering /health meanwhile (worst latency reported, not asserted tightly).
 * An overloaded create may be refused 503 (having made no job): the client
 * asks again after Retry-After with the same Idempotency-Key, as a client should.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_PLAN } from '../../lambdas/core/plans';
import { readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { useLocalApi } from './support/use-local-api';

const JOBS = 200;
const sources = new FaultServer();
const api = useLocalApi(sources, { plans: [{ ...DEFAULT_PLAN, requests_per_minute: 1_000_000 }] });

describe('load', () => {
  it(`runs ${JOBS} concurrent jobs to completion while /health stays responsive`, async () => {
    const bodies = Array.from({ length: JOBS }, (_, i) => Buffer.from(`job ${i}\n`.repeat(50 + i)));
    const urls = bodies.map((body, i) => sources.set(`/load/${i}.txt`, { body, lastModified: 'Wed, 21 Oct 2026 07:28:00 GMT' }));

    const health: number[] = [];
    let running = true;
    const prober = (async () => {
      while (running) {
        const t = performance.now();
        const res = await api.request('GET', '/health', { key: null });
        expect(res.status).toBe(200);
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const started = performance.now();
    let refused = 0;
    const create = async (url: string, i: number) => {
      for (let attempt = 1; ; attempt++) {
        const res = await api.request('POST', '/jobs', { body: { urls: [url] }, headers: { 'Idempotency-Key': `load-${i}` } });
        if (res.status !== 503 || attempt === 10) return res;
        refused++;
        expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
        // Retry-After, spread over as long again, so that the refused do not all come back at once.
        await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000 * (1 + Math.random())));
      }
    };
    const created = await Promise.all(urls.map(create));
    const createdMs = performance.now() - started;
    expect(created.map((c) => c.status)).toEqual(Array(JOBS).fill(201));
    const ids = created.map((c) => c.body.job_id as string);
    expect(new Set(ids).size).toBe(JOBS);

    // Poll through the list endpoint: every job appears exactly once, all terminal at the end.
    const deadline = Date.now() + 240_000;
    let listed: { id: string; status: string }[] = [];
    for (;;) {
      listed = [];
      let cursor: string | undefined;
      do {
        const page = await api.request('GET', `/jobs?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.status).toBe(200);
        listed.push(...page.body.jobs.map((j: { id: string; status: string }) => ({ id: j.id, status: j.status })));
        cursor = page.body.meta.next_cursor ?? undefined;
      } while (cursor);
      if (listed.length === JOBS && listed.every((j) => j.status === 'completed' || j.status === 'failed')) break;
      if (Date.now() > deadline) throw new Error(`not done: ${JSON.stringify(listed.filter((j) => j.status !== 'completed').slice(0, 5))}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const totalMs = performance.now() - started;
    running = false;
    await prober;

    expect(listed.map((j) => j.id).sort()).toEqual([...ids].sort());
    expect(listed.every((j) => j.status === 'completed')).toBe(true);

    for (let i = 0; i < JOBS; i++) {
      const job = (await api.getJob(ids[i]!)).body;
      const { bytes } = await api.download(job.download_url);
      const entries = await readZipWithYauzl(bytes);
      expect(entries.map((e) => e.name)).toEqual([`${i}.txt`]);
      expect(entries[0]!.data.equals(bodies[i]!)).toBe(true);
    }

    const sorted = [...health].sort((a, b) => a - b);
    const worst = sorted.at(-1)!;
    const p50 = sorted[Math.floor(sorted.length / 2)]!;
    console.info(
      `load: ${JOBS} jobs created in ${createdMs.toFixed(0)} ms (${refused} creates refused 503 and asked again), all terminal after ${totalMs.toFixed(0)} ms; ` +
        `/health ${health.length} probes, p50 ${p50.toFixed(0)} ms, worst ${worst.toFixed(0)} ms`,
    );
    expect(worst).toBeLessThan(10_000); // a generous bound: the API must not starve
  }, 420_000); // under a loaded machine the creates queue, and some are refused and asked again
});
