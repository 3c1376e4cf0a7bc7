#!/usr/bin/env node
/**
 * Time and memory of `diffSources` over two SQLite databases of the same
 * generated CRM: once equal, once with 1% of the records of every object
 * changed in b. Both sides are SQL databases of one kind, so diff takes its
 * fast path (range-diff.ts: key-range checksums computed in the databases,
 * here in one worker thread per SQLite file); `--records-path` measures the
 * record-by-record path too (what a backup against a live system takes).
 * Each diff runs in its own child process, so its peak RSS is its own.
 *
 *   npm run build && node bench/diff.mjs [--records 100000] [--shape legacy] [--percent 1] [--heap MB] [--keep] [--records-path]
 *   node bench/diff.mjs --reuse <folder kept by --keep> [--heap MB]   (diffs again, no generation)
 *
 * `--heap` caps V8's old space of the diff processes (--max-old-space-size).
 *
 * `recordsPerSecond` is records of one side compared per second (each side
 * holds `records` rows). `digestPassSeconds` is the time until the first
 * object found different (checksums or digests), `comparePassesSeconds` the
 * time spent finding which records differ. Also measures the temporary-file
 * pass alone (encrypted spill vs in memory) to show what encryption costs.
 * Imports from dist/, so it runs with plain node.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    shape: { type: 'string', default: 'legacy' },
    percent: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    heap: { type: 'string' },
    reuse: { type: 'string' },
    child: { type: 'string' },
    'records-path': { type: 'boolean', default: false },
    a: { type: 'string' },
    b: { type: 'string' },
  },
});

const dist = new URL('../dist/', import.meta.url);
const load = (file) => import(new URL(file, dist).href);

async function open(file, create = false) {
  const { openSqlite } = await load('connectors/sqlite/sqlite-connector.js');
  const { resolveProfile } = await load('connectors/sql/sql-profile.js');
  const { shapeFacts } = await load('generate/index.js');
  return openSqlite({ file, readonly: !create }, resolveProfile(shapeFacts(values.shape).profile), { create });
}

const mb = (bytes) => Math.round(bytes / 1048576);

switch (values.child) {
  case 'generate':
    await generate(values.a);
    break;
  case 'change':
    await change(values.b);
    break;
  case 'diff':
    await diff(values.a, values.b);
    break;
  case 'spill':
    await spill();
    break;
  default:
    await parent();
}

async function generate(file) {
  const { generateInto } = await load('generate/index.js');
  const connector = await open(file, true);
  const result = await generateInto(connector, { shape: values.shape, records: Number(values.records), seed: 1, asOf: new Date('2025-06-01T00:00:00Z') });
  await connector.close();
  process.stdout.write(JSON.stringify(result));
}

/** Changes one text field of every 100/percent-th record of every object. */
async function change(file) {
  const connector = await open(file, true);
  const every = Math.max(1, Math.round(100 / Number(values.percent)));
  const description = await connector.describe();
  let changed = 0;
  for (const object of description.objects) {
    const field = object.fields.find(
      (f) => (f.type === 'string' || f.type === 'text') && !f.primaryKey && !f.unique && !f.picklistValues?.length && !f.references && f.role === undefined,
    );
    if (!field) continue;
    const updates = [];
    let index = 0;
    for await (const batch of connector.read(object.name, { fields: [field.name] })) {
      for (const record of batch.records) {
        if (index % every === 0) updates.push({ id: record.id, values: { [field.name]: `changed ${index}`.slice(0, field.length ?? 100) } });
        index += 1;
      }
    }
    for (let start = 0; start < updates.length; start += 1000) {
      const results = await connector.write(object.name, 'update', updates.slice(start, start + 1000));
      changed += results.filter((result) => result.ok).length;
    }
  }
  await connector.close();
  process.stdout.write(JSON.stringify({ changed }));
}

async function diff(fileA, fileB) {
  const { connectorSource, diffSources } = await load('diff/index.js');
  const a = await open(fileA);
  const b = await open(fileB);
  // Without `ranges`, a source is compared record by record.
  const source = (connector, label) => {
    const full = connectorSource(connector, label);
    return values['records-path'] ? { label, objects: full.objects, records: full.records } : full;
  };
  const phases = { digest: 0, compare: 0 };
  let last;
  let peakHeap = 0;
  const started = performance.now();
  const mark = (next) => {
    const now = performance.now();
    if (last) phases[last.phase] += now - last.at;
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    last = next ? { phase: next, at: now } : undefined;
  };
  const report = await diffSources(source(a, 'a'), source(b, 'b'), { onObject: (event) => mark(event.phase) });
  mark();
  const seconds = (performance.now() - started) / 1000;
  await a.close();
  await b.close();
  const differences = report.objects.reduce((sum, o) => sum + o.onlyInA + o.onlyInB + o.changed, 0);
  process.stdout.write(
    JSON.stringify({
      equal: report.equal,
      records: report.records,
      differences,
      seconds: Math.round(seconds * 100) / 100,
      recordsPerSecond: Math.round(report.records.a / seconds),
      digestPassSeconds: Math.round(phases.digest / 10) / 100,
      comparePassesSeconds: Math.round(phases.compare / 10) / 100,
      peakRssMb: mb(process.resourceUsage().maxRSS * 1024),
      peakHeapUsedMb: mb(peakHeap),
    }),
  );
}

/** The compare pass's spill alone: N (id, 32-byte hash) entries written and read back, encrypted on disk vs in memory. */
async function spill() {
  const { SpillFolder, partitionsFor } = await load('diff/spill.js');
  const { randomBytes } = await import('node:crypto');
  const n = Number(values.records);
  const hash = randomBytes(32);
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bench-spill-'));
  const result = {};
  try {
    for (const inMemory of [true, false]) {
      const folder = new SpillFolder(dir);
      const partitions = partitionsFor(n, 50_000);
      const started = performance.now();
      const store = folder.create(partitions, inMemory);
      for (let i = 0; i < n; i += 1) store.add(String(i), hash);
      store.finish();
      let seen = 0;
      for (let p = 0; p < partitions; p += 1) store.forEach(p, () => (seen += 1));
      folder.remove();
      if (seen !== n) throw new Error(`read back ${seen} of ${n}`);
      result[inMemory ? 'memorySeconds' : 'encryptedFilesSeconds'] = Math.round(performance.now() - started) / 1000;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ entries: n, ...result }));
}

function run(args, nodeFlags = [], records = values.records) {
  return new Promise((resolve, reject) => {
    const flags = values['records-path'] ? ['--records-path'] : [];
    const proc = spawn(process.execPath, [...nodeFlags, fileURLToPath(import.meta.url), ...args, ...flags, '--records', String(records), '--shape', values.shape, '--percent', values.percent], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    proc.stdout.on('data', (chunk) => (text += chunk));
    proc.on('error', reject);
    proc.on('exit', (code) => (code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

async function parent() {
  const dir = values.reuse ?? mkdtempSync(path.join(tmpdir(), 'cutover-bench-diff-'));
  const fileA = path.join(dir, 'a.db');
  const fileB = path.join(dir, 'b.db');
  const fileEqual = path.join(dir, 'equal.db');
  const heap = values.heap ? [`--max-old-space-size=${values.heap}`] : [];
  try {
    let generated;
    let changed;
    if (values.reuse) {
      generated = JSON.parse(readFileSync(path.join(dir, 'generated.json'), 'utf8'));
      changed = JSON.parse(readFileSync(path.join(dir, 'changed.json'), 'utf8'));
    } else {
      process.stderr.write(`generate ${values.records} ${values.shape} records into SQLite\n`);
      generated = { ...(await run(['--child', 'generate', '--a', fileA])), records: Number(values.records) };
      copyFileSync(fileA, fileB);
      copyFileSync(fileA, fileEqual);
      process.stderr.write(`change ${values.percent}% of the records of b\n`);
      changed = await run(['--child', 'change', '--b', fileB]);
      writeFileSync(path.join(dir, 'generated.json'), JSON.stringify(generated));
      writeFileSync(path.join(dir, 'changed.json'), JSON.stringify(changed));
    }
    process.stderr.write('diff equal\n');
    const equal = await run(['--child', 'diff', '--a', fileA, '--b', fileEqual], heap);
    process.stderr.write(`diff ${values.percent}% different\n`);
    const different = await run(['--child', 'diff', '--a', fileA, '--b', fileB], heap);
    const spilled = await run(['--child', 'spill'], [], generated.records);
    console.log(
      JSON.stringify(
        {
          benchmark: 'diff',
          measuredAt: new Date().toISOString(),
          shape: values.shape,
          records: generated.records,
          maxOldSpaceMb: values.heap ? Number(values.heap) : null,
          path: values['records-path'] ? 'record by record' : 'key-range checksums',
          rowsPerSide: generated.objects.reduce((sum, object) => sum + object.records, 0),
          equal,
          different: { changedRecords: changed.changed, ...different },
          spill: spilled,
          machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version },
        },
        null,
        2,
      ),
    );
    if (values.keep || values.reuse) console.log(`kept ${dir}`);
  } finally {
    if (!values.keep && !values.reuse) rmSync(dir, { recursive: true, force: true });
  }
}
