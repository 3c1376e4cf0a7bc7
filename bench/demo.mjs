#!/usr/bin/env node
/**
 * The demo's whole story at a size: `cutover demo --records N` in a fresh
 * folder, its time, peak RSS (the demo runs every command in one process)
 * and each chapter's time. Prints one JSON document (and a table on stderr).
 *
 *   npm run build && node bench/demo.mjs [--records 2000] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { records: { type: 'string', default: '2000' }, keep: { type: 'boolean', default: false } } });
const bin = fileURLToPath(new URL('../bin/cutover.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bench-demo-'));
const gnuTime = existsSync('/usr/bin/time');

try {
  const started = performance.now();
  const args = [bin, 'demo', '--dir', 'demo', '--records', values.records, '--json'];
  const result = gnuTime ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 }) : spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  if (result.status !== 0) throw new Error(`cutover demo exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  const story = JSON.parse(result.stdout);
  const peakKb = gnuTime ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN;
  const chapters = story.chapters.map((chapter) => ({ chapter: chapter.name, status: chapter.status, seconds: chapter.seconds }));
  process.stderr.write(`demo with ${values.records} records: ${seconds} s, peak RSS ${Number.isNaN(peakKb) ? '?' : Math.round(peakKb / 1024)} MB\n`);
  for (const c of chapters) process.stderr.write(`  ${c.chapter.padEnd(10)} ${c.seconds.toFixed(2).padStart(8)} s  ${c.status}\n`);
  console.log(
    JSON.stringify(
      {
        benchmark: 'demo',
        measuredAt: new Date().toISOString(),
        records: Number(values.records),
        ok: story.ok,
        seconds,
        peakRssMb: Number.isNaN(peakKb) ? null : Math.round(peakKb / 1024),
        chapters,
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version },
      },
      null,
      2,
    ),
  );
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
