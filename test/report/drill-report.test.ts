/**
 * The drill reports: the Markdown says the verdict, the RTO line and every
 * phase, step and check without letting a summary break a table; the HTML,
 * opened in a real headless Chromium with the network cut off, loads
 * nothing, draws one timeline bar per phase and rollback step at a width
 * that follows its time, shows the key figures, runs no injected markup and
 * paints what failed in red.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drillReportHtml, drillReportMarkdown, type DrillReport } from '../../src/report/index.js';
import { GROUP_SEPARATOR as S } from '../../src/report/report-figures.js';
import { computedStyle, launchBrowser, openOffline, type OfflinePage } from '../support/browser.js';
import { FAILING, INJECTED_IMAGE, INJECTED_SCRIPT, PASSING } from './drill-report-fixtures.js';

/** Cells of a Markdown table row: split on the pipes that are not escaped. */
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

/** The rows of the Markdown table under a `## heading`. */
function tableUnder(markdown: string, heading: string): string[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
  return section.split('\n').filter((line) => line.startsWith('|'));
}

describe('drillReportMarkdown', () => {
  it('says the passing verdict, the RTO line, the estimate and every phase, step and check', () => {
    const md = drillReportMarkdown(PASSING);
    expect(md).toMatch(/^# Rollback drill: Acme CRM move\n/);
    expect(md).toContain('**PASSED**: every phase succeeded and every check passed.');
    expect(md).toContain(`Rollback took 4.82 s against an RTO of 4h (14${S}400 s): pass, 14${S}395 s to spare.`);
    expect(md).toContain(`Estimated at 125 s (2 min 5 s) in production against the same RTO: pass, 14${S}275 s to spare.`);
    for (const assumption of PASSING.estimate!.assumptions) expect(md).toContain(`- ${assumption}`);
    const timeline = tableUnder(md, 'Timeline');
    expect(timeline).toHaveLength(2 + PASSING.phases.length);
    PASSING.phases.forEach((phase, i) => expect(cells(timeline[i + 2]!)[1]!.trim()).toBe(phase.title));
    const steps = tableUnder(md, 'Rollback steps');
    expect(steps).toHaveLength(2 + PASSING.rollback!.steps.length);
    expect(cells(steps[4]!).map((cell) => cell.trim())).toEqual(['3', 'Restore the source CRM (`restore-source`)', '✓ succeeded', '2.87 s', `1${S}200`, PASSING.rollback!.steps[2]!.summary]);
    const checks = tableUnder(md, 'Checks');
    expect(checks.slice(2).map((row) => cells(row)[0]!.trim())).toEqual(PASSING.checks.map((check) => check.name));
    expect(md).toContain('20 created, 10 edited, 24 deleted, 14 logins over 1 day');
    // The sandbox URL's password is not in the report.
    expect(md).not.toContain('hunter2');
    expect(md).toContain('`postgres://drill:***@127.0.0.1:5432/legacy_sandbox`');
  });

  it('names what failed, says the rollback did not finish, and keeps markup and pipes as text', () => {
    const md = drillReportMarkdown(FAILING);
    expect(md).toContain('**FAILED**: rollback: restore-source, restoration.');
    expect(md).toContain(`Rollback did not finish (restore-source failed) against an RTO of 4h (14${S}400 s): fail.`);
    expect(md).toContain('No estimate: the rollback did not finish');
    const steps = tableUnder(md, 'Rollback steps');
    // Every row has the header's columns, although a summary holds `|`.
    for (const row of steps) expect(cells(row)).toHaveLength(6);
    expect(steps.slice(2).map((row) => cells(row)[2]!.trim())).toEqual(['✓ succeeded', '✓ succeeded', '✓ succeeded', '✓ succeeded', '✗ failed', '○ not run', '○ not run', '○ not run', '○ not run']);
    expect(cells(steps[6]!)[5]).toContain('/tmp/drills/\\<script\\>alert(1)\\</script\\>/legacy.db: permission denied & gave up');
    expect(md).toContain('/tmp/drills/a\\|b/crm-delta.cutover');
    const checks = tableUnder(md, 'Checks');
    expect(checks.slice(2).map((row) => cells(row).map((cell) => cell.trim()).slice(0, 3))).toEqual([
      ['restoration', 'restoration', '✗ failed'],
      ['users', 'users', '✓ passed'],
    ]);
    // No raw tag anywhere: a Markdown viewer cannot turn any of it into HTML.
    expect(md).not.toMatch(/(?<!\\)<(script|img|move)/);
  });

  it('says why there are no checks when the rollback did not finish', () => {
    const md = drillReportMarkdown({ ...FAILING, checks: [] });
    expect(md).toContain('No check ran: the checks run only after a rollback that finished.');
  });
});

describe('drillReportHtml as text', () => {
  it('escapes every text from the report', () => {
    const html = drillReportHtml(FAILING);
    expect(html).not.toContain(INJECTED_SCRIPT);
    expect(html).not.toContain(INJECTED_IMAGE);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('permission denied &amp; gave up');
    expect(html).toContain('O&#39;Brien &amp; Sons &quot;CRM&quot; &lt;move&gt;');
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
  });
});

describe('drillReportHtml in a browser', () => {
  let dir: string;
  // Launched by the first test that needs it, so that a missing Chromium fails each test with its message instead of showing them as skipped.
  let browser: Promise<Browser> | undefined;

  async function open(report: DrillReport, name: string): Promise<OfflinePage> {
    browser ??= launchBrowser();
    const file = path.join(dir, name);
    writeFileSync(file, drillReportHtml(report));
    return openOffline(await browser, file);
  }

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-drill-report-'));
  });
  afterAll(async () => {
    await browser?.then((launched) => launched.close(), () => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows a passing report with its figures and a timeline bar per phase and step, loading nothing', async () => {
    const { page, blocked, dialogs, errors } = await open(PASSING, 'passing.html');
    expect(blocked).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);

    await expect(page.locator('[data-figure="verdict"]').innerText()).resolves.toBe('PASSED');
    expect(await page.locator('[data-figure="verdict"]').isVisible()).toBe(true);
    expect(await page.locator('[data-figure="rollback-seconds"]').innerText()).toBe('4.82 s');
    expect(await page.locator('[data-figure="rto-objective"]').innerText()).toBe(`4h (14${S}400 s)`);
    expect(await page.locator('[data-figure="rto-verdict"]').innerText()).toBe('pass');
    expect(await page.locator('[data-figure="rto-margin"]').innerText()).toBe(`14${S}395 s to spare`);
    expect(await page.locator('[data-figure="estimate-seconds"]').innerText()).toBe('2 min 5 s');
    expect(await page.locator('#rto').innerText()).toContain(`The rollback took 4.82 s against an RTO of 4h (14${S}400 s): pass, 14${S}395 s to spare.`);
    expect(await page.locator('[data-figure="simulated-deleted"]').innerText()).toBe('24');

    const timeline = page.locator('#timeline svg');
    expect(await timeline.isVisible()).toBe(true);
    const phaseBars = page.locator('#timeline rect[data-bar="phase"]');
    const stepBars = page.locator('#timeline rect[data-bar="step"]');
    expect(await phaseBars.count()).toBe(PASSING.phases.length);
    expect(await stepBars.count()).toBe(PASSING.rollback!.steps.length);
    const phaseBoxes = await Promise.all((await phaseBars.all()).map((bar) => bar.boundingBox()));
    const stepBoxes = await Promise.all((await stepBars.all()).map((bar) => bar.boundingBox()));
    for (const box of [...phaseBoxes, ...stepBoxes]) {
      expect(box!.width).toBeGreaterThan(0);
      expect(box!.height).toBeGreaterThan(0);
    }
    // Bars start where their phase started and are as wide as it was long: migrate (6.95 s) is 6.95/0.84 as wide as go-live.
    for (let i = 1; i < phaseBoxes.length; i += 1) expect(phaseBoxes[i]!.x).toBeGreaterThanOrEqual(phaseBoxes[i - 1]!.x + phaseBoxes[i - 1]!.width);
    expect(phaseBoxes[3]!.width / phaseBoxes[4]!.width).toBeCloseTo(6.95 / 0.84, 1);
    // Steps follow one another: each starts where the one before ends.
    for (let i = 1; i < stepBoxes.length; i += 1) expect(stepBoxes[i]!.x).toBeCloseTo(stepBoxes[i - 1]!.x + stepBoxes[i - 1]!.width, 0);
    // Each bar is labelled with its title and time.
    const titles = await page.locator('#timeline text.bar-title').allTextContents();
    expect(titles).toEqual([...PASSING.phases.map((phase) => phase.title), ...PASSING.rollback!.steps.map((step) => step.title)]);
    const labels = await page.locator('#timeline text.bar-label').allTextContents();
    expect(labels.slice(0, 4)).toEqual(['3.21 s', '1.48 s', '0.62 s', '6.95 s']);

    expect(await page.locator('#checks tr[data-status="passed"]').count()).toBe(PASSING.checks.length);
    expect(await page.locator('#estimate tbody tr').count()).toBe(PASSING.estimate!.steps.length);
    expect(await page.locator('#estimate ul.assumptions li').allInnerTexts()).toEqual(PASSING.estimate!.assumptions);
    expect(await page.locator('#sandboxes').innerText()).not.toContain('hunter2');
    // Fits the 1100 px viewport: nothing runs off to the right.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1100);
    expect(rgb(await computedStyle(page.locator('#verdict strong'), 'color'))).toSatisfy(isGreenish);
  });

  it('shows a failing report: FAILED with what failed, the failed step in red, injected markup as text', async () => {
    const { page, blocked, dialogs, errors } = await open(FAILING, 'failing.html');
    // The injected <script> did not run and the injected <img> did not load.
    expect(dialogs).toEqual([]);
    expect(blocked).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.locator('script, img').count()).toBe(0);
    expect(await page.locator('tr[data-step="restore-source"] td.summary').innerText()).toBe(FAILING.rollback!.steps[4]!.summary);
    expect(await page.locator('tr[data-check="restoration"] td.summary').innerText()).toContain(INJECTED_IMAGE);
    expect(await page.locator('h1').innerText()).toBe(`Rollback drill: ${FAILING.project}`);

    expect(await page.locator('[data-figure="verdict"]').innerText()).toBe('FAILED');
    expect(await page.locator('#verdict li').allInnerTexts()).toEqual(['rollback: restore-source', 'restoration']);
    expect(rgb(await computedStyle(page.locator('#verdict strong'), 'color'))).toSatisfy(isReddish);
    expect(await page.locator('[data-figure="rollback-seconds"]').innerText()).toMatch(/^did not finish\s+restore-source failed$/);
    expect(await page.locator('[data-figure="rto-verdict"]').innerText()).toBe('fail');
    expect(await page.locator('#rto').innerText()).toContain(`The rollback did not finish (restore-source failed) against an RTO of 4h (14${S}400 s): fail.`);

    expect(await page.locator('#timeline rect[data-bar="phase"]').count()).toBe(FAILING.phases.length);
    const stepBars = page.locator('#timeline rect[data-bar="step"]');
    expect(await stepBars.count()).toBe(FAILING.rollback!.steps.length);
    for (const bar of await stepBars.all()) expect((await bar.boundingBox())!.width).toBeGreaterThan(0);
    const fill = async (selector: string): Promise<number[]> => rgb(await computedStyle(page.locator(selector), 'fill'));
    expect(await fill('rect[data-bar="step"][data-name="restore-source"]')).toSatisfy(isReddish);
    expect(await fill('rect[data-bar="phase"][data-name="rollback"]')).toSatisfy(isReddish);
    expect(await fill('rect[data-bar="step"][data-name="export-delta"]')).toSatisfy(isGreenish);
    expect(await fill('rect[data-bar="step"][data-name="communicate"]')).toSatisfy((color: number[]) => !isReddish(color) && !isGreenish(color));
    const failedStatus = page.locator('tr[data-step="restore-source"] .status');
    expect(await failedStatus.innerText()).toBe('✗ failed');
    expect(rgb(await computedStyle(failedStatus, 'color'))).toSatisfy(isReddish);
    expect(await page.locator('#checks tr[data-status="failed"] td').first().innerText()).toBe('restoration');
    expect(await page.locator('#estimate').innerText()).toContain('No estimate');
  });
});

/** "rgb(192, 38, 26)" → [192, 38, 26]. */
function rgb(color: string): number[] {
  const match = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(color);
  if (!match) throw new Error(`not an rgb colour: ${color}`);
  return match.slice(1, 4).map(Number);
}

function isReddish([r = 0, g = 0, b = 0]: number[]): boolean {
  return r > 150 && r > g * 2 && r > b * 2;
}

function isGreenish([r = 0, g = 0, b = 0]: number[]): boolean {
  return g > 90 && g > r * 1.3 && g > b * 1.1;
}
