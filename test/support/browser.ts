/**
 * A real headless Chromium for tests of what the project renders for a
 * browser (reports, the dashboard): Debian's `chromium` driven by
 * playwright-core. Never skipped: when Chromium is missing the test fails
 * and says how to install it (CI's `.ci/run` installs it).
 * {@link openOffline} opens a local file with the network cut off and
 * records every request the page tried, every dialog and every script error.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** The arguments Chromium is launched with: headless, no sandbox (containers run as root), no GPU, no background requests. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Where Debian installs Chromium, tried when `chromium` is not on the PATH. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** The path of the `chromium` executable: the first on the PATH, else /usr/bin/chromium. Throws with the command that installs it when there is none. */
export function chromiumPath(): string {
  const candidates = [...(process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'chromium')), DEBIAN_CHROMIUM];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next
    }
  }
  throw new Error(`Chromium is missing (no chromium on the PATH, nor ${DEBIAN_CHROMIUM}); the browser tests need it: install it: apt-get install -y chromium`);
}

/** Launches headless Chromium with {@link CHROMIUM_ARGS}. Close it when done. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

/** A page opened by {@link openOffline}, with what it tried to do. */
export interface OfflinePage {
  page: Page;
  /** The URL the file was opened at. */
  url: string;
  /** Every request other than the file itself, in order; each was aborted. */
  blocked: string[];
  /** The message of every dialog (alert, confirm, prompt) the page opened; each was dismissed. */
  dialogs: string[];
  /** Uncaught script errors. */
  errors: string[];
}

/**
 * Opens a local file in a new page where every request other than the file
 * itself is aborted and recorded: a self-contained page leaves `blocked`
 * empty. Dialogs are dismissed and recorded, so an injected `alert()` shows.
 */
export async function openOffline(browser: Browser, file: string, viewport = { width: 1100, height: 900 }): Promise<OfflinePage> {
  const url = pathToFileURL(path.resolve(file)).href;
  const page = await browser.newPage({ viewport });
  const opened: OfflinePage = { page, url, blocked: [], dialogs: [], errors: [] };
  page.on('dialog', (dialog) => {
    opened.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => opened.errors.push(error.message));
  await page.route('**/*', async (route) => {
    if (route.request().url() === url) return route.continue();
    opened.blocked.push(route.request().url());
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return opened;
}

/** The part of the page's `window` that {@link computedStyle} uses (the tests compile without the DOM's types). */
interface StyleWindow {
  getComputedStyle(element: unknown): { getPropertyValue(property: string): string };
}

/** A CSS property of the element as the browser computed it: `color` → "rgb(192, 38, 26)", `fill` for SVG. */
export async function computedStyle(locator: Locator, property: string): Promise<string> {
  // Runs in the page, where globalThis is the window.
  return locator.evaluate((element, name) => (globalThis as unknown as StyleWindow).getComputedStyle(element).getPropertyValue(name), property);
}
