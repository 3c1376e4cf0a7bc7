/** `cutover verify <backup>`: authenticate every chunk; with --deep, also restore into a sandbox and diff. */
import type { Command } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import { resolveBackup } from '../../backup/backup-ref.js';
import { verifyBackup } from '../../backup/verify-backup.js';
import type { CliContext } from '../context.js';
import { bytes, count, duration } from '../format.js';

/** Adds the command. */
export function registerVerify(program: Command, context: CliContext): void {
  program
    .command('verify')
    .argument('<backup>', 'a backup id, its folder, latest or latest:<system>')
    .description('verify a backup: every chunk authenticated and hashed, counts and digests checked; --deep also restores it into a fresh sandbox and diffs it record by record')
    .option('--deep', 'test-restore into a fresh embedded sandbox and compare record by record')
    .option('--key-file <file>', 'file holding the key (default: the plan\'s backup.key, else CUTOVER_KEY)')
    .action(async (ref: string, options: { deep?: boolean; keyFile?: string }) => {
      const plan = context.planIfAny();
      const state = await context.state();
      const handle = await resolveBackup(ref, { state, plan, cwd: context.io.cwd });
      const secret = backupSecret({ plan, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
      const result = await verifyBackup(handle, { secret, deep: options.deep ?? false, ...(state ? { state } : {}) });
      if (!result.ok) context.exitCode = 1;
      context.emit(result, () =>
        [
          `${result.ok ? 'Verified' : 'FAILED'}: backup ${result.id} (${result.mode}) — ${count(result.chunks)} chunks, ${count(result.records)} records, ${bytes(result.bytes)} in ${duration(result.seconds)}`,
          ...(result.restored ? [`  test restore: ${count(result.restored.created)} records created, ${count(result.restored.linked)} references linked; diff against the backup: ${result.diff?.equal ? 'equal' : 'different'}`] : []),
          ...result.problems.map((problem) => `  problem: ${problem}`),
          ...(result.ok ? [] : ['Do not rely on this backup. Take a new one with `cutover backup <system>`.']),
        ].join('\n'),
      );
    });
}
