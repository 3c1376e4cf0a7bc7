#!/usr/bin/env node
/**
 * The demo migration at scale: `cutover init --demo` with N records, then
 * snapshot of the target, migrate, verify-migration, migrate again (nothing
 * to write), reset to the snapshot, each step a `cutover` child process so
 * its time and peak RSS are its own. Prints one JSON document (and a table
 * on stderr).
 *
 * With `--state postgres://…`, the plan keeps its state (runs, ledger, id
 * map) in a fresh schema of that PostgreSQL database instead of the file
 * beside the plan, and the schema is dropped at the end.
 *
 *   npm run build && node bench/migrate.mjs [--records 100000] [--state postgres://…] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' }, state: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const stateSchema = values.state ? `bench_${Date.now().toString(36)}` : undefined;
const bin = fileURLToPath(new URL('../bin/cutover.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bench-migrate-'));
const plan = path.join(dir, 'demo', 'cutover.yaml');

/** GNU time gives a child's peak RSS (Debian package `time`); without it, peak RSS is not reported. */
const gnuTime = existsSync('/usr/bin/time');

/** Runs one cutover command; returns its JSON output, seconds and peak RSS. */
function step(name, args) {
  const started = performance.now();
  const command = gnuTime ? ['/usr/bin/time', ['-f', '%M', process.execPath, bin, ...args, '--json']] : [process.execPath, [bin, ...args, '--json']];
  const result = spawnSync(command[0], command[1], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${name} exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  const peakKb = gnuTime ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN;
  const output = result.stdout.trim() ? JSON.parse(result.stdout) : {};
  return { step: name, seconds: Math.round(seconds * 100) / 100, peakRssMb: Number.isNaN(peakKb) ? null : Math.round(peakKb / 1024), output };
}

try {
  const steps = [];
  steps.push(step('init --demo', ['init', '--demo', '--dir', 'demo', '--records', values.records]));
  if (values.state) appendFileSync(plan, `\nstate:\n  url: ${values.state}${values.state.includes('?') ? '&' : '?'}schema=${stateSchema}\n`);
  steps.push(step('snapshot', ['snapshot', 'salesforce', '--plan', plan]));
  const migrate = step('migrate', ['migrate', '--yes', '--plan', plan]);
  steps.push(migrate);
  steps.push(step('verify-migration', ['verify-migration', '--plan', plan]));
  steps.push(step('migrate again', ['migrate', '--yes', '--plan', plan]));
  const reset = step('reset', ['reset', 'salesforce', '--yes', '--plan', plan]);
  steps.push(reset);
  const created = migrate.output.objects.reduce((sum, o) => sum + o.created, 0);
  const read = migrate.output.objects.reduce((sum, o) => sum + o.read, 0);
  const deleted = reset.output.objects.reduce((sum, o) => sum + o.deleted, 0);
  const rows = steps.map(({ step: name, seconds, peakRssMb, output }) => ({
    step: name,
    seconds,
    peakRssMb,
    ...(name.startsWith('migrate') ? { recordsPerSecond: Math.round(read / seconds), runSeconds: output.seconds, failures: output.failures?.count } : {}),
    ...(name === 'verify-migration' ? { ok: output.ok, recordsPerSecond: Math.round(read / seconds) } : {}),
    ...(name === 'reset' ? { recordsPerSecond: Math.round(deleted / seconds), runSeconds: output.seconds, equalToBaseline: output.equal } : {}),
  }));
  for (const row of rows) {
    process.stderr.write(`${row.step.padEnd(18)} ${row.seconds.toFixed(2).padStart(8)} s  peak RSS ${String(row.peakRssMb).padStart(4)} MB${row.recordsPerSecond ? `  ${row.recordsPerSecond} records/s` : ''}\n`);
  }
  console.log(
    JSON.stringify(
      {
        benchmark: 'migrate',
        measuredAt: new Date().toISOString(),
        records: Number(values.records),
        state: values.state ? 'postgres' : 'sqlite file',
        read,
        created,
        deleted,
        steps: rows,
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version },
      },
      null,
      2,
    ),
  );
  if (values.keep) console.log(`kept ${dir}`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  if (values.state && !values.keep) {
    const client = new pg.Client({ connectionString: values.state.replace(/\?.*$/, '') });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${stateSchema} CASCADE`);
    await client.end();
  }
}
