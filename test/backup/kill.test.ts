/**
 * Crash safety with real processes: `cutover backup` and `cutover restore`
 * run as child processes and are killed with SIGKILL at points spread over
 * their run. Afterwards nothing incomplete is listed as complete, and running
 * the command again finishes the job: the backup verifies and equals the
 * source, the restore has every record once.
 * CUTOVER_KILL_POINTS sets how many kill points (default 20 each).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive, archiveState } from '../../src/archive/index.js';
import { backupSource, openBackupChain } from '../../src/backup/backup-chain.js';
import { backupSecret } from '../../src/backup/backup-key.js';
import { runRestore } from '../../src/backup/restore.js';
import { runBackup } from '../../src/backup/run-backup.js';
import { openConnector } from '../../src/connectors/registry.js';
import { resolveProfile } from '../../src/connectors/sql/sql-profile.js';
import { connectorSource, diffSources } from '../../src/diff/index.js';
import { main } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { systemFromPlan } from '../../src/plan/systems.js';
import { StateStore } from '../../src/state/index.js';
import { runAndKill } from '../support/child-cli.js';

const POINTS = Number(process.env.CUTOVER_KILL_POINTS ?? 20);
const SECRET_ENV = { CUTOVER_KEY: 'not the key: the demo plan names its own key file' };
const runAndKillWithKey = (args: string[], cwd: string, ms: number | undefined) => runAndKill(args, cwd, ms, SECRET_ENV);

describe('killed with SIGKILL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-kill-'));
  const planFile = path.join(dir, 'demo', 'cutover.yaml');

  beforeAll(async () => {
    const io = bufferIo({ cwd: dir });
    expect(await main(['init', '--demo', '--dir', 'demo', '--records', '4000'], io)).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`a backup, at ${POINTS} points, never leaves an incomplete backup listed as complete, and finishes when run again`, async () => {
    const loaded = loadPlan(planFile);
    const source = systemFromPlan(loaded, 'legacy');
    const secret = backupSecret({ plan: loaded, cwd: dir, env: process.env });
    const full = await runAndKillWithKey(['backup', 'legacy', '--plan', planFile, '--out', path.join(dir, 'measure')], dir, undefined);
    expect(full.code).toBe(0);
    const live = await openConnector(source);
    try {
      for (let point = 0; point < POINTS; point += 1) {
        const storage = path.join(dir, `kill-${point}`);
        const delay = Math.round(((point + 0.5) / POINTS) * full.ms);
        await runAndKillWithKey(['backup', 'legacy', '--plan', planFile, '--out', storage], dir, delay);
        const state = await StateStore.open(path.dirname(planFile));
        try {
          // Killed after the archive was sealed but before the state said so: the next run records it complete.
          const sealed: string[] = [];
          for (const row of (await state.backups.list()).filter((candidate) => candidate.path.startsWith(storage))) {
            const onDisk = await archiveState(row.path);
            if (row.status === 'complete') {
              expect(onDisk, `point ${point}: ${row.id}`).toBe('complete');
              expect((await verifyArchive(row.path, secret)).ok).toBe(true);
            } else if (row.status === 'in_progress' && onDisk === 'complete') {
              sealed.push(row.id);
            } else {
              expect(onDisk, `point ${point}: ${row.id} is listed as ${row.status}`).not.toBe('complete');
            }
          }
          const result = await runBackup({ target: source, storage, secret: secret, state });
          for (const id of sealed) expect((await state.backups.get(id))?.status, `point ${point}: ${id} was sealed when killed`).toBe('complete');
          expect((await verifyArchive(result.path, secret)).problems, `point ${point}`).toEqual([]);
          const chain = await openBackupChain(result.path, secret, state);
          const diff = await diffSources(backupSource(chain, 'backup'), connectorSource(live, 'legacy'));
          expect(diff.equal, `point ${point} (killed after ${delay} ms)`).toBe(true);
        } finally {
          await state.close();
        }
      }
    } finally {
      await live.close();
    }
  });

  it(`a restore, at ${POINTS} points, finishes when run again with every record once`, async () => {
    const secret = backupSecret({ plan: loadPlan(planFile), cwd: dir, env: process.env });
    const state = await StateStore.open(path.dirname(planFile));
    const backup = await state.backups.latest('legacy');
    await state.close();
    expect(backup).toBeDefined();
    const restoreArgs = (file: string) => ['restore', backup!.id, '--to', `sqlite:${file}`, '--plan', planFile];
    const measure = await runAndKillWithKey(restoreArgs(path.join(dir, 'restore-measure.db')), dir, undefined);
    expect(measure.code).toBe(0);
    for (let point = 0; point < POINTS; point += 1) {
      const file = path.join(dir, `restore-${point}.db`);
      const delay = Math.round(((point + 0.5) / POINTS) * measure.ms);
      await runAndKillWithKey(restoreArgs(file), dir, delay);
      const into = await openConnector(
        { kind: 'sqlite', url: `sqlite:${file}`, profile: resolveProfile('generic'), baseDir: dir, displayName: 'restored' },
        { create: true },
      );
      const state2 = await StateStore.open(path.dirname(planFile));
      try {
        const chain = await openBackupChain(backup!.path, secret, state2);
        const report = await runRestore({ chain, connector: into, prune: false, dryRun: false });
        expect(report.failures, `point ${point}`).toEqual([]);
        const diff = await diffSources(backupSource(chain, 'backup'), connectorSource(into, 'restored'));
        expect(diff.equal, `point ${point} (killed after ${delay} ms): ${JSON.stringify(diff.objects.filter((o) => o.onlyInA || o.onlyInB || o.changed || o.missingOn || o.fieldsOnlyInA.length || o.fieldsOnlyInB.length).map((o) => ({ ...o, changes: o.changes.slice(0, 2) })).slice(0, 2))}`).toBe(true);
      } finally {
        await state2.close();
        await into.close();
      }
    }
  });
});
