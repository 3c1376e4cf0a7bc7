/**
 * Throughput of the archive per stage and end to end, on synthetic ~1 KB CRM
 * records. A benchmark, not part of `npm test`; run with
 * `CUTOVER_ARCHIVE_BENCH=1000000 npx vitest run --config bench/vitest.config.ts` (default 200,000 records).
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import type { CrmRecord } from '../../src/connectors/contract.js';
import { ArchiveReader, ArchiveWriter, verifyArchive } from '../../src/archive/index.js';
import { chunkAad, sealChunk, sha256 } from '../../src/archive/archive-crypto.js';
import { canonicalPage } from '../../src/archive/canonical-lines.js';
import { compressBody, decompressBody, encodeRecordChunk, scanRecordChunk, decodeRecordChunk } from '../../src/archive/chunk-codec.js';
import { canonicalRecordText } from '../../src/core/record-hash.js';
import { meta, rawKey, tempDir } from '../../test/archive/archive-support.js';

const RECORDS = Number(process.env.CUTOVER_ARCHIVE_BENCH ?? 200_000);
const PAGE = 2000;
const WORDS = 'customer renewal pipeline quarter forecast meeting called left voicemail discount contract signed follow up demo pricing proposal budget decision stakeholder onboarding support ticket escalation churn upsell'.split(' ');

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(Math.random() * items.length)] as T;
}

/** A CRM-like record of about 1 KB of canonical text: names, contact data, amounts, dates, a description. */
function syntheticRecord(n: number): CrmRecord {
  const first = pick(['Anna', 'Bob', 'Chen', 'Dmitri', 'Eva', 'Farah', 'Goran', 'Hiro', 'Inès', 'José']);
  const last = pick(['Smith', 'Müller', 'Rossi', 'Nakamura', 'García', 'Dubois', 'Kowalski', 'Silva']);
  const words = (count: number) => Array.from({ length: count }, () => pick(WORDS)).join(' ');
  return {
    id: String(n),
    deleted: Math.random() < 0.02,
    values: {
      id: n,
      first_name: first,
      last_name: last,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${n}@example.com`,
      phone: `+1-555-${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      company: `${pick(['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli'])} ${pick(['Inc', 'GmbH', 'Ltd', 'SA'])}`,
      street: `${Math.floor(Math.random() * 999)} ${pick(['Main', 'Oak', 'Pine', 'Maple'])} Street`,
      city: pick(['Berlin', 'Paris', 'Tokyo', 'Austin', 'Lima', 'Oslo']),
      country: pick(['DE', 'FR', 'JP', 'US', 'PE', 'NO']),
      status: pick(['New', 'Working', 'Qualified', 'Unqualified']),
      amount: (Math.random() * 100000).toFixed(2),
      score: Math.floor(Math.random() * 100),
      ratio: Math.random(),
      active: Math.random() < 0.8,
      created_at: new Date(1.6e12 + Math.floor(Math.random() * 1e11)).toISOString(),
      modified_at: new Date(1.7e12 + Math.floor(Math.random() * 1e10)).toISOString(),
      birthday: '1980-02-03',
      owner_id: String(Math.floor(Math.random() * 200)),
      parent_id: Math.random() < 0.5 ? null : String(Math.floor(Math.random() * 1e6)),
      tags: JSON.stringify({ a: pick(WORDS), b: Math.floor(Math.random() * 10) }),
      description: words(60 + Math.floor(Math.random() * 30)),
      notes: Math.random() < 0.3 ? words(20) : null,
    },
  };
}

const FIELDS = Object.keys(syntheticRecord(1).values);
const POOL = Array.from({ length: RECORDS > 0 ? 50_000 : 0 }, (_, i) => syntheticRecord(i + 1));

/** Page `p` of the synthetic set: pooled values, fresh ids. */
function syntheticPage(p: number): CrmRecord[] {
  return Array.from({ length: Math.min(PAGE, RECORDS - p * PAGE) }, (_, i) => {
    const n = p * PAGE + i;
    const base = POOL[n % POOL.length] as CrmRecord;
    return { id: String(n + 1), deleted: base.deleted, values: base.values };
  });
}

function line(stage: string, ms: number, bytes: number, records: number): string {
  const mbs = bytes / 1e6 / (ms / 1000);
  return `${stage.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms ${mbs.toFixed(0).padStart(6)} MB/s ${(records / (ms / 1000)).toFixed(0).padStart(10)} rec/s`;
}

/** Other codecs on the same chunk bodies, sync, for the choice of brotli quality 1. */
function compressionAlternatives(bodies: Buffer[]): string[] {
  const plain = bodies.reduce((sum, b) => sum + b.length, 0);
  const records = bodies.length * PAGE;
  const brotli = (quality: number) => (b: Buffer) =>
    zlib.brotliCompressSync(b, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } });
  const codecs: Array<[string, (b: Buffer) => Buffer, (b: Buffer) => Buffer]> = [
    ['brotli q0', brotli(0), zlib.brotliDecompressSync],
    ['brotli q1 (chosen)', brotli(1), zlib.brotliDecompressSync],
    ['brotli q2', brotli(2), zlib.brotliDecompressSync],
    ['brotli q3', brotli(3), zlib.brotliDecompressSync],
    ['gzip level 1', (b) => zlib.gzipSync(b, { level: 1 }), zlib.gunzipSync],
    ['gzip level 6', (b) => zlib.gzipSync(b, { level: 6 }), zlib.gunzipSync],
  ];
  const out = [`codecs, sync, on ${records} records:`];
  for (const [name, compress, decompress] of codecs) {
    let s = performance.now();
    const packed = bodies.map(compress);
    const ms = performance.now() - s;
    s = performance.now();
    for (const b of packed) decompress(b);
    const back = performance.now() - s;
    const ratio = plain / packed.reduce((sum, b) => sum + b.length, 0);
    out.push(`${line(`  ${name}`, ms, plain, records)}  ratio ${ratio.toFixed(2)}, decompress ${(plain / 1e6 / (back / 1000)).toFixed(0)} MB/s`);
  }
  return out;
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

describe('archive throughput', () => {
  it(`backs up, verifies and reads ${RECORDS} records of ~1 KB`, async () => {
    const pages = Math.ceil(RECORDS / PAGE);
    const out: string[] = [];
    // Stages one by one, on the caller's thread.
    const sample = Math.min(pages, 100);
    const t = { core: 0, canonical: 0, encode: 0, brotli: 0, seal: 0, scan: 0, decode: 0, inflate: 0 };
    let plain = 0;
    let brotliBytes = 0;
    const key = randomBytes(32);
    const bodies: Buffer[] = [];
    for (let p = 0; p < sample; p += 1) {
      const records = syntheticPage(p);
      let s = performance.now();
      for (const record of records) canonicalRecordText(record);
      t.core += performance.now() - s;
      s = performance.now();
      canonicalPage(records);
      t.canonical += performance.now() - s;
      s = performance.now();
      const { body } = encodeRecordChunk('contacts', FIELDS, records);
      t.encode += performance.now() - s;
      plain += body.length;
      s = performance.now();
      const compressed = await compressBody(body);
      t.brotli += performance.now() - s;
      brotliBytes += compressed.length;
      if (p < 20) bodies.push(body);
      s = performance.now();
      sha256(sealChunk(key, chunkAad('bench', 'x'), compressed));
      t.seal += performance.now() - s;
      s = performance.now();
      await decompressBody(compressed);
      t.inflate += performance.now() - s;
      s = performance.now();
      scanRecordChunk(body);
      t.scan += performance.now() - s;
      s = performance.now();
      decodeRecordChunk(body);
      t.decode += performance.now() - s;
    }
    const n = sample * PAGE;
    out.push(`stages on ${n} records, ${(plain / n).toFixed(0)} bytes of canonical text each:`);
    out.push(line('canonicalRecordText (core, ref.)', t.core, plain, n));
    out.push(line('canonical texts (archive)', t.canonical, plain, n));
    out.push(line('serialize: texts+UTF-8+hashes', t.encode, plain, n));
    out.push(`${line('compress: brotli q1 text', t.brotli, plain, n)}  ratio ${(plain / brotliBytes).toFixed(2)}`);
    out.push(line('encrypt: AES-256-GCM + SHA-256', t.seal, plain, n));
    out.push(line('decompress: brotli', t.inflate, plain, n));
    out.push(...compressionAlternatives(bodies));
    out.push(line('verify scan: hash lines', t.scan, plain, n));
    out.push(line('read: parse records', t.decode, plain, n));

    const secret = rawKey();
    const dir = tempDir('bench');
    let s = performance.now();
    let cpu = cpuSeconds();
    const writer = await ArchiveWriter.create(dir, secret, meta('bench'));
    writer.beginObject('contacts', 'id', FIELDS);
    for (let p = 0; p < pages; p += 1) await writer.append('contacts', syntheticPage(p));
    await writer.endObject('contacts');
    const manifest = await writer.finish();
    const backup = performance.now() - s;
    out.push(`end to end on ${RECORDS} records (${(manifest.bytes / 1e6).toFixed(0)} MB on disk):`);
    out.push(`${line('backup (writer, incl. fsyncs)', backup, (plain / n) * RECORDS, RECORDS)}  cpu ${(cpuSeconds() - cpu).toFixed(1)} s`);
    s = performance.now();
    cpu = cpuSeconds();
    const report = await verifyArchive(dir, secret);
    out.push(`${line('quick verify', performance.now() - s, (plain / n) * RECORDS, RECORDS)}  cpu ${(cpuSeconds() - cpu).toFixed(1)} s`);
    expect(report.problems).toEqual([]);
    s = performance.now();
    cpu = cpuSeconds();
    const reader = await ArchiveReader.open(dir, secret);
    let read = 0;
    for await (const batch of reader.records('contacts')) read += batch.length;
    out.push(`${line('read all records', performance.now() - s, (plain / n) * RECORDS, RECORDS)}  cpu ${(cpuSeconds() - cpu).toFixed(1)} s`);
    out.push(`load average during the run: ${loadavg().map((l) => l.toFixed(2)).join(' ')} (${cpus().length} cores)`);
    expect(read).toBe(RECORDS);
    console.log(out.join('\n'));
  }, 600_000);
});
