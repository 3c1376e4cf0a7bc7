import { readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ArchiveReader, archiveState, verifyArchive, type Manifest } from '../../src/archive/index.js';
import { chunkFiles, rawKey, readAll, rejection, tempDir, writeContacts } from './archive-support.js';

let dir: string;
let secret: string;
let manifest: Manifest;
let files: string[];

beforeEach(async () => {
  dir = tempDir('tamper');
  secret = rawKey();
  manifest = await writeContacts(dir, secret, { records: 1000, page: 200 });
  files = chunkFiles(manifest, 'contacts');
});

async function expectRefused(chunk: string, pattern: RegExp): Promise<void> {
  const reader = await ArchiveReader.open(dir, secret);
  const error = await rejection(readAll(reader, 'contacts'));
  expect(error.code).toBe('archive.corrupt');
  expect(error.message).toContain(`chunk ${chunk} of object contacts`);
  expect(error.message).toMatch(pattern);
}

describe('a damaged archive', () => {
  it('verifies clean when untouched', async () => {
    const report = await verifyArchive(dir, secret);
    expect(report).toMatchObject({ ok: true, problems: [], records: 1001, chunks: 8 });
    expect(report.bytes).toBe(manifest.bytes);
    expect(report.seconds).toBeGreaterThan(0);
  });

  it('is caught when one random byte of a chunk flips', async () => {
    const target = files[2] as string;
    const file = path.join(dir, target);
    const bytes = readFileSync(file);
    const at = Math.floor(Math.random() * bytes.length);
    bytes[at] = (bytes[at] as number) ^ (1 << Math.floor(Math.random() * 8));
    writeFileSync(file, bytes);
    const report = await verifyArchive(dir, secret);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ object: 'contacts', chunk: target, message: expect.stringMatching(/SHA-256/) as string }]);
    await expectRefused(target, /SHA-256/);
  });

  it('is caught when a chunk is truncated', async () => {
    const target = files[4] as string;
    truncateSync(path.join(dir, target), 100);
    const report = await verifyArchive(dir, secret);
    expect(report.problems).toEqual([{ object: 'contacts', chunk: target, message: expect.stringMatching(/is 100 bytes/) as string }]);
    await expectRefused(target, /truncated/);
  });

  it('is caught when a chunk is deleted', async () => {
    const target = files[1] as string;
    rmSync(path.join(dir, target));
    const report = await verifyArchive(dir, secret);
    expect(report.problems).toEqual([{ object: 'contacts', chunk: target, message: `chunk ${target} of object contacts is missing.` }]);
    await expectRefused(target, /is missing/);
  });

  it('is caught when two chunks swap files', async () => {
    const [first, second] = [files[0] as string, files[3] as string];
    renameSync(path.join(dir, first), path.join(dir, 'swap'));
    renameSync(path.join(dir, second), path.join(dir, first));
    renameSync(path.join(dir, 'swap'), path.join(dir, second));
    const report = await verifyArchive(dir, secret);
    expect(report.problems.map((p) => [p.object, p.chunk])).toEqual([
      ['contacts', first],
      ['contacts', second],
    ]);
    await expectRefused(first, /SHA-256|bytes/);
  });

  it('is caught when a swapped chunk comes with a manifest edited to match (the tag binds the position)', async () => {
    const [first, second] = [files[0] as string, files[1] as string];
    const edited = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    const chunks = edited.objects[0]?.chunks ?? [];
    const [a, b] = [chunks[0], chunks[1]];
    if (!a || !b) throw new Error('two chunks expected');
    [a.sha256, b.sha256, a.bytes, b.bytes] = [b.sha256, a.sha256, b.bytes, a.bytes];
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(edited));
    renameSync(path.join(dir, first), path.join(dir, 'swap'));
    renameSync(path.join(dir, second), path.join(dir, first));
    renameSync(path.join(dir, 'swap'), path.join(dir, second));
    const report = await verifyArchive(dir, secret);
    expect(report.problems[0]?.message).toMatch(/manifest\.json was changed/);
    expect(report.problems.slice(1).map((p) => [p.chunk, /authentication tag/.test(p.message)])).toEqual([
      [first, true],
      [second, true],
    ]);
    expect((await rejection(ArchiveReader.open(dir, secret))).code).toBe('archive.corrupt');
  });

  it('is caught when a count in the manifest is edited', async () => {
    const edited = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    (edited.objects[0] as Manifest['objects'][number]).records = 999;
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(edited, null, 2));
    const error = await rejection(ArchiveReader.open(dir, secret));
    expect(error.code).toBe('archive.corrupt');
    expect(error.message).toBe('The backup b-20250601-000000 is damaged: manifest.json was changed after it was written: its MAC does not match.');
    const report = await verifyArchive(dir, secret);
    expect(report.problems.map((p) => p.message)).toEqual([
      'The backup b-20250601-000000 is damaged: manifest.json was changed after it was written: its MAC does not match.',
      'object contacts: the manifest says 999 records but its chunks list 1000.',
      'object contacts holds 1000 records where the manifest says 999.',
      "the manifest's total of 1001 records differs from its objects' 1000.",
    ]);
    expect(report.problems[1]?.object).toBe('contacts');
  });

  it('is caught when a blob chunk is damaged', async () => {
    const blob = manifest.blobs.find((b) => b.name === 'users')?.file as string;
    const bytes = readFileSync(path.join(dir, blob));
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 1;
    writeFileSync(path.join(dir, blob), bytes);
    const report = await verifyArchive(dir, secret);
    expect(report.problems).toEqual([{ chunk: blob, message: `chunk ${blob} of blob users does not match its SHA-256 in the manifest (changed, or another chunk is in its place).` }]);
    const error = await rejection((await ArchiveReader.open(dir, secret)).blob('users'));
    expect(error.code).toBe('archive.corrupt');
  });

  it('is incomplete without its manifest', async () => {
    rmSync(path.join(dir, 'manifest.json'));
    expect(await archiveState(dir)).toBe('incomplete');
    const error = await rejection(ArchiveReader.open(dir, secret));
    expect(error.code).toBe('archive.incomplete');
    expect(error.message).toContain('has no manifest.json');
    const report = await verifyArchive(dir, secret);
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.message).toMatch(/not complete/);
  });

  it('is not found where there is nothing', async () => {
    const empty = tempDir();
    expect(await archiveState(empty)).toBe('absent');
    expect((await rejection(ArchiveReader.open(empty, secret))).code).toBe('archive.not_found');
    expect((await rejection(ArchiveReader.open(path.join(empty, 'missing'), secret))).code).toBe('archive.not_found');
  });
});
