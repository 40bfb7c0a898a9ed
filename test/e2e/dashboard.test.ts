import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readZipWithYauzl } from '../support/zip-readers';
import { FaultServer } from './support/fault-server';
import { SourceServer } from './support/source-server';
import { useLocalApi } from './support/use-local-api';

/** Screenshots for people to look at (git-ignored). */
const SHOTS = resolve('test-output/dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const sources = new SourceServer();
const faults = new FaultServer();
/** Sent in ~1.5 s (20 kB every 100 ms): long enough to watch the job's progress bar. */
const slowBody = Buffer.alloc(300_000, 'z');
const api = useLocalApi([sources, faults]);

let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // Flags for Debian's Chromium on a machine without a network or a GPU (see the README's Tests section).
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
});

afterAll(async () => {
  await browser?.close();
});

const storedKey = () => page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('zipjobs.apiKey'));
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

describe('the dashboard in Chromium', () => {
  it('loads without a key, under a Content-Security-Policy without unsafe-inline, and asks for a key', async () => {
    const response = await page.goto(`${api.url}/dashboard`);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await expect(page.getByLabel('API key', { exact: true }).isVisible()).resolves.toBe(true);
    // No way into a page before a key is accepted: the sections are hidden.
    await expect(page.getByRole('link', { name: 'New job' }).isVisible()).resolves.toBe(false);
    await shot('01-sign-in');

    // The key's check is held until the page has been looked at while it runs.
    let release!: () => void;
    const held = new Promise<void>((ok) => (release = ok));
    let checking!: () => void;
    const checked = new Promise<void>((ok) => (checking = ok));
    const isKeyCheck = (url: URL) => url.pathname === '/jobs' && url.search === '?limit=1';
    await page.route(isKeyCheck, async (route) => {
      checking();
      await held;
      await route.continue();
    });

    // Keyboard only: the key field has the focus, Enter submits.
    await page.keyboard.type(api.stack.apiKey);
    await page.keyboard.press('Enter');
    await checked;
    // While the API has not yet accepted the key, it is not kept and the sections stay hidden.
    await expect(storedKey()).resolves.toBeNull();
    await expect(page.getByRole('link', { name: 'New job' }).isVisible()).resolves.toBe(false);
    release();
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'No jobs yet.' }).waitFor();
    await page.unroute(isKeyCheck);
    expect(page.url()).not.toContain(api.stack.apiKey);
    await expect(storedKey()).resolves.toBe(api.stack.apiKey);
    await shot('02-jobs-empty');
  });

  let downloadedJob = '';
  it('creates a job from two pasted URLs and shows its progress bar reach 100 %', async () => {
    const fast = sources.set('/hello.txt', { body: Buffer.from('hello from the dashboard\n'), contentType: 'text/plain' });
    await page.getByRole('link', { name: 'New job' }).first().click();
    const slow = faults.set('/slow.txt', { body: slowBody, chunkSize: 20_000, delayMs: 100 });
    await page.getByLabel('URLs, one per line').fill(`${fast}\n${slow}\n`);
    await page.getByLabel('ZIP name').fill('from-the-browser');
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    downloadedJob = page.url().split('/').pop()!;

    // Watch the bar: record what it shows until the job completes.
    const seen: { value: number; max: number }[] = [];
    const deadline = Date.now() + 30_000;
    for (;;) {
      const bar = await page.locator('progress').first().evaluate((p) => ({ value: (p as unknown as { value: number }).value, max: (p as unknown as { max: number }).max }));
      if (seen.at(-1)?.value !== bar.value) seen.push(bar);
      if (seen.length === 1 || (bar.value < bar.max && seen.length === 2)) await shot('03-job-running');
      if (bar.value === bar.max && (await page.locator('h2 .badge').textContent()) === 'completed') break;
      if (Date.now() > deadline) throw new Error(`the job did not complete: ${JSON.stringify(seen)}`);
      await page.waitForTimeout(100);
    }
    expect(seen[0]!.value).toBeLessThan(seen[0]!.max);
    expect(seen.at(-1)).toEqual({ value: 2, max: 2 });
    await expect(page.locator('progress').first().getAttribute('aria-label')).resolves.toMatch(/2 of 2 files, 300 KB/);
    await shot('04-job-completed');
  });

  it('downloads the ZIP through the page', async () => {
    const link = page.getByRole('link', { name: 'Download from-the-browser.zip' });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('from-the-browser.zip');
    const path = join(SHOTS, 'from-the-browser.zip');
    await download.saveAs(path);
    const entries = await readZipWithYauzl(readFileSync(path));
    expect(entries.map((e) => e.name).sort()).toEqual(['hello.txt', 'slow.txt']);
    expect(entries.find((e) => e.name === 'slow.txt')!.data.equals(slowBody)).toBe(true);
  });

  it("shows a failed job's errors, on its page and in the list", async () => {
    const missing = `${sources.url}/missing.pdf`;
    await page.goto(`${api.url}/dashboard#/new`);
    await page.getByLabel('URLs, one per line').fill(missing);
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.waitForURL(/#\/jobs\/[0-9a-f-]{36}$/);
    await page.locator('h2 .badge', { hasText: 'failed' }).waitFor({ timeout: 30_000 });
    const errors = page.locator('ul.errors').first();
    await expect(errors.textContent()).resolves.toContain(`${missing}: HTTP 404`);
    await expect(page.getByRole('button', { name: 'Retry', exact: true }).isVisible()).resolves.toBe(true);
    await shot('05-job-failed');

    await page.getByRole('link', { name: 'Jobs', exact: true }).click();
    const rows = page.locator('tbody tr[data-job]');
    await rows.nth(1).waitFor();
    await expect(rows.count()).resolves.toBe(2);
    // Newest first: the failed job, with its error; then the completed one.
    await page.locator('tbody tr[data-job] ul.errors').first().waitFor();
    await expect(rows.nth(0).textContent()).resolves.toContain('HTTP 404');
    await expect(rows.nth(1).getAttribute('data-job')).resolves.toBe(downloadedJob);
    await expect(rows.nth(1).textContent()).resolves.toContain('completed');
    await shot('06-jobs');

    await page.setViewportSize({ width: 390, height: 844 });
    await shot('07-jobs-phone');
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('creates a schedule and pauses it', async () => {
    await page.getByRole('link', { name: 'Schedules' }).click();
    await page.getByRole('heading', { name: 'New schedule' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('nightly');
    await page.getByLabel('Expression').fill('cron(0 3 * * ? *)');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByLabel('URLs, one per line').fill(`${sources.url}/hello.txt`);
    await page.getByRole('button', { name: 'Create schedule' }).click();
    const row = page.locator('tr[data-schedule]', { hasText: 'nightly' });
    await row.locator('.badge', { hasText: 'active' }).waitFor();
    await row.getByRole('button', { name: 'Pause nightly' }).click();
    await row.locator('.badge', { hasText: 'paused' }).waitFor();
    await shot('08-schedules');

    const { body } = await api.request('GET', '/schedules');
    expect(body.schedules).toMatchObject([{ name: 'nightly', enabled: false, timezone: 'Europe/Paris', schedule_expression: 'cron(0 3 * * ? *)' }]);
    await row.getByRole('link', { name: 'nightly' }).click();
    await page.getByRole('heading', { name: 'Recent runs' }).waitFor();
    await shot('09-schedule');
  });

  it('sets the default webhook URL', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await expect(page.locator('#webhook-secret')).toBeDefined();
    await page.locator('#webhook-secret', { hasText: 'whsec_' }).waitFor();
    await page.getByLabel('Default webhook URL (empty: none)').fill('http://127.0.0.1:9/hooks');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhook saved' }).waitFor();
    const { body } = await api.request('GET', '/settings/webhook');
    expect(body.url).toBe('http://127.0.0.1:9/hooks');
    await shot('10-settings');
  });

  it('logged no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
