/**
 * `cutover demo` end to end at a small size: every chapter of the story
 * runs, the figures are those of the run, and both HTML reports (the
 * demo's and its drill's) open in a headless browser with no network and
 * show their story and timeline.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openOffline } from '../support/browser.js';
import { runCli, runCliRaw } from '../support/cli-run.js';

describe('cutover demo', () => {
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
  });

  it('tells the whole story from nothing, with the report that shows it offline', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cutover-demo-'));
    const demo = await runCli(dir, ['demo', '--dir', 'story', '--records', '300']);
    expect(demo.code, demo.err).toBe(0);
    expect(demo.json.ok).toBe(true);
    const chapters: Array<{ name: string; status: string; story: string; figures: Record<string, string | number> }> = demo.json.chapters;
    expect(chapters.map((chapter) => `${chapter.name} ${chapter.status}`)).toEqual([
      'init succeeded',
      'backup succeeded',
      'snapshot succeeded',
      'migrate succeeded',
      'go-live succeeded',
      'use succeeded',
      'watch succeeded',
      'decide succeeded',
      'rollback succeeded',
      'compare succeeded',
      'drill succeeded',
    ]);
    const figures = Object.fromEntries(chapters.map((chapter) => [chapter.name, chapter.figures]));
    expect(figures['migrate']).toMatchObject({ created: 300, failed: 0, verified: 'equal' });
    expect(Number(figures['use']!['lost'])).toBeGreaterThan(0);
    expect(figures['watch']).toMatchObject({ verdict: 'critical' });
    expect(figures['compare']!['equalRecords']).toBe(figures['backup']!['records']);
    expect(figures['drill']).toMatchObject({ verdict: 'passed', rto: '4h' });
    const report = demo.json.path as string;
    expect(report).toBe(path.join(dir, 'story', 'demo-report.html'));
    expect(existsSync(demo.json.drillReport)).toBe(true);

    browser = await launchBrowser();
    const page = await openOffline(browser, report);
    expect(page.blocked).toEqual([]);
    expect(page.errors).toEqual([]);
    expect(await page.page.locator('section.chapter').count()).toBe(11);
    expect(await page.page.locator('#verdict').textContent()).toBe('The whole story ran');
    expect(await page.page.locator('[data-figure="equalRecords"]').textContent()).toBe(String(figures['compare']!['equalRecords']));
    const drill = await openOffline(browser, demo.json.drillReport);
    expect(drill.blocked).toEqual([]);
    expect(await drill.page.locator('#timeline rect[data-bar="step"]').count()).toBe(9);
    expect(await drill.page.locator('[data-figure="verdict"]').textContent()).toContain('PASSED');

    // Without --json: the story, then the report's path, then how to open the war room on it.
    const told = await runCliRaw(dir, ['demo', '--dir', 'again', '--records', '200']);
    expect(told.code, told.err).toBe(0);
    expect(told.out).toMatch(/^1\. A legacy CRM to leave\. /m);
    expect(told.out).toMatch(/^11\. A drill of the delayed procedure\. Rehearsed in the sandboxes: passed;/m);
    expect(told.out.trimEnd().split('\n').at(-1)).toBe(`The war room, live: cutover dashboard --plan ${path.join('again', 'cutover.yaml')}`);
    expect(told.out.trimEnd().split('\n').at(-2)).toBe(`The whole story ran in ${/in ([\d.]+) s\. The report/.exec(told.out)![1]} s. The report, with every figure: ${path.join(dir, 'again', 'demo-report.html')}`);
  }, 120_000);
});
