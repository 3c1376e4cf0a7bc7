/**
 * The backup a command takes of a system, and verifies, before it deletes or
 * overwrites records there: nothing a restore or a reset overwrites is lost.
 * Marked as a safety copy, so `latest` never means it.
 */
import { backupStorage } from '../backup/backup-key.js';
import { SAFETY_REFERENCE } from '../backup/backup-ref.js';
import { runBackup } from '../backup/run-backup.js';
import { verifyBackup } from '../backup/verify-backup.js';
import { CutoverError } from '../core/errors.js';
import type { SystemTarget } from '../plan/systems.js';
import type { CliContext } from './context.js';

/** Backs up and verifies `target`; returns the backup's id. `doing` names the command for messages ("overwriting", "resetting"). */
export async function safetyBackup(context: CliContext, target: SystemTarget, secret: string, doing: string, out?: string): Promise<string> {
  const storage = backupStorage({ plan: context.planIfAny(), cwd: context.io.cwd, ...(out ? { out } : {}) });
  const state = await context.state(storage);
  if (!state) throw new CutoverError('internal', 'No state store for the safety backup.');
  context.note(`Backing up ${target.name} before ${doing} it …`);
  const backup = await runBackup({ target, storage, secret, state, restart: true });
  const verified = await verifyBackup({ id: backup.id, dir: backup.path, system: backup.system, row: await state.backups.get(backup.id) }, { secret, deep: false, state });
  if (!verified.ok) {
    throw new CutoverError('write.failed', `The safety backup ${backup.id} of ${target.name} did not verify; nothing was written.`, { details: verified.problems });
  }
  await state.backups.addReference(backup.id, SAFETY_REFERENCE, target.name);
  return backup.id;
}
