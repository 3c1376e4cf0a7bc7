import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveKeys, chunkAad, openChunk, parseSecret } from '../../src/archive/archive-crypto.js';
import { ArchiveReader, ArchiveWriter, verifyArchive, type Manifest } from '../../src/archive/index.js';
import { isCutoverError } from '../../src/core/errors.js';
import { MARKER, chunkFiles, contacts, folderContains, meta, rawKey, readAll, rejection, tempDir, writeContacts } from './archive-support.js';

describe('archive keys', () => {
  it('tells raw keys from passphrases', () => {
    const hex = 'ab'.repeat(32);
    expect(parseSecret(hex)).toMatchObject({ type: 'raw' });
    expect(parseSecret(Buffer.alloc(32, 7).toString('base64'))).toMatchObject({ type: 'raw' });
    expect(parseSecret(Buffer.alloc(32, 250).toString('base64url'))).toMatchObject({ type: 'raw' });
    expect(parseSecret(`${Buffer.alloc(32, 7).toString('base64')}\n`)).toMatchObject({ type: 'raw' });
    expect(parseSecret('correct horse battery staple')).toMatchObject({ type: 'scrypt' });
    expect(parseSecret('ab'.repeat(31))).toMatchObject({ type: 'scrypt' });
    expect(parseSecret(Buffer.alloc(31, 7).toString('base64'))).toMatchObject({ type: 'scrypt' });
  });

  it('refuses a wrong key with a clear message, and leaves no plaintext in the folder', async () => {
    const dir = tempDir();
    await writeContacts(dir, rawKey());
    const error = await rejection(ArchiveReader.open(dir, rawKey()));
    expect(isCutoverError(error)).toBe(true);
    expect(error.code).toBe('archive.key');
    expect(error.message).toBe('The backup b-20250601-000000 cannot be opened with this key.');
    expect(error.hints?.join(' ')).toMatch(/backup\.key.*CUTOVER_KEY.*--key-file/);
    // A passphrase for an archive made with a raw key is as wrong.
    expect((await rejection(ArchiveReader.open(dir, 'a passphrase'))).code).toBe('archive.key');
    const report = await verifyArchive(dir, rawKey());
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([{ message: 'The backup b-20250601-000000 cannot be opened with this key.' }]);
    expect(folderContains(dir, MARKER)).toEqual([]);
    expect(folderContains(dir, 'contact17@example.com')).toEqual([]);
  });

  it('never writes plaintext, even while an archive is unfinished', async () => {
    const dir = tempDir();
    const writer = await ArchiveWriter.create(dir, rawKey(), meta());
    writer.beginObject('contacts', 'id', ['id', 'name']);
    await writer.append('contacts', contacts(50));
    await writer.writeBlob('users', [{ note: MARKER }]);
    expect(folderContains(dir, MARKER)).toEqual([]);
    expect(folderContains(dir, 'Contact 7')).toEqual([]);
  });

  it('opens an archive made with a passphrase only with that passphrase', async () => {
    const dir = tempDir();
    const manifest = await writeContacts(dir, 'correct horse battery staple', { records: 300 });
    expect(manifest.kdf.type).toBe('scrypt');
    expect(manifest.kdf.scrypt).toMatchObject({ n: 32768, r: 8, p: 1 });
    expect(manifest.kdf.scrypt?.salt).toMatch(/^[0-9a-f]{64}$/);
    const reader = await ArchiveReader.open(dir, 'correct horse battery staple');
    expect(await readAll(reader, 'contacts')).toEqual(contacts(300));
    const wrong = await rejection(ArchiveReader.open(dir, 'correct horse battery stapler'));
    expect(wrong.code).toBe('archive.key');
  });

  it('opens an archive made with a raw key written as hex with the same key written as base64', async () => {
    const dir = tempDir();
    const key = Buffer.alloc(32, 42);
    const manifest = await writeContacts(dir, key.toString('hex'), { records: 10 });
    expect(manifest.kdf.type).toBe('raw');
    expect(manifest.kdf.scrypt).toBeUndefined();
    const reader = await ArchiveReader.open(dir, key.toString('base64'));
    expect(await readAll(reader, 'contacts')).toHaveLength(10);
  });

  it('gives two archives with the same key and id different data keys', async () => {
    const secret = rawKey();
    const a = tempDir();
    const b = tempDir();
    const ma = await writeContacts(a, secret, { records: 200 });
    const mb = await writeContacts(b, secret, { records: 200 });
    expect(ma.kdf.hkdf.salt).not.toBe(mb.kdf.hkdf.salt);
    const keysA = await archiveKeys(secret, ma.kdf);
    const keysB = await archiveKeys(secret, mb.kdf);
    expect(keysA?.chunk.equals(keysB?.chunk as Buffer)).toBe(false);
    expect(keysA?.mac.equals(keysB?.mac as Buffer)).toBe(false);
    expect(keysA?.chunk.equals(keysA.mac)).toBe(false);
    // Same content, same id, same chunk names: still the files differ, and one cannot stand in for the other.
    const file = chunkFiles(ma, 'contacts')[0] as string;
    expect(chunkFiles(mb, 'contacts')[0]).toBe(file);
    expect(readFileSync(path.join(a, file)).equals(readFileSync(path.join(b, file)))).toBe(false);
    const fromA = readFileSync(path.join(a, file));
    expect(openChunk(keysA?.chunk as Buffer, chunkAad(ma.id, file), fromA)).not.toBeNull();
    expect(openChunk(keysB?.chunk as Buffer, chunkAad(mb.id, file), fromA)).toBeNull();
    copyFileSync(path.join(a, file), path.join(b, file));
    const manifest = JSON.parse(readFileSync(path.join(b, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.objects[0]?.chunks[0]?.file).toBe(file);
    const report = await verifyArchive(b, secret);
    expect(report.problems[0]).toMatchObject({ object: 'contacts', chunk: file });
  });
});
