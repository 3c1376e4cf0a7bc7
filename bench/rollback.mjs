#!/usr/bin/env node
/**
 * The immediate rollback at scale, on the demo: `cutover init --demo` with N
 * records, snapshot, backup and verify, migrate, go-live freezing the
 * source's users, a day of use in the target (`simulate`), the decision,
 * then `cutover rollback` — its time, peak RSS and each step's time, as a
 * rehearsal would report the real rollback time. Prints one JSON document
 * (and a table on stderr).
 *
 *   npm run build && node bench/rollback.mjs [--records 100000] [--keep]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { records: { type: 'string', default: '100000' }, keep: { type: 'boolean', default: false } } });
const bin = fileURLToPath(new URL('../bin/cutover.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'cutover-bench-rollback-'));
const plan = ['--plan', path.join(dir, 'demo', 'cutover.yaml')];
const gnuTime = existsSync('/usr/bin/time');

function step(args) {
  const started = performance.now();
  const command = gnuTime ? ['/usr/bin/time', ['-f', '%M', process.execPath, bin, ...args, '--json']] : [process.execPath, [bin, ...args, '--json']];
  const result = spawnSync(command[0], command[1], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0 && !(args[0] === 'watch' && result.status === 1)) throw new Error(`${args.join(' ')} exited with ${result.status}: ${result.stderr.slice(-2000)}`);
  const peakKb = gnuTime ? Number(result.stderr.trim().split('\n').at(-1)) : Number.NaN;
  return { seconds: Math.round(seconds * 100) / 100, peakRssMb: Number.isNaN(peakKb) ? null : Math.round(peakKb / 1024), output: result.stdout.trim() ? JSON.parse(result.stdout) : {} };
}

try {
  const records = Number(values.records);
  step(['init', '--demo', '--dir', 'demo', '--records', values.records]);
  for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes']]) step([...args, ...plan]);
  const use = Math.max(10, Math.round(records / 100));
  const simulated = step(['simulate', 'salesforce', '--new', String(use), '--edits', String(use), '--deletes', '1', '--days', '1', ...plan]);
  step(['watch', '--once', ...plan]);
  step(['decide', 'rollback', '--reason', 'benchmark', ...plan]);
  const rollback = step(['rollback', '--yes', ...plan]);
  const steps = rollback.output.steps.map((s) => ({ step: s.name, status: s.status, seconds: s.seconds, counts: s.outcome?.counts ?? {} }));
  process.stderr.write(`rollback of ${records} records: ${rollback.seconds} s, peak RSS ${rollback.peakRssMb} MB\n`);
  for (const s of steps) process.stderr.write(`  ${s.step.padEnd(16)} ${s.seconds.toFixed(2).padStart(7)} s  ${JSON.stringify(s.counts)}\n`);
  console.log(
    JSON.stringify(
      {
        benchmark: 'rollback',
        measuredAt: new Date().toISOString(),
        records,
        simulated: simulated.output.totals,
        seconds: rollback.seconds,
        runSeconds: rollback.output.seconds,
        peakRssMb: rollback.peakRssMb,
        steps,
        machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 1073741824), node: process.version },
      },
      null,
      2,
    ),
  );
  if (values.keep) console.log(`kept ${dir}`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
