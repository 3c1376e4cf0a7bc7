/**
 * The war-room page in a real Chromium, served with the API on a local port
 * over a state store in which the demo flow ran (migration, go-live, use,
 * watch, decision, immediate rollback). The page may request nothing but
 * its own origin. It shows every kind of event on the timeline, the
 * critical watch and the rollback decision, the rollback's five steps, a
 * ledger row found by target id, and approves the waiting customer message
 * only with the right token, showing the API's refusal otherwise.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/plan/load-plan.js';
import { StateStore } from '../../src/state/index.js';
import { dashboardApi } from '../../src/web/dashboard-api.js';
import { launchBrowser } from '../support/browser.js';
import { runAndKill } from '../support/child-cli.js';
import { runCli, TEST_KEY } from '../support/cli-run.js';

const TOKEN = 'war-room-page-token-51d0';
let dir: string;
let state: StateStore;
let server: ServerType;
let origin: string;
let browser: Browser;
let page: Page;
const refused: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cutover-dashboard-page-'));
  expect((await runCli(dir, ['init', '--demo', '--dir', '.', '--records', '200'])).code).toBe(0);
  for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes'], ['simulate', 'salesforce', '--new', '10', '--edits', '5', '--deletes', '5', '--days', '1'], ['watch', '--once'], ['decide', 'rollback', '--reason', 'records lost after go-live'], ['rollback', '--yes']]) {
    const step = await runCli(dir, args);
    expect(step.code === 0 || (args[0] === 'watch' && step.code === 1), `${args.join(' ')}: ${step.err}`).toBe(true);
  }
  state = await StateStore.open(dir);
  const app = dashboardApi({ loaded: loadPlan(path.join(dir, 'cutover.yaml')), state, env: { ...process.env, CUTOVER_KEY: TEST_KEY }, token: TOKEN });
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => void dialog.dismiss());
  await page.route('**/*', async (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue();
    refused.push(route.request().url());
    return route.abort();
  });
  await page.goto(`${origin}/`, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await state?.close();
});

describe('the war-room page', () => {
  it('is served at / as HTML with the project name, self-contained', async () => {
    const response = await fetch(`${origin}/`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Acme Corp — legacy CRM to Salesforce (demo)');
    expect(html).not.toMatch(/<(link|script)[^>]+(href|src)=/i);
  });

  it('shows every kind of event on the timeline', async () => {
    const list = page.locator('#timeline-list li');
    await expect.poll(() => list.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const kinds = await list.evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { kind: string } }).dataset.kind));
    expect([...new Set(kinds)].sort()).toEqual(['backup', 'decision', 'go-live', 'run', 'watch']);
    await expect.poll(() => page.locator('#timeline-list li[data-kind="watch"]').textContent()).toContain('watch: critical');
  });

  it('shows the critical watch verdict with its fired checks, and the rollback decision', async () => {
    const status = page.locator('#status');
    await expect.poll(() => status.textContent(), { timeout: 10_000 }).toContain('critical');
    const text = (await status.textContent()) ?? '';
    expect(text).toMatch(/fired: \S/);
    expect(text).toContain('rollback');
    expect(text).toContain('records lost after go-live');
    expect(text).toMatch(/verification/);
  });

  it('lists the rollback run with its five steps, each succeeded', async () => {
    const rows = page.locator('#rollback-steps tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(5);
    const steps = await rows.evaluateAll((items) => items.map((item) => `${(item as unknown as { dataset: { step: string } }).dataset.step} ${(item as unknown as { children: Array<{ textContent: string }> }).children[1]!.textContent}`));
    expect(steps).toEqual(['freeze-target succeeded', 'export-delta succeeded', 'restore-source succeeded', 'reenable-source succeeded', 'communicate succeeded']);
  });

  it('finds a ledger row by target id', async () => {
    const [entry] = (await state.ledger.idMap('salesforce', 'Account')).slice(0, 1);
    await page.getByLabel('Search by').selectOption('targetId');
    await page.getByLabel('Record id').fill(entry!.targetId);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`#ledger-rows tr[data-target="${entry!.targetId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await row.first().textContent()).toContain(entry!.targetId);
  });

  it('approves the waiting message only with the right token, showing the refusal otherwise', async () => {
    const [waiting] = await state.messages.list({ status: 'awaiting_approval' });
    const row = page.locator(`#messages-rows tr[data-message="${waiting!.id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('awaiting_approval');

    await row.getByRole('button', { name: /^Approve/ }).click();
    await page.getByLabel('Dashboard token').fill('not-the-token');
    await page.getByLabel('Your name').fill('Dana');
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => page.locator('#approve-result').textContent()).toContain('The token is not the one this dashboard printed when it started.');
    expect((await state.messages.get(waiting!.id))?.status).toBe('awaiting_approval');
    expect(await row.getAttribute('data-status')).toBe('awaiting_approval');

    await page.getByLabel('Dashboard token').fill(TOKEN);
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('sent');
    expect(await state.messages.get(waiting!.id)).toMatchObject({ status: 'sent', approvedBy: 'Dana' });
    await page.screenshot({ path: path.join(tmpdir(), 'cutover-dashboard.png'), fullPage: true });
  });

  it('requested nothing outside its origin and threw no script error', () => {
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe('the war-room page while a rollback runs', () => {
  it('shows a rollback stopped halfway, then its steps advancing to the end as it is resumed, without a reload', async () => {
    const stepsShown = () =>
      page.locator('#rollback-steps tr').evaluateAll((items) => items.map((item) => `${(item as unknown as { dataset: { step: string } }).dataset.step} ${(item as unknown as { children: Array<{ textContent: string }> }).children[1]!.textContent}`));
    // A second rollback, killed at growing moments until one is caught halfway: recorded, with a step not finished.
    let halfway: string | undefined;
    for (let ms = 250; ms <= 4000 && !halfway; ms += 250) {
      const run = await runAndKill(['rollback', '--force', '--yes'], dir, ms, { CUTOVER_KEY: TEST_KEY });
      const latest = (await state.runs.list({ kind: 'rollback' }))[0]!;
      const steps = await state.steps.list(latest.id);
      if (run.killed && latest.status === 'running' && steps.some((step) => step.status !== 'succeeded')) halfway = latest.id;
    }
    expect(halfway, 'a rollback caught halfway').toBeDefined();
    await expect.poll(() => page.locator('#rollback-run').textContent(), { timeout: 10_000 }).toContain(halfway!);
    const during = await stepsShown();
    expect(during).toHaveLength(5);
    expect(during.some((step) => !step.endsWith('succeeded'))).toBe(true);
    const loads: string[] = [];
    page.on('load', () => loads.push('load'));
    const resumed = await runAndKill(['rollback', '--resume', '--yes'], dir, undefined, { CUTOVER_KEY: TEST_KEY });
    expect(resumed.code).toBe(0);
    await expect.poll(stepsShown, { timeout: 10_000 }).toEqual(['freeze-target succeeded', 'export-delta succeeded', 'restore-source succeeded', 'reenable-source succeeded', 'communicate succeeded']);
    await expect.poll(() => page.locator('#rollback-run').textContent(), { timeout: 10_000 }).toContain('succeeded');
    expect(loads).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);
});
