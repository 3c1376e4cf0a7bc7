#!/usr/bin/env node
/**
 * Backup, verify, restore and diff at scale, each step in its own child
 * process so its peak RSS is its own. Also measures the machine's floor in
 * the same run: serialize + hash + encrypt of the same records, nothing else.
 *
 *   npm run build && node bench/backup.mjs [--records 1000000] [--keep]
 *
 * Prints one JSON document (and a table on stderr). Imports from dist/.
 */
import { execFileSync } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, keep: { type: 'boolean', default: false }, step: { type: 'string' }, dir: { type: 'string' } },
});
const dist = new URL('../dist/', import.meta.url);
const load = (file) => import(new URL(file, dist).href);
const SECRET = 'Fp9cQ2m1rVdXGkqJ0HbLrW7sYtTz3uNvA8eCiOjKlMo='; // a raw 32-byte key, as `openssl rand -base64 32` makes

if (values.step) {
  const result = await step(values.step, values.dir);
  process.stdout.write(JSON.stringify({ ...result, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
} else {
  await parent();
}

async function openDb(dir, name, create = false) {
  const { openSqlite } = await load('connectors/sqlite/sqlite-connector.js');
  const { resolveProfile } = await load('connectors/sql/sql-profile.js');
  return openSqlite({ file: path.join(dir, name), readonly: false }, resolveProfile('generic'), { create });
}

function target(dir, name) {
  return { name: 'legacy', kind: 'sqlite', url: `sqlite:${path.join(dir, name)}`, profile: null, baseDir: dir, displayName: 'legacy', role: 'source', environment: 'sandbox', inPlan: true, profileChosen: true };
}

async function step(name, dir) {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  const { StateStore } = await load('state/index.js');
  const { resolveProfile } = await load('connectors/sql/sql-profile.js');
  const state = StateStore.open(dir);
  try {
    switch (name) {
      case 'generate': {
        const { generateInto } = await load('generate/index.js');
        const connector = await openDb(dir, 'source.db', true);
        const result = await generateInto(connector, { shape: 'legacy', records: Number(values.records), seed: 3, asOf: new Date('2026-06-30T00:00:00Z') });
        await connector.close();
        return { step: name, records: result.objects.reduce((n, o) => n + o.records, 0), seconds: seconds() };
      }
      case 'floor': {
        // The same records, read first (not timed), then only serialized, hashed and encrypted per page.
        const connector = await openDb(dir, 'source.db');
        const key = randomBytes(32);
        let timed = 0;
        let records = 0;
        let bytes = 0;
        for (const object of (await connector.describe()).objects) {
          for await (const batch of connector.read(object.name, { batchSize: 2000 })) {
            const t = performance.now();
            const lines = [];
            for (const record of batch.records) {
              const text = JSON.stringify([record.id, record.deleted, record.values]);
              createHash('sha256').update(text).digest();
              lines.push(text);
            }
            const plain = Buffer.from(lines.join('\n'));
            const cipher = createCipheriv('aes-256-gcm', key, randomBytes(12));
            cipher.update(plain);
            cipher.final();
            timed += performance.now() - t;
            records += batch.records.length;
            bytes += plain.length;
          }
        }
        await connector.close();
        return { step: name, records, plaintextMb: Math.round(bytes / 1048576), seconds: timed / 1000 };
      }
      case 'backup': {
        const { runBackup } = await load('backup/run-backup.js');
        const t = { ...target(dir, 'source.db'), profile: resolveProfile('generic') };
        const result = await runBackup({ target: t, storage: path.join(dir, 'backups'), secret: SECRET, state });
        return { step: name, records: result.records, bytesMb: Math.round(result.bytes / 1048576), seconds: seconds() };
      }
      case 'verify-quick': {
        const { verifyArchive } = await load('archive/index.js');
        const row = state.backups.latest('legacy');
        const report = await verifyArchive(row.path, SECRET);
        if (!report.ok) throw new Error(JSON.stringify(report.problems.slice(0, 3)));
        return { step: name, records: report.records, seconds: seconds() };
      }
      case 'verify-full': {
        // Every record decrypted, decompressed and parsed back into values, as a restore reads them.
        const { ArchiveReader } = await load('archive/index.js');
        const row = state.backups.latest('legacy');
        const reader = await ArchiveReader.open(row.path, SECRET);
        let records = 0;
        for (const object of reader.manifest.objects) for await (const batch of reader.records(object.name)) records += batch.length;
        return { step: name, records, seconds: seconds() };
      }
      case 'restore': {
        const { openBackupChain } = await load('backup/backup-chain.js');
        const { runRestore } = await load('backup/restore.js');
        const row = state.backups.latest('legacy');
        const connector = await openDb(dir, 'restored.db', true);
        const report = await runRestore({ chain: await openBackupChain(row.path, SECRET, state), connector, prune: false, dryRun: false });
        await connector.close();
        if (report.failures.length > 0) throw new Error(JSON.stringify(report.failures.slice(0, 3)));
        return { step: name, records: report.written.created, seconds: seconds() };
      }
      case 'diff-equal':
      case 'diff-1pct': {
        const { connectorSource, diffSources } = await load('diff/index.js');
        const a = await openDb(dir, 'source.db');
        const b = await openDb(dir, 'restored.db');
        const report = await diffSources(connectorSource(a, 'source'), connectorSource(b, 'restored'));
        await a.close();
        await b.close();
        const changed = report.objects.reduce((n, o) => n + o.changed + o.onlyInA + o.onlyInB, 0);
        return { step: name, records: report.records.a, differences: changed, seconds: seconds() };
      }
      case 'change-1pct': {
        const connector = await openDb(dir, 'restored.db');
        let changed = 0;
        for (const object of ['accounts', 'contacts', 'activities']) {
          const updates = [];
          let i = 0;
          for await (const batch of connector.read(object, { fields: [] })) {
            for (const record of batch.records) if (i++ % 100 === 0) updates.push({ id: record.id, values: { updated_at: '2030-01-01T00:00:00.000Z' } });
          }
          await connector.write(object, 'update', updates);
          changed += updates.length;
        }
        await connector.close();
        return { step: name, records: changed, seconds: seconds() };
      }
      default:
        throw new Error(`unknown step ${name}`);
    }
  } finally {
    state.close();
  }
}

async function parent() {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bench-backup-'));
  const run = (name) => JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--step', name, '--dir', dir, '--records', values.records], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 }));
  const steps = {};
  for (const name of ['generate', 'floor', 'backup', 'verify-quick', 'verify-full', 'restore', 'diff-equal', 'change-1pct', 'diff-1pct']) {
    process.stderr.write(`${name} …\n`);
    steps[name] = run(name);
  }
  const floor = steps.floor.seconds;
  const rows = Object.values(steps).map((s) => ({ ...s, recordsPerSecond: Math.round(s.records / s.seconds), ratioToFloor: ['generate', 'floor', 'change-1pct'].includes(s.step) ? null : Number((s.seconds / floor).toFixed(2)) }));
  const report = {
    benchmark: 'backup',
    records: Number(values.records),
    measuredAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version },
    steps: rows,
  };
  console.log(JSON.stringify(report, null, 2));
  for (const r of rows) process.stderr.write(`${r.step.padEnd(13)} ${String(r.seconds.toFixed(2)).padStart(8)} s ${String(r.recordsPerSecond).padStart(9)} rec/s  peak RSS ${String(r.peakRssMb).padStart(4)} MB${r.ratioToFloor === null ? '' : `  ×${r.ratioToFloor} floor`}\n`);
  if (values.keep) process.stderr.write(`kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}
