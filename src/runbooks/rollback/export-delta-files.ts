/**
 * The files of a delta export, in one folder named by the export's id:
 *
 * - `archive/`: an encrypted archive in the cutover archive format (the
 *   backup key), one archive object per object mapping (`<source>/<target>`)
 *   holding one record per delta record (id: the target id; deleted flag:
 *   the change is a deletion; fields {@link DELTA_FIELDS}, structured ones
 *   as JSON text), and the blob {@link DELTA_BLOB} describing the export.
 *   The manifest's `extra.kind` is `rollback-export`.
 * - `<source object>.csv`: one per source object, RFC 4180, UTF-8, CRLF:
 *   `change, source_id, target_id, at, by`, the source fields, `lossy`.
 *
 * CSVs are written beside the archive as `.partial` files and renamed once
 * the archive is finished and verified; a failed export removes the folder.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ArchiveReader, ArchiveWriter, verifyArchive, type ArchiveMeta, type Manifest } from '../../archive/index.js';
import type { CrmRecord } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { jsonValue, valueFromJson } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';
import { csvLine } from '../../report/csv.js';
import type { DeltaRecord, TargetFieldChange } from './export-delta-types.js';

/** The archive's `kind` of export, in the manifest's `extra`. */
export const EXPORT_KIND = 'rollback-export';
/** Format of the delta records inside the archive. */
export const DELTA_FORMAT = 'cutover-delta/1';
/** The blob describing the export: its go-live, systems, objects and their CSV columns. */
export const DELTA_BLOB = 'delta';
/** The archive's folder inside the export's folder. */
export const ARCHIVE_DIR = 'archive';
/** Fields of a delta record in the archive. */
export const DELTA_FIELDS = ['change', 'target_object', 'target_id', 'source_object', 'source_id', 'at', 'by', 'values', 'before', 'target_changes', 'links', 'lossy', 'approximate', 'target_only'] as const;
/** The CSV columns before the source fields; `lossy` comes after them. */
export const CSV_LEAD = ['change', 'source_id', 'target_id', 'at', 'by'] as const;

/** Records per archive chunk. */
const PAGE = 1000;

/** The archive object of an object mapping. */
export function archiveObjectName(source: string, target: string): string {
  return `${source}/${target}`;
}

const valuesJson = (values: Record<string, Value>): string => JSON.stringify(Object.fromEntries(Object.entries(values).map(([field, value]) => [field, jsonValue(value)])));
const valuesFrom = (text: string): Record<string, Value> => Object.fromEntries(Object.entries(JSON.parse(text) as Record<string, unknown>).map(([field, value]) => [field, valueFromJson(value)]));

/** A delta record as an archive record. */
export function toArchiveRecord(record: DeltaRecord): CrmRecord {
  return {
    id: record.targetId,
    deleted: record.change === 'deleted',
    values: {
      change: record.change,
      target_object: record.targetObject,
      target_id: record.targetId,
      source_object: record.sourceObject,
      source_id: record.sourceId,
      at: record.at,
      by: record.by === null ? null : JSON.stringify(record.by),
      values: valuesJson(record.values),
      before: record.before === undefined ? null : valuesJson(record.before),
      target_changes: record.targetChanges === undefined ? null : JSON.stringify(record.targetChanges.map((change) => ({ field: change.field, before: jsonValue(change.before), after: jsonValue(change.after) }))),
      links: JSON.stringify(record.links),
      lossy: JSON.stringify(record.lossy),
      approximate: JSON.stringify(record.approximate),
      target_only: JSON.stringify(record.targetOnly.map((entry) => ({ field: entry.field, value: jsonValue(entry.value) }))),
    },
  };
}

/** An archive record back as the delta record it was written from. */
export function fromArchiveRecord(record: CrmRecord): DeltaRecord {
  const v = record.values;
  const text = (name: string): string => String(v[name]);
  const out: DeltaRecord = {
    change: text('change') as DeltaRecord['change'],
    targetObject: text('target_object'),
    targetId: text('target_id'),
    sourceObject: text('source_object'),
    sourceId: v.source_id === null ? null : text('source_id'),
    values: valuesFrom(text('values')),
    links: JSON.parse(text('links')) as DeltaRecord['links'],
    lossy: JSON.parse(text('lossy')) as DeltaRecord['lossy'],
    approximate: JSON.parse(text('approximate')) as DeltaRecord['approximate'],
    targetOnly: (JSON.parse(text('target_only')) as Array<{ field: string; value: unknown }>).map((entry) => ({ field: entry.field, value: valueFromJson(entry.value) })),
    at: v.at === null ? null : text('at'),
    by: v.by === null ? null : (JSON.parse(text('by')) as DeltaRecord['by']),
  };
  if (v.before !== null) out.before = valuesFrom(text('before'));
  if (v.target_changes !== null) {
    out.targetChanges = (JSON.parse(text('target_changes')) as Array<{ field: string; before: unknown; after: unknown }>).map(
      (change): TargetFieldChange => ({ field: change.field, before: valueFromJson(change.before), after: valueFromJson(change.after) }),
    );
  }
  return out;
}

/** A value in a CSV cell: text as it is, binary as base64, empty for null. */
function cell(value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return String(value);
}

/** The CSV header of a source object with these fields. */
export function csvHeader(fields: readonly string[]): string[] {
  return [...CSV_LEAD, ...fields, 'lossy'];
}

/**
 * One delta record as a CSV row: a reference to a record created after
 * go-live reads `new:<TargetObject>:<target id>` (that record's row has the
 * target id); `lossy` lists `field: reason` lines, then target-only values
 * and approximate fields, marked.
 */
export function csvRow(record: DeltaRecord, fields: readonly string[]): string[] {
  const links = new Map(record.links.map((link) => [link.field, `new:${link.targetObject}:${link.targetId}`]));
  const notes = [
    ...record.lossy.map((note) => `${note.field}: ${note.reason}`),
    ...record.targetOnly.map((entry) => `${entry.field} (target only, no source field): ${cell(entry.value)}`),
    ...record.approximate.map((note) => `${note.field} (approximate): ${note.reason}`),
  ];
  return [
    record.change,
    record.sourceId ?? '',
    record.targetId,
    record.at ?? '',
    record.by ? (record.by.email ?? record.by.name ?? record.by.id) : '',
    ...fields.map((field) => links.get(field) ?? cell(record.values[field])),
    notes.join('\n'),
  ];
}

/** What the export's blob says. */
export interface DeltaSummary {
  format: string;
  kind: string;
  goLive: { id: string; at: string };
  source: string;
  target: string;
  comparedWith: string;
  baseline: string | null;
  objects: Array<{ archiveObject: string; source: string; target: string; csv: string; fields: string[]; counts: Record<string, unknown>; plan: unknown }>;
}

/** Writes one export: the archive, and the CSVs beside it. */
export class DeltaFiles {
  private readonly csv = new Map<string, { file: string; handle: FileHandle; fields: string[]; rows: number }>();

  private constructor(
    readonly dir: string,
    private readonly writer: ArchiveWriter,
    private readonly secret: string,
    private readonly columns: ReadonlyMap<string, string[]>,
  ) {}

  /** Creates the export's folder and starts its archive. `columns`: the source fields of each source object's CSV. */
  static async create(dir: string, secret: string, meta: ArchiveMeta, columns: ReadonlyMap<string, string[]>): Promise<DeltaFiles> {
    await mkdir(dir, { recursive: true }).catch((error: unknown) => {
      throw new CutoverError('io.failed', `Cannot create the export folder ${dir}.`, { cause: error });
    });
    const writer = await ArchiveWriter.create(path.join(dir, ARCHIVE_DIR), secret, meta);
    return new DeltaFiles(dir, writer, secret, columns);
  }

  /** The CSV file of a source object. */
  static csvName(object: string): string {
    return `${object.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;
  }

  /** Writes the delta records of one object mapping: one archive object, rows of its source object's CSV. */
  async writeObject(source: string, target: string, records: readonly DeltaRecord[]): Promise<void> {
    const name = archiveObjectName(source, target);
    this.writer.beginObject(name, 'target_id', [...DELTA_FIELDS]);
    for (let start = 0; start < records.length; start += PAGE) await this.writer.append(name, records.slice(start, start + PAGE).map(toArchiveRecord));
    await this.writer.endObject(name);
    const csv = await this.csvOf(source);
    let text = '';
    for (const record of records) text += csvLine(csvRow(record, csv.fields));
    await this.io(`writing ${csv.file}`, () => csv.handle.write(text));
    csv.rows += records.length;
  }

  private async csvOf(source: string): Promise<{ file: string; handle: FileHandle; fields: string[]; rows: number }> {
    let csv = this.csv.get(source);
    if (!csv) {
      const file = path.join(this.dir, DeltaFiles.csvName(source));
      const fields = this.columns.get(source) ?? [];
      const handle = await this.io(`creating ${file}`, () => open(`${file}.partial`, 'w'));
      csv = { file, handle, fields, rows: 0 };
      this.csv.set(source, csv);
      await this.io(`writing ${file}`, () => handle.write(csvLine(csvHeader(fields))));
    }
    return csv;
  }

  /** Finishes the archive, verifies it, and puts the CSVs in place. */
  async finish(summary: DeltaSummary, extra: Record<string, unknown>): Promise<{ archive: string; manifest: Manifest; csv: Array<{ object: string; path: string; rows: number }> }> {
    await this.writer.writeBlob(DELTA_BLOB, summary);
    const manifest = await this.writer.finish(extra);
    const archive = path.join(this.dir, ARCHIVE_DIR);
    const verified = await verifyArchive(archive, this.secret);
    if (!verified.ok) {
      throw new CutoverError('archive.corrupt', `The delta export ${manifest.id} does not verify after writing.`, { details: verified.problems.map((problem) => problem.message) });
    }
    const csv: Array<{ object: string; path: string; rows: number }> = [];
    for (const [object, file] of this.csv) {
      await this.io(`closing ${file.file}`, async () => {
        await file.handle.sync();
        await file.handle.close();
        await rename(`${file.file}.partial`, file.file);
      });
      csv.push({ object, path: file.file, rows: file.rows });
    }
    this.csv.clear();
    return { archive, manifest, csv };
  }

  /** Removes everything written, after a failure. */
  async abort(): Promise<void> {
    for (const file of this.csv.values()) await file.handle.close().catch(() => undefined);
    this.csv.clear();
    await rm(this.dir, { recursive: true, force: true });
  }

  private async io<T>(doing: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw new CutoverError('io.failed', `Failed ${doing}.`, { cause: error });
    }
  }
}

/** Reads a delta export's archive back: its manifest, its summary, and the delta records of each object mapping. */
export async function readDeltaArchive(archive: string, secret: string): Promise<{ manifest: Manifest; summary: DeltaSummary; objects: Map<string, DeltaRecord[]> }> {
  const reader = await ArchiveReader.open(archive, secret);
  const objects = new Map<string, DeltaRecord[]>();
  for (const entry of reader.manifest.objects) {
    const records: DeltaRecord[] = [];
    for await (const batch of reader.records(entry.name)) records.push(...batch.map(fromArchiveRecord));
    objects.set(entry.name, records);
  }
  return { manifest: reader.manifest, summary: await reader.blob<DeltaSummary>(DELTA_BLOB), objects };
}
