/**
 * A backup as a whole: an incremental backup stores only what changed since
 * its base, so reading it means reading its chain (the full backup, then
 * each incremental in turn). This module opens the chain and reads it as if
 * it were one full backup.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CrmRecord, SystemDescription } from '../connectors/contract.js';
import { CutoverError } from '../core/errors.js';
import { ArchiveReader } from '../archive/index.js';
import type { RecordSource } from '../diff/index.js';
import type { StateStore } from '../state/index.js';

/** Blob names every backup has. */
export const BLOBS = {
  schema: 'schema',
  users: 'users',
  configuration: 'configuration',
  document: 'configuration.md',
  deleted: (object: string) => `deleted/${object}`,
} as const;

/** What `extra` of a backup's manifest holds. */
export interface BackupExtra {
  profile: string;
  /** Objects an incremental backup stored in full (no modified-at column to find changes by). */
  fullObjects?: string[];
}

/** The archives of one backup, oldest (the full one) first. */
export interface BackupChain {
  readers: ArchiveReader[];
  top: ArchiveReader;
}

/** Opens a backup and, for an incremental one, the backups it builds on. */
export async function openBackupChain(dir: string, secret: string, state?: StateStore): Promise<BackupChain> {
  const readers: ArchiveReader[] = [];
  let current = await ArchiveReader.open(dir, secret);
  readers.unshift(current);
  while (current.manifest.kind === 'incremental') {
    const base = current.manifest.base;
    const candidates = [(await state?.backups.get(base ?? ''))?.path, base ? path.join(path.dirname(current.dir), base) : undefined].filter(
      (candidate): candidate is string => !!candidate && existsSync(candidate),
    );
    if (!base || candidates.length === 0) {
      throw new CutoverError('archive.incomplete', `The incremental backup ${current.manifest.id} builds on ${base ?? 'an unnamed backup'}, which cannot be found.`, {
        hints: ['restore the base backup folder next to it, or restore from a full backup'],
      });
    }
    current = await ArchiveReader.open(candidates[0] as string, secret);
    readers.unshift(current);
    if (readers.length > 1000) throw new CutoverError('archive.corrupt', `The chain of backup ${dir} does not end in a full backup.`);
  }
  return { readers, top: readers[readers.length - 1] as ArchiveReader };
}

/** The system's description as the newest backup of the chain recorded it. */
export async function chainSchema(chain: BackupChain): Promise<SystemDescription> {
  return chain.top.blob<SystemDescription>(BLOBS.schema);
}

/**
 * Records of one object as of the newest backup: the newest archive's
 * records, then each older archive's records that no newer one replaced or
 * deleted. Memory holds only the ids the incrementals touched.
 */
export async function* chainRecords(chain: BackupChain, object: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<CrmRecord[]> {
  const superseded = new Set<string>();
  for (let index = chain.readers.length - 1; index >= 0; index -= 1) {
    const reader = chain.readers[index] as ArchiveReader;
    const isOldest = index === 0;
    if (reader.object(object)) {
      for await (const batch of reader.records(object, options)) {
        const fresh = superseded.size === 0 ? batch : batch.filter((record) => !superseded.has(record.id));
        if (!isOldest) for (const record of batch) superseded.add(record.id);
        if (fresh.length > 0) yield fresh;
      }
    }
    if (isOldest) return;
    const extra = reader.manifest.extra as Partial<BackupExtra>;
    if (extra.fullObjects?.includes(object)) return;
    if (reader.hasBlob(BLOBS.deleted(object))) {
      for (const id of await reader.blob<string[]>(BLOBS.deleted(object))) superseded.add(id);
    }
  }
}

/** A backup as a {@link RecordSource} for diff. */
export function backupSource(chain: BackupChain, label: string): RecordSource {
  return {
    label,
    async objects() {
      const schema = await chainSchema(chain);
      return schema.objects.filter((object) => !object.unsupported).map((object) => ({ name: object.name, idField: object.idField, fields: object.fields.map((f) => f.name) }));
    },
    records: (object, options) => chainRecords(chain, object, options ?? {}),
    async digest(object) {
      if (chain.readers.length !== 1) return undefined;
      const entry = chain.top.object(object);
      return entry ? { digest: entry.digest, count: entry.records } : undefined;
    },
  };
}
