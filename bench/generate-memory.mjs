#!/usr/bin/env node
/**
 * Memory and time of `generateInto` at scale: generates a CRM into a new
 * SQLite file in a child process and reports wall time, rows per second and
 * the child's peak RSS (the kernel's maximum, and samples after each batch).
 *
 *   npm run build && node bench/generate-memory.mjs [--records 1000000] [--shape legacy] [--seed 1] [--keep]
 *
 * Imports from dist/, so it runs with plain node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    shape: { type: 'string', default: 'legacy' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    child: { type: 'string' },
  },
});

if (values.child) {
  await child(values.child);
} else {
  await parent();
}

async function child(file) {
  const dist = new URL('../dist/', import.meta.url);
  const { openSqlite } = await import(new URL('connectors/sqlite/sqlite-connector.js', dist).href);
  const { resolveProfile } = await import(new URL('connectors/sql/sql-profile.js', dist).href);
  const { generateInto, shapeFacts } = await import(new URL('generate/index.js', dist).href);
  const shape = values.shape;
  const connector = openSqlite({ file, readonly: false }, resolveProfile(shapeFacts(shape).profile), { create: true });
  // Sampled after every batch: the SQLite driver is synchronous, so a timer would rarely get a turn.
  let peak = process.memoryUsage().rss;
  let peakHeap = process.memoryUsage().heapUsed;
  const samples = [];
  const started = performance.now();
  let lastSample = -1;
  let current = '';
  const result = await generateInto(connector, {
    shape,
    records: Number(values.records),
    seed: Number(values.seed),
    asOf: new Date('2025-06-01T00:00:00Z'),
    onProgress: (event) => {
      const memory = process.memoryUsage();
      peak = Math.max(peak, memory.rss);
      peakHeap = Math.max(peakHeap, memory.heapUsed);
      const second = Math.floor((performance.now() - started) / 1000);
      if (second >= lastSample + 5) {
        lastSample = second;
        samples.push(`${second}s:${Math.round(memory.rss / 1048576)}`);
      }
      if (event.object !== current) {
        current = event.object;
        process.stderr.write(`  ${current} (${event.total} rows) at ${((performance.now() - started) / 1000).toFixed(1)} s, rss ${Math.round(memory.rss / 1048576)} MB\n`);
      }
    },
  });
  await connector.close();
  process.stdout.write(
    JSON.stringify({
      result,
      sampledPeakRssMb: Math.round(peak / 1048576),
      peakHeapMb: Math.round(peakHeap / 1048576),
      maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      curve: samples.join(' '),
    }),
  );
}

async function parent() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bench-'));
  const file = path.join(dir, 'crm.db');
  const started = performance.now();
  const output = await new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', file, '--records', values.records, '--shape', values.shape, '--seed', values.seed], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    proc.stdout.on('data', (chunk) => (text += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`the generator exited with ${code}`))));
  });
  const wall = (performance.now() - started) / 1000;
  const report = JSON.parse(output);
  const rows = report.result.objects.reduce((sum, object) => sum + object.records, 0);
  const size = statSync(file).size + (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  console.log(
    JSON.stringify(
      {
        shape: values.shape,
        records: Number(values.records),
        rows,
        wallSeconds: Math.round(wall * 10) / 10,
        generateSeconds: report.result.seconds,
        rowsPerSecond: Math.round(rows / report.result.seconds),
        peakRssMb: report.maxRssMb,
        sampledPeakRssMb: report.sampledPeakRssMb,
        peakHeapUsedMb: report.peakHeapMb,
        rssCurveMb: report.curve,
        databaseMb: Math.round(size / 1048576),
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version },
        objects: report.result.objects,
      },
      null,
      2,
    ),
  );
  if (values.keep) console.log(`kept ${file}`);
  else rmSync(dir, { recursive: true, force: true });
}
