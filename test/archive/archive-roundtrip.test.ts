import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { canonicalRecordText, recordHash, SetDigest } from '../../src/core/record-hash.js';
import type { Value } from '../../src/core/values.js';
import { ArchiveReader, ArchiveWriter, DigestSum, archiveState } from '../../src/archive/index.js';
import { canonicalPage } from '../../src/archive/canonical-lines.js';
import { CONTACT_FIELDS, contacts, meta, rawKey, readAll, tempDir, writeContacts } from './archive-support.js';

const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'a"b\\c\n\t\u0000', '😀 émoji ﷺ', '\u2028\u2029', 'x'.repeat(3000)));

/** A canonical value of each field type. */
const value: fc.Arbitrary<Value> = fc.oneof(
  text,
  fc.integer(),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => n.toString()),
  fc.tuple(fc.integer(), fc.integer({ min: 0, max: 99999 })).map(([w, f]) => `${w}.${f}`),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.boolean(),
  fc.constant(null),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.json(),
  fc.uint8Array({ maxLength: 64 }),
);

const fieldName = fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('Id', 'name', 'ä', 'a"b', '😀', '__proto__', 'constructor'));

const page = fc.uniqueArray(fieldName, { minLength: 0, maxLength: 8 }).chain((fields) =>
  fc.record({
    fields: fc.constant(fields),
    records: fc.array(
      fc.record({
        id: text,
        deleted: fc.boolean(),
        // Usually every field; sometimes some missing or an extra one (sparse records).
        values: fc.oneof(
          { weight: 4, arbitrary: fc.tuple(...fields.map(() => value)).map((values) => Object.fromEntries(fields.map((f, i) => [f, values[i] as Value]))) },
          { weight: 1, arbitrary: fc.dictionary(fieldName, value, { maxKeys: 6 }) },
        ),
      }),
      { minLength: 0, maxLength: 40 },
    ),
  }),
);

/** -0 is stored as 0 (JSON has no negative zero). */
function normalized(record: CrmRecord): CrmRecord {
  const values = Object.fromEntries(Object.entries(record.values).map(([k, v]) => [k, Object.is(v, -0) ? 0 : v]));
  return { id: record.id, deleted: record.deleted, values };
}

describe('archive round trip', () => {
  it('gives back every record exactly, with equal record hashes and digests', async () => {
    const secret = rawKey();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(page, { minLength: 1, maxLength: 4 }), fc.anything(), async (pages, blob) => {
        const dir = path.join(tempDir('roundtrip'), String((run += 1)));
        const writer = await ArchiveWriter.create(dir, secret, meta(`rt-${run}`));
        const fields = pages[0]?.fields ?? [];
        writer.beginObject('things', 'id', fields);
        const written: CrmRecord[] = [];
        for (const p of pages) {
          await writer.append('things', p.records);
          written.push(...p.records);
        }
        await writer.endObject('things');
        await writer.writeBlob('any', blob);
        const manifest = await writer.finish();

        const reader = await ArchiveReader.open(dir, secret);
        const read = await readAll(reader, 'things');
        expect(read).toEqual(written.map(normalized));
        const digest = new SetDigest();
        read.forEach((record, i) => {
          expect(recordHash(record).equals(recordHash(written[i] as CrmRecord))).toBe(true);
          digest.add(recordHash(record));
        });
        expect(manifest.objects[0]?.digest).toBe(digest.hex());
        expect(manifest.objects[0]?.records).toBe(written.length);
        expect(manifest.objects[0]?.deleted).toBe(written.filter((r) => r.deleted).length);
        const lastChunk = manifest.objects[0]?.chunks.at(-1);
        if (lastChunk) expect(lastChunk.lastId).toBe(written.at(-1)?.id);
        expect(await reader.blob('any')).toEqual(JSON.parse(JSON.stringify(blob) ?? 'null'));
      }),
      { numRuns: 40 },
    );
  });

  it('writes each record as exactly its canonical text', () => {
    fc.assert(
      fc.property(page, (p) => {
        expect(canonicalPage(p.records).lines).toEqual(p.records.map(canonicalRecordText));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps binary blobs, lone surrogates and the system field order', async () => {
    const dir = tempDir();
    const secret = rawKey();
    const writer = await ArchiveWriter.create(dir, secret, meta());
    const odd: CrmRecord = { id: 'x\ud800y', deleted: false, values: { z: 'lone \udc00 surrogate', a: new Uint8Array([0, 1, 2]) } };
    writer.beginObject('odd', 'id', ['z', 'a']);
    await writer.append('odd', [odd]);
    await writer.endObject('odd');
    await writer.writeBlob('config', { bytes: new Uint8Array([9, 8, 7]), nested: [{ more: new Uint8Array(0) }], when: new Date(0) });
    await writer.finish();
    const reader = await ArchiveReader.open(dir, secret);
    const [back] = await readAll(reader, 'odd');
    expect(back).toEqual(odd);
    expect(Object.keys(back?.values ?? {})).toEqual(['z', 'a']);
    expect(back?.values.a).toBeInstanceOf(Uint8Array);
    expect(await reader.blob('config')).toEqual({ bytes: new Uint8Array([9, 8, 7]), nested: [{ more: new Uint8Array(0) }], when: '1970-01-01T00:00:00.000Z' });
  });

  it('stores text of three UTF-8 bytes per character (CJK) exactly', async () => {
    const dir = tempDir();
    const secret = rawKey();
    const records: CrmRecord[] = Array.from({ length: 300 }, (_, i) => ({ id: `記録${i}`, deleted: i % 2 === 0, values: { 名前: '中文字'.repeat(300 + i), n: i } }));
    const writer = await ArchiveWriter.create(dir, secret, meta());
    writer.beginObject('客户', 'id', ['名前', 'n']);
    await writer.append('客户', records);
    await writer.endObject('客户');
    const manifest = await writer.finish();
    const digest = new SetDigest();
    for (const record of records) digest.add(recordHash(record));
    expect(manifest.objects[0]?.digest).toBe(digest.hex());
    expect(await readAll(await ArchiveReader.open(dir, secret), '客户')).toEqual(records);
  });

  it('reads back in pages, one per chunk, with the manifest describing them', async () => {
    const dir = tempDir();
    const secret = rawKey();
    const manifest = await writeContacts(dir, secret, { records: 1000, page: 300 });
    expect(await archiveState(dir)).toBe('complete');
    const entry = manifest.objects[0];
    expect(entry?.chunks.map((c) => c.records)).toEqual([300, 300, 300, 100]);
    expect(entry?.chunks.map((c) => c.lastId)).toEqual(['300', '600', '900', '1000']);
    expect(entry).toMatchObject({ name: 'contacts', idField: 'id', fields: CONTACT_FIELDS, records: 1000, deleted: 100 });
    expect(manifest).toMatchObject({ format: 'cutover-backup/1', id: 'b-20250601-000000', kind: 'full', records: 1001, extra: { profile: 'test' } });
    expect(manifest.blobs.map((b) => b.name)).toEqual(['schema', 'users']);
    const reader = await ArchiveReader.open(dir, secret);
    const sizes: number[] = [];
    for await (const batch of reader.records('contacts')) sizes.push(batch.length);
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(await readAll(reader, 'contacts')).toEqual(contacts(1000));
    expect(reader.object('nope')).toBeUndefined();
    expect(reader.hasBlob('schema')).toBe(true);
    expect(reader.hasBlob('deleted/contacts')).toBe(false);
  });

  it('replaces a blob written twice and keeps no trace of the first', async () => {
    const dir = tempDir();
    const secret = rawKey();
    const writer = await ArchiveWriter.create(dir, secret, meta());
    await writer.writeBlob('users', ['first']);
    await writer.writeBlob('users', ['second']);
    const manifest = await writer.finish();
    expect(manifest.blobs).toHaveLength(1);
    expect(await (await ArchiveReader.open(dir, secret)).blob('users')).toEqual(['second']);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((f) => f.endsWith('.chunk'))).toEqual([manifest.blobs[0]?.file]);
  });

  it('merges chunk digests into the set digest of all records', () => {
    const records = contacts(100);
    const whole = new SetDigest();
    for (const record of records) whole.add(recordHash(record));
    const sum = DigestSum.empty();
    for (let i = 0; i < 100; i += 30) {
      const part = new SetDigest();
      for (const record of records.slice(i, i + 30)) part.add(recordHash(record));
      sum.merge(part.hex());
    }
    expect(sum.hex()).toBe(whole.hex());
    expect(DigestSum.fromHex(whole.hex()).hex()).toBe(whole.hex());
  });
});
