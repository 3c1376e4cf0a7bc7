/** The source a migration command reads: the live source system, or a backup of it named by `--from-backup`. */
import { backupSecret } from '../backup/backup-key.js';
import { openBackupChain } from '../backup/backup-chain.js';
import { resolveBackup } from '../backup/backup-ref.js';
import type { Connector } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import type { MigrationSystems } from '../operations/migration-setup.js';
import { openSystem } from '../operations/open-system.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { backupMigrationSource, liveMigrationSource, type MigrationSource } from '../runbooks/migrate/migration-source.js';
import type { StateStore } from '../state/index.js';
import type { CliContext } from './context.js';

/**
 * Opens the source; a connector it opens is pushed onto `opened` for the
 * caller to close. A backup must be of the mapping's source system.
 */
export async function openMigrationSource(
  context: CliContext,
  loaded: LoadedPlan,
  systems: MigrationSystems,
  state: StateStore,
  options: { fromBackup?: string | undefined; keyFile?: string | undefined },
  opened: Connector[],
): Promise<MigrationSource> {
  if (!options.fromBackup) {
    const connector = await openSystem(systems.source);
    opened.push(connector);
    return liveMigrationSource(connector, systems.source.name);
  }
  const handle = await resolveBackup(options.fromBackup, { state, plan: loaded, cwd: context.io.cwd });
  if (handle.system !== systems.source.name) {
    throw new CutoverError('usage', `Backup ${handle.id} is of ${handle.system}, not of the mapping's source ${systems.source.name}.`, {
      hints: [`name a backup of ${systems.source.name}, e.g. latest:${systems.source.name}`],
    });
  }
  const secret = backupSecret({ plan: loaded, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
  return backupMigrationSource(await openBackupChain(handle.dir, secret, state));
}
