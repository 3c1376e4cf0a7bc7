/**
 * The plaintext parts of an archive: the header (`archive.json`, written at
 * create) and the manifest (`manifest.json`, written last). Both carry an
 * HMAC over their canonical JSON, so any edit is detected with the key.
 */
import path from 'node:path';
import { macHex, macMatches } from './archive-crypto.js';
import { archiveCorruptError } from './archive-errors.js';
import { readIfExists, writeAtomic } from './durable-files.js';
import { ARCHIVE_FORMAT, FILES, type ArchiveHeader, type ArchiveKdf, type ArchiveMeta, type Manifest } from './format.js';
import type { WriterState } from './writer-state.js';

/** Meta without undefined fields, in a stable order. */
export function cleanMeta(meta: ArchiveMeta): ArchiveMeta {
  const clean: ArchiveMeta = { id: meta.id, system: meta.system, connector: meta.connector, kind: meta.kind, startedAt: meta.startedAt };
  if (meta.base !== undefined) clean.base = meta.base;
  if (meta.since !== undefined) clean.since = meta.since;
  return clean;
}

/** The header of a new archive, with its MAC. */
export function buildHeader(meta: ArchiveMeta, kdf: ArchiveKdf, macKey: Buffer): ArchiveHeader {
  const body = { format: ARCHIVE_FORMAT, ...cleanMeta(meta), kdf };
  return { ...body, mac: macHex(macKey, 'header', body) };
}

/** The manifest of a finished archive, with its MAC. */
export function buildManifest(header: ArchiveHeader, state: WriterState, extra: Record<string, unknown>, macKey: Buffer): Manifest {
  const objects = [...state.objects.values()].map((object) => object.entry);
  const blobs = [...state.blobs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const bytes = objects.reduce((sum, o) => sum + o.chunks.reduce((s, c) => s + c.bytes, 0), 0) + blobs.reduce((sum, b) => sum + b.bytes, 0);
  // A JSON round trip drops undefined values, so the MAC covers exactly what the file holds.
  const body = JSON.parse(
    JSON.stringify({
      format: ARCHIVE_FORMAT,
      ...cleanMeta(header),
      finishedAt: new Date().toISOString(),
      kdf: header.kdf,
      objects,
      blobs,
      records: objects.reduce((sum, o) => sum + o.records, 0),
      bytes,
      extra,
    }),
  ) as Omit<Manifest, 'mac'>;
  return { ...body, mac: macHex(macKey, 'manifest', body) };
}

/** Writes the manifest: temp file, fsync, rename, fsync of the folder. */
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeAtomic(dir, FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Whether a header's or manifest's MAC matches its content. */
export function macValid(purpose: 'header' | 'manifest', value: ArchiveHeader | Manifest, macKey: Buffer): boolean {
  const { mac, ...body } = value;
  return macMatches(macHex(macKey, purpose, body), mac);
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isHex = (value: unknown, length: number): boolean => isString(value) && value.length === length && /^[0-9a-f]*$/.test(value);

function kdfProblem(kdf: unknown): string | undefined {
  const k = kdf as Partial<ArchiveKdf> | undefined;
  if (!k || (k.type !== 'raw' && k.type !== 'scrypt')) return 'kdf.type';
  if (!k.hkdf || !isHex(k.hkdf.salt, 64) || !isString(k.hkdf.chunkInfo) || !isString(k.hkdf.macInfo)) return 'kdf.hkdf';
  if (k.type === 'scrypt' && (!k.scrypt || !isHex(k.scrypt.salt, 64) || !isCount(k.scrypt.n) || !isCount(k.scrypt.r) || !isCount(k.scrypt.p))) return 'kdf.scrypt';
  return undefined;
}

function metaProblem(value: Record<string, unknown>): string | undefined {
  if (value.format !== ARCHIVE_FORMAT) return 'format';
  for (const key of ['id', 'system', 'connector', 'startedAt'] as const) if (!isString(value[key])) return key;
  if (value.kind !== 'full' && value.kind !== 'incremental') return 'kind';
  if (value.base !== undefined && !isString(value.base)) return 'base';
  if (value.since !== undefined && !isString(value.since)) return 'since';
  if (!isHex(value.mac, 64)) return 'mac';
  return kdfProblem(value.kdf);
}

function manifestProblem(value: Record<string, unknown>): string | undefined {
  const meta = metaProblem(value);
  if (meta) return meta;
  if (!isString(value.finishedAt)) return 'finishedAt';
  if (!isCount(value.records) || !isCount(value.bytes)) return 'records';
  if (!value.extra || typeof value.extra !== 'object' || Array.isArray(value.extra)) return 'extra';
  if (!Array.isArray(value.objects)) return 'objects';
  for (const [i, o] of (value.objects as Array<Record<string, unknown>>).entries()) {
    if (!o || !isString(o.name) || !isString(o.idField) || !Array.isArray(o.fields) || !o.fields.every(isString)) return `objects[${i}]`;
    if (!isCount(o.records) || !isCount(o.deleted) || !isHex(o.digest, 64) || !Array.isArray(o.chunks)) return `objects[${i}]`;
    for (const c of o.chunks as Array<Record<string, unknown>>) {
      if (!c || !isString(c.file) || !isHex(c.sha256, 64) || !isCount(c.bytes) || !isCount(c.records) || !isString(c.lastId)) return `objects[${i}].chunks`;
    }
  }
  if (!Array.isArray(value.blobs)) return 'blobs';
  for (const [i, b] of (value.blobs as Array<Record<string, unknown>>).entries()) {
    if (!b || !isString(b.name) || !isString(b.file) || !isHex(b.sha256, 64) || !isCount(b.bytes)) return `blobs[${i}]`;
  }
  return undefined;
}

async function readJsonFile(dir: string, name: string, idHint: string): Promise<Record<string, unknown> | null> {
  const data = await readIfExists(path.join(dir, name));
  if (!data) return null;
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch (error) {
    throw archiveCorruptError(idHint, `${name} is not valid JSON.`, error);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw archiveCorruptError(idHint, `${name} is not a JSON object.`);
  return value as Record<string, unknown>;
}

/** The manifest of a folder, checked for shape (not yet for its MAC); null when there is none. */
export async function readManifest(dir: string): Promise<Manifest | null> {
  const value = await readJsonFile(dir, FILES.manifest, path.basename(dir));
  if (!value) return null;
  const problem = manifestProblem(value);
  if (problem) throw archiveCorruptError(isString(value.id) ? value.id : path.basename(dir), `${FILES.manifest} is not a ${ARCHIVE_FORMAT} manifest (at ${problem}).`);
  return value as unknown as Manifest;
}

/** The header of a folder, checked for shape (not yet for its MAC); null when there is none. */
export async function readHeader(dir: string): Promise<ArchiveHeader | null> {
  const value = await readJsonFile(dir, FILES.header, path.basename(dir));
  if (!value) return null;
  const problem = metaProblem(value);
  if (problem) throw archiveCorruptError(isString(value.id) ? value.id : path.basename(dir), `${FILES.header} is not a ${ARCHIVE_FORMAT} header (at ${problem}).`);
  return value as unknown as ArchiveHeader;
}
