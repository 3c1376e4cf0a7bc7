#!/usr/bin/env node
/**
 * `npm run bench`: the benchmarks, with their figures written to
 * bench/results/ (not committed) and printed.
 *
 *   BENCH_RECORDS=1000000 BENCH_SHAPES=legacy,salesforce,suitecrm npm run bench
 *
 * Defaults: 1,000,000 records of the legacy shape; then backup, verify,
 * restore and diff of the same number of records (BENCH_SKIP_BACKUP=1 skips them);
 * then the demo migration of 100,000 records and its reset
 * (BENCH_MIGRATE_RECORDS, BENCH_SKIP_MIGRATE=1); the immediate rollback of
 * 100,000 (BENCH_ROLLBACK_RECORDS, BENCH_SKIP_ROLLBACK=1); and the whole demo
 * with 2,000 records (BENCH_DEMO_RECORDS=2000,1000000; BENCH_SKIP_DEMO=1).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const records = process.env.BENCH_RECORDS ?? '1000000';
const shapes = (process.env.BENCH_SHAPES ?? 'legacy').split(',').map((s) => s.trim()).filter(Boolean);

const results = [];
for (const shape of shapes) {
  process.stderr.write(`generate ${records} records, ${shape} shape, into SQLite\n`);
  const output = execFileSync(process.execPath, [path.join(here, 'generate-memory.mjs'), '--records', records, '--shape', shape], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  results.push({ benchmark: 'generate', ...JSON.parse(output) });
}

if (process.env.BENCH_SKIP_BACKUP !== '1') {
  process.stderr.write(`backup, verify, restore and diff of ${records} records\n`);
  const output = execFileSync(process.execPath, [path.join(here, 'backup.mjs'), '--records', records], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  results.push(JSON.parse(output));
}

if (process.env.BENCH_SKIP_MIGRATE !== '1') {
  const migrateRecords = process.env.BENCH_MIGRATE_RECORDS ?? '100000';
  process.stderr.write(`demo migration of ${migrateRecords} records: snapshot, migrate, verify-migration, reset\n`);
  const output = execFileSync(process.execPath, [path.join(here, 'migrate.mjs'), '--records', migrateRecords], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  results.push(JSON.parse(output));
  // The same with the state (runs, ledger, id map) in a shared PostgreSQL: BENCH_MIGRATE_STATE names the database.
  const sharedState = process.env.BENCH_MIGRATE_STATE;
  if (sharedState) {
    process.stderr.write(`the same with the state in PostgreSQL\n`);
    const shared = execFileSync(process.execPath, [path.join(here, 'migrate.mjs'), '--records', migrateRecords, '--state', sharedState], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results.push(JSON.parse(shared));
  }
}

if (process.env.BENCH_SKIP_ROLLBACK !== '1') {
  const rollbackRecords = process.env.BENCH_ROLLBACK_RECORDS ?? '100000';
  process.stderr.write(`immediate rollback of the demo with ${rollbackRecords} records after a day of use\n`);
  const output = execFileSync(process.execPath, [path.join(here, 'rollback.mjs'), '--records', rollbackRecords], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  results.push(JSON.parse(output));
}

if (process.env.BENCH_SKIP_DEMO !== '1') {
  for (const demoRecords of (process.env.BENCH_DEMO_RECORDS ?? '2000').split(',').map((s) => s.trim()).filter(Boolean)) {
    process.stderr.write(`the demo's whole story with ${demoRecords} records\n`);
    const output = execFileSync(process.execPath, [path.join(here, 'demo.mjs'), '--records', demoRecords], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    results.push(JSON.parse(output));
  }
}

const stamp = new Date().toISOString();
mkdirSync(path.join(here, 'results'), { recursive: true });
const file = path.join(here, 'results', `${stamp.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify({ measuredAt: stamp, results }, null, 2)}\n`);

for (const r of results) {
  if (r.benchmark === 'rollback') {
    console.log(`immediate rollback of ${r.records.toLocaleString('en-US')} demo records: ${r.seconds} s, peak RSS ${r.peakRssMb} MB`);
    for (const step of r.steps) console.log(`  ${step.step.padEnd(16)} ${step.seconds.toFixed(2).padStart(8)} s`);
    continue;
  }
  if (r.benchmark === 'migrate') {
    console.log(`demo migration of ${r.records.toLocaleString('en-US')} records, state in ${r.state}:`);
    for (const step of r.steps) {
      console.log(`${step.step.padEnd(18)} ${step.seconds.toFixed(2).padStart(8)} s ${step.recordsPerSecond ? `${String(step.recordsPerSecond).padStart(9)} records/s` : ''.padStart(19)}  peak RSS ${String(step.peakRssMb).padStart(4)} MB`);
    }
    continue;
  }
  if (r.benchmark === 'backup') {
    for (const step of r.steps) {
      console.log(
        `${step.step.padEnd(13)} ${step.seconds.toFixed(2).padStart(8)} s ${String(step.recordsPerSecond).padStart(9)} records/s  peak RSS ${String(step.peakRssMb).padStart(4)} MB${step.ratioToFloor === null ? '' : `  ${step.ratioToFloor}× the floor`}`,
      );
    }
    continue;
  }
  console.log(
    `generate ${r.shape}: ${r.records.toLocaleString('en-US')} records (${r.rows.toLocaleString('en-US')} rows) in ${r.generateSeconds} s, ` +
      `${r.rowsPerSecond.toLocaleString('en-US')} rows/s, peak RSS ${r.peakRssMb} MB, database ${r.databaseMb} MB ` +
      `(${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGb} GB, Node ${r.machine.node})`,
  );
}
console.log(`figures written to ${path.relative(process.cwd(), file)}`);
