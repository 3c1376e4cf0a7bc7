/** `cutover backup <system>`: an encrypted, verifiable backup of a system. */
import type { Command } from 'commander';
import { backupSecret, backupStorage } from '../../backup/backup-key.js';
import { runBackup } from '../../backup/run-backup.js';
import { CutoverError } from '../../core/errors.js';
import { resolveSystem } from '../../plan/systems.js';
import type { CliContext } from '../context.js';
import { bytes, count, duration, table } from '../format.js';
import { profileOption } from './options.js';

interface BackupCliOptions {
  incremental?: boolean;
  restart?: boolean;
  out?: string;
  keyFile?: string;
  profile?: 'generic' | 'suitecrm' | 'salesforce';
}

/** Adds the command. */
export function registerBackup(program: Command, context: CliContext): void {
  program
    .command('backup')
    .argument('<system>', 'a system of the plan, or a URL')
    .description('back up a system completely (records with deleted rows flagged, schema, users, configuration) into an encrypted archive, with a configuration document')
    .option('--incremental', 'store only what changed since the last complete backup of the system (deletions too)')
    .option('--restart', 'start a new backup instead of resuming an interrupted one')
    .option('--out <dir>', 'storage folder (default: the plan\'s backup.storage)')
    .option('--key-file <file>', 'file holding the key (default: the plan\'s backup.key, else CUTOVER_KEY)')
    .addOption(profileOption())
    .action(async (systemArg: string, options: BackupCliOptions) => {
      const plan = context.planIfAny();
      const target = resolveSystem(systemArg, { plan, cwd: context.io.cwd, env: context.io.env, ...(options.profile ? { profile: options.profile } : {}) });
      const storage = backupStorage({ plan, cwd: context.io.cwd, ...(options.out ? { out: options.out } : {}) });
      const secret = backupSecret({ plan, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const state = await context.state(storage);
      if (!state) throw new CutoverError('internal', 'No state store.');
      let last = 0;
      const result = await runBackup({
        target,
        storage,
        secret,
        state,
        incremental: options.incremental ?? false,
        restart: options.restart ?? false,
        onProgress: (event) => {
          if (context.json || !context.io.isTTY || performance.now() - last < 250) return;
          last = performance.now();
          context.io.stderr(`\r  ${event.object}: ${count(event.records)} records\x1b[K`);
        },
      });
      if (!context.json && context.io.isTTY) context.io.stderr('\r\x1b[K');
      await context.audit('backup', 'succeeded', `${result.kind} backup ${result.id} of ${result.system}: ${result.records} records`, storage);
      context.emit(result, () =>
        [
          `${result.resumed ? 'Resumed and finished' : 'Wrote'} ${result.kind} backup ${result.id} of ${result.system}${result.base ? ` (on ${result.base})` : ''}: ${count(result.records)} records, ${bytes(result.bytes)}, ${duration(result.seconds)}`,
          table(
            result.objects.map((object) => [object.name, count(object.records), object.deleted ? `(${count(object.deleted)} soft-deleted)` : '']),
            { indent: 2 },
          ),
          `  archive: ${result.path}`,
          `  configuration document: ${result.document}`,
          `Next: cutover verify ${result.id} --deep`,
        ].join('\n'),
      );
    });
}
