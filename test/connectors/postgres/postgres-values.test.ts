import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord, ObjectDefinition, WriteRecord } from '../../../src/connectors/contract.js';
import { parsePostgresUrl } from '../../../src/connectors/postgres/postgres-config.js';
import { openPostgres } from '../../../src/connectors/postgres/postgres-connector.js';
import type { SqlConnector } from '../../../src/connectors/sql/sql-connector.js';
import { resolveProfile } from '../../../src/connectors/sql/sql-profile.js';
import { openSqlite } from '../../../src/connectors/sqlite/sqlite-connector.js';
import { canonicalInteger, canonicalJson, FIELD_TYPES, type FieldType } from '../../../src/core/values.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

/** One column of every field type, named after it. */
const EVERY_TYPE: ObjectDefinition = {
  name: 'every_type',
  idField: 'id',
  fields: FIELD_TYPES.map((type: FieldType) =>
    type === 'id' ? { name: 'id', type: 'id', length: 36 } : { name: `f_${type}`, type, ...(type === 'decimal' ? { precision: 18, scale: 2 } : {}) },
  ),
};

const SAMPLES: WriteRecord[] = [
  {
    id: 'r1',
    values: {
      f_string: "O'Brien & \"Sons\"",
      f_text: 'héllo 🌍\nsecond line\ttab',
      f_integer: 42,
      f_decimal: '1234567890.12',
      f_float: 0.1,
      f_boolean: true,
      f_date: '2024-02-29',
      f_datetime: '2024-03-10T02:30:00.123Z',
      f_time: '23:59:59',
      f_json: '{"b":[1,2,{"d":null}],"a":"x","c":1.5}',
      f_binary: new Uint8Array([0, 1, 127, 128, 255]),
    },
  },
  {
    id: 'r2',
    values: {
      f_string: '',
      f_text: '',
      f_integer: '9007199254740993',
      f_decimal: '-0.5',
      f_float: -3.5e-10,
      f_boolean: false,
      f_date: '1900-01-01',
      f_datetime: '1970-01-01T00:00:00.000Z',
      f_time: '00:00:00',
      f_json: '"just a string"',
      f_binary: new Uint8Array([]),
    },
  },
  { id: 'r3', values: Object.fromEntries(FIELD_TYPES.filter((t) => t !== 'id').map((t) => [`f_${t}`, null])) },
  { id: 'r4', values: { f_integer: '-9223372036854775808', f_decimal: 7, f_float: 1.7976931348623157e308, f_json: '[]', f_datetime: '2099-12-31T23:59:59.999Z' } },
];

async function readAll(connector: SqlConnector): Promise<CrmRecord[]> {
  const records: CrmRecord[] = [];
  for await (const batch of connector.read('every_type', { batchSize: 3 })) records.push(...batch.records);
  return records;
}

describe('postgres values', () => {
  let db: TestDatabase;
  let postgres: SqlConnector;
  let sqlite: SqlConnector;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    postgres = await openPostgres(parsePostgresUrl(db.url), resolveProfile('generic'));
    dir = mkdtempSync(path.join(tmpdir(), 'cutover-pg-values-'));
    sqlite = openSqlite({ file: path.join(dir, 'crm.db'), readonly: false }, resolveProfile('generic'), { create: true });
    await postgres.createObjects([EVERY_TYPE]);
    await sqlite.createObjects([EVERY_TYPE]);
  });

  afterAll(async () => {
    await postgres?.close();
    await sqlite?.close();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads every field type back as the same canonical values as SQLite', async () => {
    const written = await postgres.write('every_type', 'insert', SAMPLES);
    expect(written.every((r) => r.ok)).toBe(true);
    expect((await sqlite.write('every_type', 'insert', SAMPLES)).every((r) => r.ok)).toBe(true);
    const fromPostgres = await readAll(postgres);
    const fromSqlite = await readAll(sqlite);
    expect(fromPostgres).toEqual(fromSqlite);
    expect(fromPostgres[0]?.values).toEqual({
      id: 'r1',
      f_string: "O'Brien & \"Sons\"",
      f_text: 'héllo 🌍\nsecond line\ttab',
      f_integer: 42,
      f_decimal: '1234567890.12',
      f_float: 0.1,
      f_boolean: true,
      f_date: '2024-02-29',
      f_datetime: '2024-03-10T02:30:00.123Z',
      f_time: '23:59:59',
      f_json: '{"a":"x","b":[1,2,{"d":null}],"c":1.5}',
      f_binary: new Uint8Array([0, 1, 127, 128, 255]),
    });
    expect(fromPostgres[1]?.values).toMatchObject({ f_integer: '9007199254740993', f_decimal: '-0.50', f_json: '"just a string"', f_binary: new Uint8Array([]) });
    expect(fromPostgres[3]?.values).toMatchObject({ f_integer: '-9223372036854775808', f_decimal: '7.00', f_float: 1.7976931348623157e308 });
    expect(Object.values(fromPostgres[2]?.values ?? {}).filter((v) => v !== null)).toEqual(['r3']);
  });

  it('keeps reading values exactly in a time zone far from UTC', async () => {
    // The session runs in UTC whatever the server's setting; `date` and `timestamp` are never shifted.
    await postgres.execute(`ALTER DATABASE ${new URL(db.url).pathname.slice(1)} SET timezone TO 'Pacific/Kiritimati'`);
    const fresh = await openPostgres(parsePostgresUrl(db.url), resolveProfile('generic'));
    try {
      await fresh.execute(`CREATE TABLE stamps (id integer PRIMARY KEY, d date, ts timestamp(3), tz timestamptz(6))`);
      await fresh.execute(`INSERT INTO stamps VALUES (1, '2024-01-01', '2024-01-01 00:30:00.5', '2024-01-01 00:30:00.123456+14')`);
      const rows: CrmRecord[] = [];
      for await (const batch of fresh.read('stamps')) rows.push(...batch.records);
      expect(rows[0]?.values).toEqual({ id: 1, d: '2024-01-01', ts: '2024-01-01T00:30:00.500Z', tz: '2023-12-31T10:30:00.123Z' });
    } finally {
      await fresh.close();
    }
  });

  it('round-trips random records of every type like SQLite (property)', async () => {
    let next = 0;
    const nullable = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arbitrary, { nil: null, freq: 5 });
    const stamp = fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });
    const record = fc.record({
      f_string: nullable(fc.string({ unit: 'grapheme', maxLength: 12 })),
      f_text: nullable(fc.string({ unit: 'grapheme', maxLength: 200 })),
      f_integer: nullable(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => canonicalInteger(n))),
      f_decimal: nullable(fc.bigInt({ min: -(10n ** 16n) + 1n, max: 10n ** 16n - 1n }).map((cents) => (Number(cents) / 100).toFixed(2))),
      f_float: nullable(fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n))),
      f_boolean: nullable(fc.boolean()),
      f_date: nullable(stamp.map((d) => d.toISOString().slice(0, 10))),
      f_datetime: nullable(stamp.map((d) => d.toISOString())),
      f_time: nullable(fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59)).map((parts) => parts.map((n) => String(n).padStart(2, '0')).join(':'))),
      f_json: nullable(fc.jsonValue({ maxDepth: 3 }).map((v) => canonicalJson(JSON.stringify(v)))),
      f_binary: nullable(fc.uint8Array({ maxLength: 64 })),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 15 }), async (values) => {
        const records = values.map((v) => ({ id: `p${(next += 1)}`, values: v }));
        const pgResults = await postgres.write('every_type', 'insert', records);
        const sqliteResults = await sqlite.write('every_type', 'insert', records);
        expect(pgResults.filter((r) => !r.ok)).toEqual([]);
        expect(sqliteResults.filter((r) => !r.ok)).toEqual([]);
        const ids = new Set(records.map((r) => r.id));
        const mine = (all: CrmRecord[]): CrmRecord[] => all.filter((r) => ids.has(r.id));
        expect(mine(await readAll(postgres))).toEqual(mine(await readAll(sqlite)));
      }),
      { numRuns: 40 },
    );
  });
});
