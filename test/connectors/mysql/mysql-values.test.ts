import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDefinition, WriteRecord } from '../../../src/connectors/contract.js';
import { parseMysqlUrl } from '../../../src/connectors/mysql/mysql-config.js';
import { openMysql } from '../../../src/connectors/mysql/mysql-connector.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { openSqlite } from '../../../src/connectors/sqlite/sqlite-connector.js';
import { FIELD_TYPES, type Value } from '../../../src/core/values.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

/** One field of every type. */
const KINDS: ObjectDefinition = {
  name: 'kinds',
  idField: 'id',
  fields: [
    { name: 'id', type: 'id', length: 36 },
    { name: 'string_v', type: 'string', length: 60 },
    { name: 'text_v', type: 'text' },
    { name: 'integer_v', type: 'integer' },
    { name: 'decimal_v', type: 'decimal', precision: 20, scale: 4 },
    { name: 'float_v', type: 'float' },
    { name: 'boolean_v', type: 'boolean' },
    { name: 'date_v', type: 'date' },
    { name: 'datetime_v', type: 'datetime' },
    { name: 'time_v', type: 'time' },
    { name: 'json_v', type: 'json' },
    { name: 'binary_v', type: 'binary' },
  ],
};

const RECORDS: WriteRecord[] = [
  {
    id: 'r1',
    values: {
      string_v: 'héllo wörld 🚀 — ünïcode',
      text_v: `long ${'abcdefghij'.repeat(7000)}`,
      integer_v: 42,
      decimal_v: '12345.6789',
      float_v: 3.14159,
      boolean_v: true,
      date_v: '2024-02-29',
      datetime_v: '2024-03-01T12:34:56.789Z',
      time_v: '23:59:59',
      json_v: '{"b":[1,2,{"d":null}],"a":"x","c":{"z":1,"y":true}}',
      binary_v: new Uint8Array([0, 1, 2, 127, 128, 255, 0]),
    },
  },
  {
    id: 'R1',
    values: {
      string_v: `O'Brien \\ "quoted" %_ \\'`,
      text_v: 'line one\nline two\ttab\r\n',
      integer_v: '9007199254740993',
      decimal_v: '-0.0001',
      float_v: -1.5e-10,
      boolean_v: false,
      date_v: '1970-01-01',
      datetime_v: '1999-12-31T23:59:59.000Z',
      time_v: '00:00:00',
      json_v: '[]',
      binary_v: new Uint8Array(0),
    },
  },
  {
    id: 'r3',
    values: {
      string_v: '',
      text_v: '',
      integer_v: '-9007199254740993',
      decimal_v: '0',
      float_v: 0,
      boolean_v: true,
      date_v: '2999-12-31',
      // A non-UTC offset is stored as the same moment in UTC.
      datetime_v: '2024-06-30T23:30:00.5+02:00',
      time_v: '12:00:00.25',
      json_v: '{"n":1.5,"s":"\\u00e9","big":12345678901234}',
      binary_v: new Uint8Array(Buffer.from('ÿ binary ÿ', 'latin1')),
    },
  },
  { id: 'r4', values: {} },
];

/** What every connector must read back: canonical values. */
const EXPECTED: Record<string, Record<string, Value>> = {
  r1: {
    integer_v: 42,
    decimal_v: '12345.6789',
    datetime_v: '2024-03-01T12:34:56.789Z',
    json_v: '{"a":"x","b":[1,2,{"d":null}],"c":{"y":true,"z":1}}',
  },
  R1: { integer_v: '9007199254740993', decimal_v: '-0.0001', datetime_v: '1999-12-31T23:59:59.000Z', json_v: '[]' },
  r3: { integer_v: '-9007199254740993', decimal_v: '0.0000', datetime_v: '2024-06-30T21:30:00.500Z', time_v: '12:00:00.25', json_v: '{"big":12345678901234,"n":1.5,"s":"é"}' },
  r4: Object.fromEntries(KINDS.fields.filter((field) => field.name !== 'id').map((field) => [field.name, null])),
};

/** Values made comparable: binary as hex. */
function plain(records: CrmRecord[]): Array<Record<string, unknown>> {
  return records.map((record) => ({
    id: record.id,
    ...Object.fromEntries(Object.entries(record.values).map(([key, value]) => [key, value instanceof Uint8Array ? `hex:${Buffer.from(value).toString('hex')}` : value])),
  }));
}

async function roundTrip(connector: SqlConnector): Promise<Array<Record<string, unknown>>> {
  await connector.createObjects([KINDS]);
  const results = await connector.write('kinds', 'insert', RECORDS);
  expect(results.filter((result) => !result.ok)).toEqual([]);
  const records: CrmRecord[] = [];
  for await (const batch of connector.read('kinds', { batchSize: 2 })) records.push(...batch.records);
  return plain(records);
}

describe('mysql values', () => {
  let db: TestDatabase;
  let mysql: SqlConnector;
  let sqlite: SqlConnector;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    mysql = await openMysql(parseMysqlUrl(db.url), resolveProfile('generic'));
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-mysql-values-'));
    sqlite = openSqlite({ file: path.join(dir, 'kinds.db'), readonly: false }, resolveProfile('generic'), { create: true });
  });

  afterAll(async () => {
    await mysql?.close();
    await sqlite?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('covers every field type', () => {
    expect(new Set(KINDS.fields.map((field) => field.type))).toEqual(new Set(FIELD_TYPES));
  });

  it('reads back every field type exactly as SQLite does, in canonical form', async () => {
    const fromMysql = await roundTrip(mysql);
    const fromSqlite = await roundTrip(sqlite);
    expect(fromMysql).toEqual(fromSqlite);
    // Ids are case-sensitive and ordered by code point, as in SQLite.
    expect(fromMysql.map((record) => record.id)).toEqual(['R1', 'r1', 'r3', 'r4']);
    for (const record of fromMysql) expect(record, String(record.id)).toMatchObject(EXPECTED[String(record.id)] ?? {});
    const r1 = fromMysql.find((record) => record.id === 'r1');
    expect(r1).toMatchObject({ string_v: 'héllo wörld 🚀 — ünïcode', boolean_v: true, float_v: 3.14159, date_v: '2024-02-29', binary_v: 'hex:0001027f80ff00' });
    expect(String(r1?.text_v)).toHaveLength(70_005);
    expect(fromMysql.find((record) => record.id === 'R1')).toMatchObject({ string_v: `O'Brien \\ "quoted" %_ \\'`, binary_v: 'hex:', boolean_v: false });
  });

  it('describes the created columns with the same logical types as SQLite', async () => {
    const fields = (connector: SqlConnector) =>
      connector.describe().then((description) =>
        description.objects
          .find((object) => object.name === 'kinds')
          ?.fields.map((field) => ({ name: field.name, type: field.type, length: field.length, precision: field.precision, scale: field.scale })),
      );
    expect(await fields(mysql)).toEqual(await fields(sqlite));
  });

  it('matches, filters and updates by each kind of value', async () => {
    const update = await mysql.write('kinds', 'update', [
      { id: 'r4', values: { datetime_v: '2030-01-01T00:00:00.001Z', integer_v: '9007199254740993', json_v: { z: 1, a: [true] } as unknown as Value } },
    ]);
    expect(update[0]).toMatchObject({ ok: true });
    const records: CrmRecord[] = [];
    for await (const batch of mysql.read('kinds', { after: 'r3' })) records.push(...batch.records);
    expect(records.map((record) => record.id)).toEqual(['r4']);
    expect(records[0]?.values).toMatchObject({ datetime_v: '2030-01-01T00:00:00.001Z', integer_v: '9007199254740993', json_v: '{"a":[true],"z":1}' });
  });

  it('keeps integer ids beyond 2^53 exact when inserting, updating, upserting and reading after them', async () => {
    const big = ['9007199254740993', '9007199254740995'];
    for (const connector of [mysql, sqlite]) {
      await connector.createObjects([{ name: 'bigs', idField: 'id', fields: [{ name: 'id', type: 'integer' }, { name: 'n', type: 'integer', unique: true }, { name: 'v', type: 'string' }] }]);
      const inserted = await connector.write('bigs', 'insert', big.map((id) => ({ id, values: { n: id, v: 'a' } })));
      expect(inserted).toEqual(big.map((id) => ({ ok: true, id, created: true })));
      expect(await connector.write('bigs', 'update', [{ id: big[0] as string, values: { v: 'b' } }])).toEqual([{ ok: true, id: big[0], created: false }]);
      const upserted = await connector.write('bigs', 'upsert', [{ values: { n: big[1] as string, v: 'c' } }], { matchField: 'n' });
      expect(upserted).toEqual([{ ok: true, id: big[1], created: false }]);
      const records: CrmRecord[] = [];
      for await (const batch of connector.read('bigs', { batchSize: 1 })) records.push(...batch.records);
      expect(records.map((record) => [record.id, record.values.n, record.values.v]), connector.kind).toEqual([
        [big[0], big[0], 'b'],
        [big[1], big[1], 'c'],
      ]);
    }
  });
});
