/** The backup of the source a go-live recorded: what a rollback restores and what its reconciliation compares with. */
import { openBackupChain, type BackupChain } from '../../backup/backup-chain.js';
import { CutoverError } from '../../core/errors.js';
import type { GoLive, StateStore } from '../../state/index.js';

/** The go-live's source backup, opened; only a verified one (a rollback restores nothing else). */
export async function goLiveBackup(state: StateStore, goLive: GoLive, secret: string): Promise<{ id: string; chain: BackupChain }> {
  const id = goLive.backupId;
  const row = id ? await state.backups.get(id) : undefined;
  if (!id || !row) {
    throw new CutoverError('archive.not_found', `Go-live ${goLive.id} names no backup of ${goLive.source} that the state store knows${id ? ` (${id})` : ''}.`, {
      hints: [`restore by hand from a verified backup: cutover restore <backup> --to ${goLive.source}`],
    });
  }
  if (!(await state.backups.lastVerification(id))?.ok) {
    throw new CutoverError('archive.not_found', `Backup ${id} has no passing verification; a rollback restores only from a verified backup.`, { hints: [`cutover verify ${id}`] });
  }
  return { id, chain: await openBackupChain(row.path, secret, state) };
}
