/**
 * The war room as a person sees it: `cutover demo` tells its whole story
 * (backup, migration, go-live, use, a critical watch, the decision, the
 * rollback, a drill), then `cutover dashboard` serves its folder as a real
 * process and Chromium opens the page, which may request nothing but its
 * own origin. It shows the timeline, the fired trigger with its evidence
 * and history, the drill's phases and its chart against the RTO, a ledger
 * search; it refuses an action without the token and takes it with the
 * token after a confirmation (approve a message, record a decision by
 * keyboard alone, start a drill); it follows a rollback live. Screenshots
 * go to test-artifacts/dashboard/.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/index.js';
import { artifactPath } from '../support/artifacts.js';
import { computedStyle, launchBrowser } from '../support/browser.js';
import { runAndKill } from '../support/child-cli.js';
import { runCli } from '../support/cli-run.js';
import { startDashboard, type DashboardProcess } from '../support/dashboard-process.js';

let dir: string;
let state: StateStore;
let dashboard: DashboardProcess;
let browser: Browser;
let page: Page;
const refused: string[] = [];
const errors: string[] = [];

/** Each step row of the run shown as "name status". */
const stepsShown = (): Promise<string[]> =>
  page.locator('#rollback-steps tr').evaluateAll((items) => items.map((item) => `${(item as unknown as { dataset: { step: string } }).dataset.step} ${(item as unknown as { children: Array<{ textContent: string }> }).children[1]!.textContent}`));

const DRILL_PHASES = ['sandboxes', 'backup', 'snapshot', 'migrate', 'go-live', 'simulate', 'watch', 'decide', 'rollback'];

beforeAll(async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'cutover-dashboard-page-'));
  const demo = await runCli(root, ['demo', '--dir', 'story', '--records', '200']);
  expect(demo.code, demo.err).toBe(0);
  dir = path.join(root, 'story');
  state = await StateStore.open(dir);
  dashboard = await startDashboard(dir, {});
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.route('**/*', async (route) => {
    if (new URL(route.request().url()).origin === dashboard.url) return route.continue();
    refused.push(route.request().url());
    return route.abort();
  });
  await page.goto(`${dashboard.url}/`, { waitUntil: 'load' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  expect(await dashboard?.stop()).toBe(0);
  await state?.close();
});

describe('the war room after the demo', () => {
  it('is served at / as one self-contained HTML document with the project name', async () => {
    const response = await fetch(`${dashboard.url}/`);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('Acme Corp — legacy CRM to Salesforce (demo)');
    expect(html).not.toMatch(/<(link|script|img)[^>]+(href|src)=/i);
  });

  it('shows the migration on one timeline: backups with their verification, runs, the go-live, the watch and the decision', async () => {
    const list = page.locator('#timeline-list li');
    await expect.poll(() => list.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const kinds = await list.evaluateAll((items) => items.map((item) => (item as unknown as { dataset: { kind: string } }).dataset.kind));
    expect([...new Set(kinds)].sort()).toEqual(['backup', 'decision', 'go-live', 'run', 'watch']);
    const titles = (await list.allTextContents()).join('\n');
    expect(titles).toMatch(/full backup of legacy, \d+ records, deep verification passed/);
    for (const run of ['migrate', 'simulate', 'rollback (immediate)', 'drill (delayed)']) expect(titles).toContain(` ${run} of salesforce`);
    expect(await page.locator('#timeline-axis span').count()).toBe(kinds.length);
  });

  it('shows the critical watch, the fired trigger with its measured value, threshold, evidence and history', async () => {
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toContain('critical');
    expect(await page.locator('#status').textContent()).toContain('migrated records were lost after go-live');
    const fired = page.locator('#triggers-rows tr[data-check="data-loss"]');
    expect(await fired.getAttribute('data-status')).toBe('fired');
    const text = (await fired.textContent()) ?? '';
    expect(text).toMatch(/deleted since go-live of \d+/);
    expect(text).toContain('deleted since go-live ≤ 1% per object');
    const evidence = fired.locator('details.evidence');
    expect(await evidence.getAttribute('open')).not.toBeNull();
    const [round] = await state.watch.list('salesforce', 1);
    const compared = (await state.watch.get(round!.id))!.evaluations.find((e) => e.check === 'data-loss')!.evidence as { comparedWith: string };
    expect(await evidence.textContent()).toContain(compared.comparedWith);
    expect(await evidence.locator('table th').allTextContents()).toEqual(expect.arrayContaining(['target', 'expected', 'deleted', 'deletedIds']));
    expect(await fired.locator('svg.history').getAttribute('aria-label')).toMatch(/^history, oldest first: (fired(, )?)+$/);
    const healthy = page.locator('#triggers-rows tr[data-status="ok"]');
    expect(await healthy.count()).toBeGreaterThan(0);
    expect(await healthy.first().locator('details.evidence').getAttribute('open')).toBeNull();
    await page.screenshot({ path: artifactPath('dashboard', 'after-demo.png'), fullPage: true });
    // The top of it, as the README shows it.
    await page.screenshot({ path: artifactPath('dashboard', 'war-room.png'), fullPage: true, clip: { x: 0, y: 0, width: 1366, height: 1500 } });
  });

  it("shows the demo's drill, the latest run, phase by phase, and its chart: each rollback step's time and the rollback against the RTO", async () => {
    const [drill] = await state.runs.list({ kind: 'drill' });
    await expect.poll(() => page.locator('#rollback-run').textContent(), { timeout: 10_000 }).toContain(drill!.id);
    expect(await stepsShown()).toEqual(DRILL_PHASES.map((name) => `${name} succeeded`));
    const item = page.locator(`#drills-list li[data-run="${drill!.id}"]`);
    expect(await item.textContent()).toMatch(/rollback [\d.]+ s of an RTO of 4h: pass/);
    const summary = drill!.summary as { rollbackSteps: Array<{ name: string; title: string; seconds: number }> };
    const bars = item.locator('svg.chart rect.step-bar');
    expect(await bars.evaluateAll((rects) => rects.map((rect) => (rect as unknown as { getAttribute(name: string): string }).getAttribute('data-step')))).toEqual(summary.rollbackSteps.map((step) => step.name));
    // The longest step fills the bar; the others in proportion.
    const widths = await bars.evaluateAll((rects) => rects.map((rect) => Number((rect as unknown as { getAttribute(name: string): string }).getAttribute('width'))));
    const longest = Math.max(...summary.rollbackSteps.map((step) => step.seconds));
    summary.rollbackSteps.forEach((step, i) => expect(widths[i]).toBeCloseTo(Math.max(1, (step.seconds / longest) * 300), 3));
    expect(await item.locator('svg.chart title').textContent()).toContain(summary.rollbackSteps[0]!.title);
    expect(await item.locator('svg.chart rect.rto-bar').count()).toBe(1);
    // Marks take the colour of their status, as the badges do: a passing RTO and succeeded steps green.
    expect(await computedStyle(item.locator('svg.chart rect.rto-bar'), 'fill')).toBe('rgb(27, 110, 46)');
    expect(await computedStyle(bars.first(), 'fill')).toBe('rgb(27, 110, 46)');
    expect(await computedStyle(page.locator('#triggers-rows tr[data-check="data-loss"] svg.history circle').first(), 'fill')).toBe('rgb(179, 38, 30)');
  });

  it('finds the ledger rows of a record by its source id', async () => {
    const [entry] = (await state.ledger.idMap('salesforce', 'Account')).slice(0, 1);
    await page.getByLabel('Search by').selectOption('sourceId');
    await page.getByLabel('Record id').fill(entry!.sourceId);
    await page.getByRole('button', { name: 'Search' }).click();
    const row = page.locator(`#ledger-rows tr[data-target="${entry!.targetId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await row.first().textContent()).toContain(entry!.sourceId);
    expect(await page.locator('#ledger-note').textContent()).toMatch(/^\d+ entr(y|ies)\.$/);
  });

  it('refuses to approve a message without the token, then approves it with the token after showing it in the confirmation', async () => {
    const [waiting] = await state.messages.list({ status: 'awaiting_approval' });
    const row = page.locator(`#messages-rows tr[data-message="${waiting!.id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('awaiting_approval');
    const review = row.getByRole('button', { name: /^Review and approve/ });

    await review.click();
    expect(await page.locator('#action-result').textContent()).toBe('Enter the dashboard token and your name under Acting as first.');
    expect(await page.locator('#confirm').isVisible()).toBe(false);

    await page.getByLabel('Dashboard token').fill('not-the-token');
    await page.getByLabel('Your name').fill('Dana');
    await review.click();
    expect(await page.locator('#confirm-body pre').textContent()).toBe(waiting!.message.text);
    await page.locator('#confirm-yes').click();
    await expect.poll(() => page.locator('#action-result').textContent()).toBe('Refused: The token is not the one this dashboard printed when it started.');
    expect((await state.messages.get(waiting!.id))?.status).toBe('awaiting_approval');

    await page.getByLabel('Dashboard token').fill(dashboard.token);
    await review.click();
    await page.locator('#confirm-no').click();
    expect((await state.messages.get(waiting!.id))?.status).toBe('awaiting_approval');
    await review.click();
    await page.locator('#confirm-yes').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('sent');
    expect(await state.messages.get(waiting!.id)).toMatchObject({ status: 'sent', approvedBy: 'Dana' });
    expect((await state.audit.list({ limit: 5 })).find((entry) => entry.command === 'dashboard approve')).toMatchObject({ user: 'Dana' });
  });

  it('records a decision by keyboard alone: fields, choice, the confirmation dialog', async () => {
    await page.getByLabel('Dashboard token').fill('');
    await page.getByLabel('Your name').fill('');
    await page.getByLabel('Dashboard token').focus();
    await page.keyboard.type(dashboard.token);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Robin');
    await page.keyboard.press('Tab'); // the checked radio: Roll back
    await page.keyboard.press('ArrowRight'); // Continue
    await page.keyboard.press('Tab');
    await page.keyboard.type('the lost records were restored from the recycle bin');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(true);
    expect(await page.locator('#confirm-h').textContent()).toBe('Record the decision to continue');
    expect(await page.evaluate('document.activeElement.id')).toBe('confirm-no');
    expect(await computedStyle(page.locator('#confirm-no'), 'outline-style')).toBe('solid');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('confirm-yes');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#action-result').textContent(), { timeout: 10_000 }).toMatch(/^Decision decision-\S+ recorded: continue by Robin \(against the recommendation\)\.$/);
    expect(await state.decisions.latest('salesforce')).toMatchObject({ decision: 'continue', user: 'Robin', reason: 'the lost records were restored from the recycle bin' });
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 10_000 }).toContain('the lost records were restored from the recycle bin — Robin');
  });

  it('starts a drill after a confirmation and shows its phases and its chart when it ends', async () => {
    const before = (await state.runs.list({ kind: 'drill' })).length;
    await page.getByLabel('Procedure').selectOption('immediate');
    await page.getByLabel('Records created').fill('50');
    await page.getByRole('button', { name: 'Start a drill…' }).click();
    expect(await page.locator('#confirm-body').textContent()).toContain('Production is not touched.');
    await page.locator('#confirm-yes').click();
    await expect.poll(() => page.locator('#action-result').textContent(), { timeout: 30_000 }).toMatch(/^Drill drill-\S+ started\.$/);
    const id = /Drill (drill-\S+) started/.exec((await page.locator('#action-result').textContent())!)![1]!;
    expect(await state.runs.list({ kind: 'drill' })).toHaveLength(before + 1);
    await expect.poll(() => state.runs.get(id).then((run) => run?.status), { timeout: 60_000, interval: 250 }).toBe('succeeded');
    await expect.poll(() => page.locator(`#drills-list li[data-run="${id}"] svg.chart rect.step-bar`).count(), { timeout: 10_000 }).toBe(5);
    await expect.poll(stepsShown, { timeout: 10_000 }).toEqual(DRILL_PHASES.map((name) => `${name} succeeded`));
    expect(await page.locator('#rollback-run').textContent()).toContain(id);
    await expect.poll(() => page.locator('#drill-started').textContent(), { timeout: 10_000 }).toBe(`Drill ${id} started here by Robin: ended.`);
    expect((await state.audit.list({ limit: 5 })).find((entry) => entry.command === 'dashboard drill')).toMatchObject({ user: 'Robin', outcome: 'succeeded' });
    await page.screenshot({ path: artifactPath('dashboard', 'after-drill.png'), fullPage: true });
  }, 90_000);

  it('follows a rollback caught halfway, then its steps advancing to the end as it is resumed, without a reload', async () => {
    // A rollback killed at growing moments until one is caught halfway: recorded, with a step not finished.
    let halfway: string | undefined;
    for (let ms = 250; ms <= 4000 && !halfway; ms += 250) {
      const run = await runAndKill(['rollback', '--force', '--yes'], dir, ms);
      const latest = (await state.runs.list({ kind: 'rollback' }))[0]!;
      const steps = await state.steps.list(latest.id);
      if (run.killed && latest.status === 'running' && steps.some((step) => step.status !== 'succeeded')) halfway = latest.id;
    }
    expect(halfway, 'a rollback caught halfway').toBeDefined();
    await expect.poll(() => page.locator('#rollback-run').textContent(), { timeout: 10_000 }).toContain(halfway!);
    const during = await stepsShown();
    expect(during).toHaveLength(5);
    expect(during.some((step) => !step.endsWith('succeeded'))).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard', 'rollback-halfway.png'), fullPage: true });
    const loads: string[] = [];
    page.on('load', () => loads.push('load'));
    const resumed = await runAndKill(['rollback', '--resume', '--yes'], dir, undefined);
    expect(resumed.code).toBe(0);
    await expect.poll(stepsShown, { timeout: 10_000 }).toEqual(['freeze-target succeeded', 'export-delta succeeded', 'restore-source succeeded', 'reenable-source succeeded', 'communicate succeeded']);
    await expect.poll(() => page.locator('#rollback-run').textContent(), { timeout: 10_000 }).toContain('succeeded');
    expect(loads).toEqual([]);
  }, 120_000);

  it('labels every control, names every button, keeps text contrast at WCAG AA and fits a laptop screen', async () => {
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input, select, textarea')].filter((e) => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label')).map((e) => e.id || e.name)`);
    expect(unlabelled).toEqual([]);
    const unnamed = await page.evaluate(`[...document.querySelectorAll('button')].filter((b) => !(b.getAttribute('aria-label') || b.textContent.trim())).length`);
    expect(unnamed).toBe(0);
    // Contrast of every badge's text on its colour, and of muted text on white, by the WCAG formula.
    const ratios = (await page.evaluate(`(() => {
      const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
      const lum = (c) => { const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
      const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      const seen = {};
      document.querySelectorAll('.badge, .muted, time, button').forEach((e) => { const s = getComputedStyle(e); let bg = s.backgroundColor; if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)'; seen[e.className + ' ' + s.color + ' on ' + bg] = ratio(s.color, bg); });
      return seen;
    })()`)) as Record<string, number>;
    expect(Object.keys(ratios).length).toBeGreaterThan(5);
    for (const [what, ratio] of Object.entries(ratios)) expect(ratio, what).toBeGreaterThanOrEqual(4.5);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.evaluate('window.scrollTo(0, 0)');
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await page.screenshot({ path: artifactPath('dashboard', 'laptop-1366x768.png') });
  });

  it('requested nothing outside its origin and threw no script error', () => {
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  });
});
