/**
 * The chunk workers: the digest they sum without BigInt equals the core
 * SetDigest, sealed chunks open with the main-thread crypto and back, each
 * failure is told apart, and memory shared with Node's Buffer pool is never
 * handed to a worker.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SetDigest } from '../../src/core/record-hash.js';
import { chunkAad, openChunk, sealChunk, sha256, sha256Hex } from '../../src/archive/archive-crypto.js';
import { compressBody, decompressBodyHere, scanRecordChunk } from '../../src/archive/chunk-codec.js';
import { ChunkWriteError, openInWorker, sealCopyInWorker, sealInWorker } from '../../src/archive/chunk-pool.js';
import { rejection, tempDir } from './archive-support.js';

function ownedCopy(bytes: Uint8Array): ArrayBuffer {
  return new Uint8Array(bytes).buffer as ArrayBuffer;
}

function coreDigest(lines: string[]): string {
  const digest = new SetDigest();
  for (const line of lines) digest.add(sha256(Buffer.from(line, 'utf8')));
  return digest.hex();
}

const line = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('["1",true,[]]', 'ä 😀 \u2028'));

describe('chunk workers', () => {
  it('sum the lines of a sealed body exactly as SetDigest does, and the file they write opens on this thread', async () => {
    const key = randomBytes(32);
    const file = path.join(tempDir('pool'), 'chunk');
    await fc.assert(
      // Record lines are never empty (an empty remainder after the header holds no lines).
      fc.asyncProperty(fc.array(line.filter((text) => text.length > 0 && !text.includes('\n')), { maxLength: 60 }), async (lines) => {
        const header = '{"format":"test"}\n';
        const body = Buffer.from(header + lines.join('\n'), 'utf8');
        const aad = chunkAad('id', 'file');
        const sealed = await sealInWorker({ memory: ownedCopy(body), length: body.length, linesFrom: Buffer.byteLength(header) }, key, aad, file);
        expect(sealed.lines).toEqual({ digest: coreDigest(lines), count: lines.length });
        const data = readFileSync(file);
        expect(sealed.sha256).toBe(sha256Hex(data));
        expect(sealed.bytes).toBe(data.length);
        const opened = openChunk(key, aad, data);
        expect(opened && decompressBodyHere(opened).equals(body)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('open a chunk sealed on this thread, with the same digest as a scan here', async () => {
    const key = randomBytes(32);
    const aad = chunkAad('id', 'file');
    const body = Buffer.from(`{"format":"cutover-chunk/1","type":"records","object":"o","fields":["a"],"records":3}\n${['["1",false,[["a",1]]]', '["2",true,[["a","é"]]]', '["3",false,[["a",null]]]'].join('\n')}`);
    const data = sealChunk(key, aad, await compressBody(body));
    const opened = await openInWorker(Buffer.from(data), sha256Hex(data), key, aad, true);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.body.equals(body)).toBe(true);
    expect(opened.lines).toEqual({ digest: scanRecordChunk(body).digest, count: 3 });
  });

  it('tell a changed file, a wrong key and a body that does not decompress apart', async () => {
    const key = randomBytes(32);
    const aad = chunkAad('id', 'file');
    const good = sealChunk(key, aad, await compressBody(Buffer.from('{"format":"x"}\nline')));
    expect(await openInWorker(Buffer.from(good), '0'.repeat(64), key, aad, false)).toEqual({ ok: false, problem: 'sha256' });
    expect(await openInWorker(Buffer.from(good), sha256Hex(good), randomBytes(32), aad, false)).toEqual({ ok: false, problem: 'tag' });
    expect(await openInWorker(Buffer.from(good), sha256Hex(good), key, chunkAad('id', 'other'), false)).toEqual({ ok: false, problem: 'tag' });
    const garbage = sealChunk(key, aad, Buffer.from('not brotli at all'));
    expect(await openInWorker(Buffer.from(garbage), sha256Hex(garbage), key, aad, false)).toMatchObject({ ok: false, problem: 'decompress' });
  });

  it('copy rather than detach a Buffer that shares its memory (Node pools small Buffers)', async () => {
    const key = randomBytes(32);
    const aad = chunkAad('id', 'blob');
    const neighbour = Buffer.from('pooled neighbour');
    const small = Buffer.from('{"format":"x"}\nsmall');
    expect(small.buffer.byteLength).toBeGreaterThan(small.length);
    const file = path.join(tempDir('pool'), 'blob');
    const sealed = await sealCopyInWorker(small, key, aad, file);
    expect(small.toString()).toBe('{"format":"x"}\nsmall');
    expect(sealed.lines).toBeNull();
    const data = readFileSync(file);
    const shared = Buffer.concat([Buffer.from('x'), data]).subarray(1);
    const opened = await openInWorker(shared, sha256Hex(data), key, aad, false);
    expect(opened.ok && opened.body.toString()).toBe('{"format":"x"}\nsmall');
    expect(shared.length).toBe(data.length);
    expect(neighbour.toString()).toBe('pooled neighbour');
  });

  it('say why a chunk file could not be written', async () => {
    const error = await rejection(sealCopyInWorker(Buffer.from('{}'), randomBytes(32), chunkAad('id', 'x'), path.join(tempDir('pool'), 'no-such-folder', 'x')));
    expect(error).toBeInstanceOf(ChunkWriteError);
    expect(error.code).toBe('ENOENT');
  });
});
