/**
 * Crash safety of the rollback with real processes: `cutover rollback` on
 * the demo, killed with SIGKILL at points spread over its run, then
 * `cutover rollback --resume` (or a fresh start when the kill came before
 * the run was recorded) ends in the same state as an uninterrupted run: the
 * source equals its backup (the delayed one: plus the same reconciled
 * records) with its users re-enabled, the target frozen, the export
 * complete, every step succeeded. CUTOVER_KILL_POINTS sets how many points
 * (default 20 for the immediate rollback, half as many for the delayed).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupSource, openBackupChain } from '../../../src/backup/backup-chain.js';
import { backupSecret } from '../../../src/backup/backup-key.js';
import { bufferIo } from '../../../src/cli/io.js';
import { main } from '../../../src/cli/main.js';
import { openConnector } from '../../../src/connectors/registry.js';
import { connectorSource, diffSources } from '../../../src/diff/index.js';
import { loadPlan } from '../../../src/plan/load-plan.js';
import { systemFromPlan } from '../../../src/plan/systems.js';
import { StateStore } from '../../../src/state/index.js';
import { runAndKill } from '../../support/child-cli.js';

const POINTS = Number(process.env.CUTOVER_KILL_POINTS ?? 20);

/** What a finished rollback left, to compare runs by. */
interface Outcome {
  steps: string[];
  /** The source against its backup: records only in the backup, only in the source, changed. */
  sourceAgainstBackup: { onlyInBackup: number; onlyInSource: number; changed: number };
  sourceUsersActive: number;
  targetUsersActive: number;
  exported: unknown;
  reconciled: unknown;
}

async function against(backup: Parameters<typeof diffSources>[0], source: Parameters<typeof diffSources>[1]): Promise<Outcome['sourceAgainstBackup']> {
  const diff = await diffSources(backup, source);
  const sum = (key: 'onlyInA' | 'onlyInB' | 'changed') => diff.objects.reduce((total, object) => total + object[key], 0);
  return { onlyInBackup: sum('onlyInA'), onlyInSource: sum('onlyInB'), changed: sum('changed') };
}

async function outcome(dir: string): Promise<Outcome> {
  const demo = path.join(dir, 'demo');
  const loaded = loadPlan(path.join(demo, 'cutover.yaml'));
  const state = await StateStore.open(demo);
  const legacy = await openConnector(systemFromPlan(loaded, 'legacy'));
  const salesforce = await openConnector(systemFromPlan(loaded, 'salesforce'));
  try {
    const run = (await state.runs.list({ kind: 'rollback' }))[0]!;
    const steps = await state.steps.list(run.id);
    const goLive = (await state.goLives.latest('salesforce'))!;
    const backup = (await state.backups.get(goLive.backupId!))!;
    const chain = await openBackupChain(backup.path, backupSecret({ plan: loaded, cwd: dir, env: process.env }), state);
    return {
      steps: [`run ${run.status}`, ...steps.map((step) => `${step.name} ${step.status}`)],
      sourceAgainstBackup: await against(backupSource(chain, 'backup'), connectorSource(legacy, 'legacy')),
      sourceUsersActive: (await legacy.listUsers()).filter((user) => user.active && !user.frozen).length,
      targetUsersActive: (await salesforce.listUsers()).filter((user) => user.active && !user.frozen).length,
      exported: (steps.find((step) => step.name === 'export-delta')?.result as { counts?: unknown } | null)?.counts,
      reconciled: (steps.find((step) => step.name === 'apply-reconciliation')?.result as { counts?: unknown } | null)?.counts ?? null,
    };
  } finally {
    await legacy.close();
    await salesforce.close();
    await state.close();
  }
}

async function lastRollbackStatus(dir: string): Promise<string | undefined> {
  const state = await StateStore.open(path.join(dir, 'demo'));
  try {
    return (await state.runs.list({ kind: 'rollback' }))[0]?.status;
  } finally {
    await state.close();
  }
}

async function recordedRollbacks(dir: string): Promise<number> {
  const state = await StateStore.open(path.join(dir, 'demo'));
  try {
    return (await state.runs.list({ kind: 'rollback' })).length;
  } finally {
    await state.close();
  }
}

describe('the rollback killed with SIGKILL', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'cutover-kill-rollback-'));
  const prepared = path.join(root, 'prepared');
  const plan = ['--plan', path.join('demo', 'cutover.yaml')];

  beforeAll(async () => {
    const cli = (args: string[]) => main([...args, ...plan], bufferIo({ cwd: prepared }));
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '300'], bufferIo({ cwd: prepared }))).toBe(0);
    for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes'], ['simulate', 'salesforce', '--new', '20', '--edits', '10', '--deletes', '5', '--days', '1']]) {
      expect(await cli(args), args.join(' ')).toBe(0);
    }
    expect(await cli(['decide', 'rollback', '--reason', 'rehearsing crashes'])).toBe(0);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A fresh copy of the prepared demo, as it was before the rollback. */
  const copy = (name: string): string => {
    const dir = path.join(root, name);
    cpSync(prepared, dir, { recursive: true });
    return dir;
  };

  const scenarios: Array<{ mode: string; args: string[]; points: number }> = [
    { mode: 'immediate', args: ['--mode', 'immediate'], points: POINTS },
    { mode: 'delayed', args: ['--mode', 'delayed', '--apply-reconciliation'], points: Math.ceil(POINTS / 2) },
  ];
  for (const scenario of scenarios) {
    it(`finishes the ${scenario.mode} rollback with --resume after a kill at any of ${scenario.points} points, ending as an uninterrupted run does`, async () => {
      const rollback = ['rollback', ...scenario.args, '--yes', ...plan];
      const reference = copy(`${scenario.mode}-uninterrupted`);
      const full = await runAndKill(rollback, reference, undefined);
      expect(full.code).toBe(0);
      const expected = await outcome(reference);
      expect(expected.targetUsersActive).toBe(0);
      if (scenario.mode === 'immediate') expect(expected.sourceAgainstBackup).toEqual({ onlyInBackup: 0, onlyInSource: 0, changed: 0 });
      else expect(expected.sourceAgainstBackup.onlyInSource).toBeGreaterThan(0);
      expect(expected.steps.every((step) => step.endsWith('succeeded'))).toBe(true);

      let killed = 0;
      for (let point = 0; point < scenario.points; point += 1) {
        const dir = copy(`${scenario.mode}-kill-${point}`);
        const delay = Math.round(((point + 0.5) / scenario.points) * full.ms);
        const first = await runAndKill(rollback, dir, delay);
        if (first.killed) killed += 1;
        if (point === Math.floor(scenario.points / 2) && first.killed && (await recordedRollbacks(dir)) > 0) {
          // A new rollback is refused while one did not finish: it is continued, not started over.
          expect((await runAndKill(rollback, dir, undefined)).code).toBe(2);
        }
        let again = await runAndKill(['rollback', '--resume', '--yes', ...plan], dir, undefined);
        // Nothing to resume: killed before the run was recorded (a new rollback starts), or after it ended (it is done).
        if (again.code === 2 && (await lastRollbackStatus(dir)) !== 'succeeded') again = await runAndKill(rollback, dir, undefined);
        else if (again.code === 2) again = { ...again, code: 0 };
        expect(again.code, `point ${point} (killed after ${delay} ms)`).toBe(0);
        expect(await outcome(dir), `point ${point} (killed after ${delay} ms)`).toEqual(expected);
        rmSync(dir, { recursive: true, force: true });
      }
      // Most points land inside the run (the last ones may find it finished).
      expect(killed).toBeGreaterThan(scenario.points / 2);
    });
  }
});
