/** `cutover snapshot <system>`: the target's baseline before migrating, a verified backup and its document. */
import type { Command } from 'commander';
import { backupSecret, backupStorage } from '../../backup/backup-key.js';
import { runBackup } from '../../backup/run-backup.js';
import { verifyBackup } from '../../backup/verify-backup.js';
import { CutoverError } from '../../core/errors.js';
import { resolveSystem } from '../../plan/systems.js';
import type { CliContext } from '../context.js';
import { bytes, count, duration, table } from '../format.js';

/** What a reference from a baseline to its backup is called: such a backup is never pruned. */
export const BASELINE_REFERENCE = 'baseline';

/** Adds the command. */
export function registerSnapshot(program: Command, context: CliContext): void {
  program
    .command('snapshot')
    .argument('<system>', 'the target system of the plan')
    .description("document a target's state before migrating: a full backup, verified, with its configuration document (counts, schema, users, configuration); recorded as the baseline that `reset` returns the target to")
    .option('--key-file <file>', "file holding the key (default: the plan's backup.key, else CUTOVER_KEY)")
    .action(async (systemArg: string, options: { keyFile?: string }) => {
      const plan = context.plan();
      const target = resolveSystem(systemArg, { plan, cwd: context.io.cwd, env: context.io.env });
      const storage = backupStorage({ plan, cwd: context.io.cwd });
      const secret = backupSecret({ plan, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const state = await context.state(storage);
      if (!state) throw new CutoverError('internal', 'No state store.');
      const backup = await runBackup({ target, storage, secret, state, incremental: false, restart: true });
      const verified = await verifyBackup({ id: backup.id, dir: backup.path, system: target.name, row: await state.backups.get(backup.id) }, { secret, deep: false, state });
      if (!verified.ok) {
        throw new CutoverError('archive.corrupt', `The snapshot ${backup.id} of ${target.name} did not verify: ${verified.problems[0] ?? 'unknown problem'}.`, {
          hints: ['check the backup storage folder and the disk, then take the snapshot again'],
        });
      }
      const previous = await state.baselines.get(target.name);
      await state.transaction(async () => {
        await state.baselines.set(target.name, backup.id);
        await state.backups.addReference(backup.id, BASELINE_REFERENCE, target.name);
      });
      const result = { ...backup, baseline: true, previousBaseline: previous?.backupId ?? null, verified: { chunks: verified.chunks, seconds: verified.seconds } };
      await context.audit('snapshot', 'succeeded', `baseline ${backup.id} of ${target.name}: ${backup.records} records`, storage);
      context.emit(result, () =>
        [
          `Snapshot ${backup.id} of ${target.name}: ${count(backup.records)} records, ${bytes(backup.bytes)}, verified, in ${duration(backup.seconds + verified.seconds)}`,
          table(
            backup.objects.map((object) => [object.name, count(object.records)]),
            { indent: 2 },
          ),
          `  archive: ${backup.path}`,
          `  report: ${backup.document}`,
          `Recorded as the baseline of ${target.name}${previous ? ` (was ${previous.backupId})` : ''}: \`cutover reset ${target.name}\` returns it to this state.`,
        ].join('\n'),
      );
    });
}
