/** Helpers for the archive's tests: temp folders, keys, sample records, reading an archive back. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { ArchiveReader, ArchiveWriter, type ArchiveMeta, type Manifest } from '../../src/archive/index.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the file's tests. */
export function tempDir(label = 'archive'): string {
  const dir = mkdtempSync(path.join(tmpdir(), `cutover-${label}-`));
  made.push(dir);
  return dir;
}

/** A random raw key as base64 (the form `cutover` tells users to make). */
export function rawKey(): string {
  return randomBytes(32).toString('base64');
}

/** Meta of a test archive. */
export function meta(id = 'b-20250601-000000', overrides: Partial<ArchiveMeta> = {}): ArchiveMeta {
  return { id, system: 'legacy', connector: 'sqlite', kind: 'full', startedAt: '2025-06-01T00:00:00.000Z', ...overrides };
}

/** A text no test record shares with any other data, to look for in the folder's bytes. */
export const MARKER = 'PLAINTEXT-MARKER-7f3a9c';

/** Sample contacts: every kind of value, one in ten soft-deleted. */
export function contacts(count: number, from = 1): CrmRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return {
      id: String(n),
      deleted: n % 10 === 0,
      values: {
        id: n,
        name: `Contact ${n} ${MARKER}`,
        email: `contact${n}@example.com`,
        score: n % 7 === 0 ? null : n * 1.5,
        big: '9007199254740993',
        amount: `${n}.25`,
        active: n % 2 === 0,
        created_at: '2024-01-02T03:04:05.000Z',
        photo: n % 3 === 0 ? new Uint8Array([n % 256, 0, 255]) : null,
      },
    };
  });
}

/** Fields of {@link contacts}. */
export const CONTACT_FIELDS = ['id', 'name', 'email', 'score', 'big', 'amount', 'active', 'created_at', 'photo'];

/** Writes a complete archive of contacts in pages, with the usual blobs. */
export async function writeContacts(dir: string, secret: string, options: { records?: number; page?: number; id?: string } = {}): Promise<Manifest> {
  const records = contacts(options.records ?? 1000);
  const page = options.page ?? 250;
  const writer = await ArchiveWriter.create(dir, secret, meta(options.id));
  writer.beginObject('contacts', 'id', CONTACT_FIELDS);
  for (let i = 0; i < records.length; i += page) await writer.append('contacts', records.slice(i, i + page));
  await writer.endObject('contacts');
  writer.beginObject('accounts', 'id', ['id', 'name']);
  await writer.append('accounts', [{ id: 'a1', deleted: false, values: { id: 'a1', name: `Acme ${MARKER}` } }]);
  await writer.endObject('accounts');
  await writer.writeBlob('schema', { objects: ['contacts', 'accounts'], note: MARKER });
  await writer.writeBlob('users', [{ id: 'u1', email: `admin@example.com ${MARKER}` }]);
  return writer.finish({ profile: 'test' });
}

/** Every record of an object, in archive order. */
export async function readAll(reader: ArchiveReader, object: string): Promise<CrmRecord[]> {
  const all: CrmRecord[] = [];
  for await (const batch of reader.records(object)) all.push(...batch);
  return all;
}

/** Whether any file in the folder contains the text in its bytes (UTF-8). */
export function folderContains(dir: string, text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  return readdirSync(dir).filter((name) => readFileSync(path.join(dir, name)).includes(needle));
}

/** The chunk files of an object in manifest order. */
export function chunkFiles(manifest: Manifest, object: string): string[] {
  return manifest.objects.find((o) => o.name === object)?.chunks.map((c) => c.file) ?? [];
}

/** Awaits a promise expected to reject, returning the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; hints?: readonly string[] }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; hints?: readonly string[] };
  }
  throw new Error('expected a rejection');
}
