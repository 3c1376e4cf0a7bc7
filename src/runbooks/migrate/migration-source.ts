/**
 * Where a migration reads from: the live source system, or one of its
 * backups, so that what is migrated is exactly what was backed up.
 */
import { BLOBS, chainRecords, chainSchema, type BackupChain } from '../../backup/backup-chain.js';
import type { Connector, CrmRecord, CrmUser, SystemDescription } from '../../connectors/contract.js';

/** The records, schema and users a migration reads. */
export interface MigrationSource {
  /** The system's name, or `backup <id>`. */
  label: string;
  /** The backup read, when the source is a backup. */
  backupId?: string;
  description: SystemDescription;
  users: CrmUser[];
  /** Every record of one object, soft-deleted ones flagged, in batches. */
  records(object: string, signal?: AbortSignal): AsyncIterable<CrmRecord[]>;
}

/** Records per read from a live source. */
const READ_BATCH = 1000;

/** The live system, through its connector. */
export async function liveMigrationSource(connector: Connector, name: string): Promise<MigrationSource> {
  const description = await connector.describe();
  const users = description.usersObject ? await connector.listUsers() : [];
  return {
    label: name,
    description,
    users,
    async *records(object, signal) {
      for await (const batch of connector.read(object, { includeDeleted: true, batchSize: READ_BATCH, ...(signal ? { signal } : {}) })) yield batch.records;
    },
  };
}

/** A backup (its whole chain, for an incremental one). */
export async function backupMigrationSource(chain: BackupChain): Promise<MigrationSource> {
  const id = chain.top.manifest.id;
  return {
    label: `backup ${id}`,
    backupId: id,
    description: await chainSchema(chain),
    users: chain.top.hasBlob(BLOBS.users) ? await chain.top.blob<CrmUser[]>(BLOBS.users) : [],
    records: (object, signal) => chainRecords(chain, object, signal ? { signal } : {}),
  };
}
