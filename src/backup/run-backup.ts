/**
 * `cutover backup`: every object and field of a system, deleted rows
 * flagged, its schema, users and configuration, into one encrypted archive;
 * or, incrementally, only what changed since the last complete backup,
 * deletions included. An interrupted backup is resumed where it stopped.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Connector, CrmUser, ObjectDescription, SystemDescription } from '../connectors/contract.js';
import { CutoverError, throwIfAborted } from '../core/errors.js';
import { ArchiveWriter, archiveState, verifyArchive, type ArchiveMeta, type Manifest } from '../archive/index.js';
import { openSystem } from '../operations/open-system.js';
import { redactUrl } from '../plan/secrets.js';
import type { SystemTarget } from '../plan/systems.js';
import { configurationDocument } from '../report/configuration-document.js';
import type { BackupRow, StateStore } from '../state/index.js';
import { BLOBS, chainRecords, openBackupChain, type BackupChain, type BackupExtra } from './backup-chain.js';

/** Records per read and per chunk: small enough that memory stays flat, large enough to compress well. */
const BACKUP_BATCH = 1000;

/** How far before the base backup's start an incremental backup looks, for clocks that disagree. */
const SINCE_MARGIN_MS = 5 * 60 * 1000;

/** Settings of one backup. */
export interface BackupOptions {
  target: SystemTarget;
  /** Folder that holds archives. */
  storage: string;
  secret: string;
  state: StateStore;
  incremental?: boolean;
  /** Start afresh instead of resuming an unfinished backup of the same system. */
  restart?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: { object: string; records: number }) => void;
}

/** What a backup wrote. */
export interface BackupResult {
  id: string;
  /** The archive's folder. */
  path: string;
  system: string;
  kind: 'full' | 'incremental';
  base: string | null;
  resumed: boolean;
  records: number;
  bytes: number;
  objects: Array<{ name: string; records: number; deleted: number }>;
  /** The Markdown configuration document beside the archive. */
  document: string;
  seconds: number;
}

/** A backup id: system, UTC time, and a random suffix. */
export function newBackupId(system: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${system.replace(/[^A-Za-z0-9_-]/g, '_')}-${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Runs a backup; an interrupted one of the same system and kind is resumed unless `restart`. */
export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const started = performance.now();
  const { target, state } = options;
  const kind = options.incremental ? 'incremental' : 'full';
  const connector = await openSystem(target);
  try {
    const unfinished = await findUnfinished(state, target.name, kind, options.secret);
    if (unfinished && options.restart) {
      await state.backups.update(unfinished.id, { status: 'failed', error: 'abandoned: a new backup was started with --restart' });
    }
    const resuming = unfinished && !options.restart ? unfinished : undefined;

    let base: BackupRow | undefined;
    if (kind === 'incremental') {
      base = resuming?.base ? await state.backups.get(resuming.base) : await state.backups.latest(target.name);
      if (!base) {
        throw new CutoverError('usage', `There is no complete backup of ${target.name} for an incremental backup to build on.`, {
          hints: [`run a full backup first: cutover backup ${target.name}`],
        });
      }
    }

    const description = await connector.describe();
    const users = description.usersObject ? await connector.listUsers() : [];
    const configuration = connector.capabilities.configurationExport ? await connector.exportConfiguration(options.signal ? { signal: options.signal } : {}) : [];
    const measuredAt = new Date();

    let writer: ArchiveWriter;
    let row: BackupRow;
    if (resuming) {
      writer = await ArchiveWriter.resume(resuming.path, options.secret);
      row = resuming;
    } else {
      const id = newBackupId(target.name, measuredAt);
      const dir = path.join(options.storage, id);
      mkdirSync(options.storage, { recursive: true });
      const meta: ArchiveMeta = { id, system: target.name, connector: connector.kind, kind, startedAt: measuredAt.toISOString() };
      if (base) {
        meta.base = base.id;
        meta.since = new Date(Date.parse(base.startedAt) - SINCE_MARGIN_MS).toISOString();
      }
      writer = await ArchiveWriter.create(dir, options.secret, meta);
      row = {
        id,
        system: target.name,
        connector: connector.kind,
        kind,
        base: base?.id ?? null,
        path: dir,
        status: 'in_progress',
        startedAt: meta.startedAt,
        finishedAt: null,
        records: 0,
        bytes: 0,
        objects: 0,
        seconds: null,
        error: null,
      };
      await state.backups.insert(row);
    }

    const since = writer.meta.since ? new Date(writer.meta.since) : undefined;
    // The base backup as a whole, opened once: every object's deletions are found against it.
    const baseChain = since !== undefined && base ? await openBackupChain(base.path, options.secret, state) : undefined;
    const fullObjects: string[] = [];
    const counts: Record<string, number> = {};
    for (const object of description.objects) {
      if (object.unsupported) continue;
      throwIfAborted(options.signal, 'the backup');
      const incrementally = since !== undefined && object.modifiedAtField !== undefined;
      if (since !== undefined && !incrementally) fullObjects.push(object.name);
      await backupObject(connector, writer, object, { ...options, since: incrementally ? since : undefined });
      if (incrementally && baseChain) await recordDeletions(connector, writer, object, baseChain, options);
    }

    const schema: SystemDescription = { ...description, objects: description.objects.map((object) => withoutCount(object)) };
    await writer.writeBlob(BLOBS.schema, schema);
    await writer.writeBlob(BLOBS.users, users);
    await writer.writeBlob(BLOBS.configuration, configuration);
    const extra: BackupExtra = { profile: target.profile.name, ...(fullObjects.length > 0 ? { fullObjects } : {}) };
    const manifest = await writer.finish(extra as unknown as Record<string, unknown>);
    for (const object of manifest.objects) counts[object.name] = object.records;

    const document = path.join(row.path, 'configuration.md');
    const markdown = configurationDocument({
      system: target.name,
      url: redactUrl(target.url),
      profile: target.profile.name,
      description,
      users: users as CrmUser[],
      configuration,
      measuredAt: measuredAt.toISOString(),
      counts,
    });
    writeFileSync(document, markdown);

    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    await state.backups.update(row.id, {
      status: 'complete',
      finishedAt: manifest.finishedAt,
      records: manifest.records,
      bytes: manifest.bytes,
      objects: manifest.objects.length,
      seconds,
    });
    return {
      id: row.id,
      path: row.path,
      system: target.name,
      kind,
      base: row.base,
      resumed: resuming !== undefined,
      records: manifest.records,
      bytes: manifest.bytes,
      objects: manifest.objects.map((object) => ({ name: object.name, records: object.records, deleted: object.deleted })),
      document,
      seconds,
    };
  } finally {
    await connector.close();
  }
}

function withoutCount(object: ObjectDescription): ObjectDescription {
  const { recordCount: _ignored, ...rest } = object;
  return rest;
}

/**
 * The backup of the system left unfinished by a run that stopped, to resume.
 * A run stopped after its archive was sealed but before the state recorded
 * it leaves a complete archive: once it verifies, it is recorded complete
 * rather than taken again.
 */
async function findUnfinished(state: StateStore, system: string, kind: 'full' | 'incremental', secret: string): Promise<BackupRow | undefined> {
  for (const row of await state.backups.list({ system, status: 'in_progress' })) {
    const onDisk = await archiveState(row.path);
    if (onDisk === 'complete') {
      const verified = await verifyArchive(row.path, secret);
      if (verified.ok) {
        const manifest = JSON.parse(readFileSync(path.join(row.path, 'manifest.json'), 'utf8')) as Manifest;
        await state.backups.update(row.id, { status: 'complete', finishedAt: manifest.finishedAt, records: manifest.records, bytes: manifest.bytes, objects: manifest.objects.length });
      } else await state.backups.update(row.id, { status: 'failed', error: `the archive does not verify: ${verified.problems[0]?.message ?? 'unknown problem'}` });
      continue;
    }
    if (row.kind !== kind) continue;
    if (onDisk === 'incomplete') return row;
    await state.backups.update(row.id, { status: 'failed', error: 'the archive folder is gone or was never started' });
  }
  return undefined;
}

async function backupObject(
  connector: Connector,
  writer: ArchiveWriter,
  object: ObjectDescription,
  options: BackupOptions & { since: Date | undefined },
): Promise<void> {
  const progress = writer.progress(object.name);
  if (progress.done) return;
  writer.beginObject(object.name, object.idField, object.fields.map((field) => field.name));
  let records = progress.records;
  const read = connector.read(object.name, {
    after: progress.lastId,
    batchSize: BACKUP_BATCH,
    ...(options.since ? { since: options.since } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  for await (const batch of read) {
    await writer.append(object.name, batch.records);
    records += batch.records.length;
    options.onProgress?.({ object: object.name, records });
  }
  await writer.endObject(object.name);
}

/** Ids the base backup (as a whole) had that the system no longer has: deleted since. */
async function recordDeletions(connector: Connector, writer: ArchiveWriter, object: ObjectDescription, chain: BackupChain, options: BackupOptions): Promise<void> {
  const live = new Set<string>();
  for await (const batch of connector.read(object.name, { fields: [], ...(options.signal ? { signal: options.signal } : {}) })) {
    for (const record of batch.records) live.add(record.id);
  }
  const deleted: string[] = [];
  if (chain.readers.some((reader) => reader.object(object.name))) {
    for await (const batch of chainRecords(chain, object.name, options.signal ? { signal: options.signal } : {})) {
      for (const record of batch) if (!live.has(record.id)) deleted.push(record.id);
    }
  }
  await writer.writeBlob(BLOBS.deleted(object.name), deleted);
}
