/** Record chunk bodies that are not what the writer makes are refused with a chunk format error, never half read. */
import { describe, expect, it } from 'vitest';
import { ChunkFormatError, decodeRecordChunk, encodeRecordChunk, scanRecordChunk, summarizeRecordChunk } from '../../src/archive/chunk-codec.js';
import { CONTACT_FIELDS, contacts } from './archive-support.js';

const header = (records: number) => `{"format":"cutover-chunk/1","type":"records","object":"o","fields":["a"],"records":${records}}`;

describe('record chunk bodies', () => {
  it('decode what they encode, line by line', () => {
    const records = contacts(25);
    const { body, digest } = encodeRecordChunk('contacts', CONTACT_FIELDS, records);
    const decoded = decodeRecordChunk(body);
    expect(decoded.records.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(Object.keys(decoded.records[0]?.values ?? {})).toEqual(CONTACT_FIELDS);
    expect(scanRecordChunk(body)).toMatchObject({ records: 25, deleted: 2, lastId: '25', digest });
    expect(decodeRecordChunk(Buffer.from(`${header(0)}\n`)).records).toEqual([]);
  });

  it('refuse a line that is not a record, and a count that differs from the header', () => {
    expect(() => decodeRecordChunk(Buffer.from(`${header(2)}\n["1",false,[["a",1]]]\n{"a":`))).toThrow(ChunkFormatError);
    expect(() => decodeRecordChunk(Buffer.from(`${header(1)}\n"just a string"`))).toThrow(/not \[id, deleted, fields\]/);
    expect(() => decodeRecordChunk(Buffer.from(`${header(3)}\n["1",false,[["a",1]]]`))).toThrow(/header says 3 records but it holds 1/);
    const body = Buffer.from(`${header(2)}\n["1",false,[["a",1]]]\n["2",true,[["a",2]]]`);
    expect(() => summarizeRecordChunk(body, { digest: scanRecordChunk(body).digest, count: 3 })).toThrow(/hashed as 3/);
  });
});
