#!/usr/bin/env node
/**
 * A full-page PNG of a report, for the README:
 *
 *   node scripts/screenshot.mjs <report.html> <out.png>
 *
 * Opens the file in Debian's headless Chromium (the `chromium` on the PATH,
 * else /usr/bin/chromium; install it with `apt-get install -y chromium`)
 * through playwright-core, 1100 px wide, with every request other than the
 * file itself refused: the picture shows the report as it is offline.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const WIDTH = 1100;

/** The first executable `chromium` on the PATH, else /usr/bin/chromium; null when there is none. */
function findChromium() {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const candidate of [...dirs.map((dir) => path.join(dir, 'chromium')), '/usr/bin/chromium']) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next
    }
  }
  return null;
}

async function main(argv) {
  const [input, output] = argv;
  if (!input || !output) {
    console.error('usage: node scripts/screenshot.mjs <report.html> <out.png>');
    return 2;
  }
  if (!existsSync(input)) {
    console.error(`${input}: no such file`);
    return 1;
  }
  const executablePath = findChromium();
  if (!executablePath) {
    console.error('Chromium is missing: install it: apt-get install -y chromium');
    return 1;
  }
  const url = pathToFileURL(path.resolve(input)).href;
  const browser = await chromium.launch({ executablePath, args: ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 } });
    const refused = [];
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      refused.push(route.request().url());
      return route.abort();
    });
    const response = await page.goto(url, { waitUntil: 'load' });
    if (response && !response.ok()) throw new Error(`could not open ${input}: ${response.status()}`);
    await page.screenshot({ path: output, fullPage: true });
    for (const request of refused) console.error(`refused: ${request}`);
    console.log(`${output}: ${WIDTH} px wide, full page`);
    return 0;
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
