import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePostgresUrl } from '../../../src/connectors/postgres/postgres-config.js';
import { PostgresDriver, postgresTypeParsers } from '../../../src/connectors/postgres/postgres-driver.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

describe('postgres driver', () => {
  let db: TestDatabase;
  let driver: PostgresDriver;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    const config = parsePostgresUrl(db.url);
    const pool = new pg.Pool({ host: config.host, port: config.port, user: config.user, database: config.database, max: 3 });
    // As openPostgres does: a connection dropped while closing (DROP DATABASE … FORCE) must not crash the run.
    pool.on('error', () => undefined);
    driver = new PostgresDriver(pool, pg.types);
    await driver.run('CREATE TABLE t (id integer PRIMARY KEY, v text)');
  });

  afterAll(async () => {
    await driver?.close();
    await driver?.close(); // closing twice is harmless
    await db?.drop();
  });

  it('commits on return and rolls back on throw', async () => {
    await driver.transaction(async (tx) => {
      await tx.run(`INSERT INTO t VALUES (1, 'kept')`);
    });
    const failed = await driver
      .transaction(async (tx) => {
        await tx.run(`INSERT INTO t VALUES (2, 'lost')`);
        throw new Error('stop');
      })
      .catch((error: Error) => error.message);
    expect(failed).toBe('stop');
    expect(await driver.query('SELECT id, v FROM t ORDER BY id')).toEqual([{ id: 1, v: 'kept' }]);
  });

  it('reuses the transaction connection for nested calls and driver calls inside it', async () => {
    await driver
      .transaction(async (tx) => {
        await tx.run(`INSERT INTO t VALUES (3, 'inner')`);
        await driver.transaction(async (nested) => {
          expect(await nested.query('SELECT v FROM t WHERE id = 3')).toEqual([{ v: 'inner' }]);
        });
        // Not yet committed, yet visible: the call runs on the transaction's connection.
        expect(await driver.query('SELECT v FROM t WHERE id = 3')).toEqual([{ v: 'inner' }]);
        throw new Error('undo');
      })
      .catch(() => undefined);
    expect(await driver.query('SELECT v FROM t WHERE id = 3')).toEqual([]);
  });

  it('keeps concurrent transactions apart', async () => {
    await Promise.all(
      [10, 11, 12, 13, 14].map((id) =>
        driver.transaction(async (tx) => {
          await tx.run(`INSERT INTO t VALUES ($1, 'c')`, [id]);
          const rows = await tx.query(`SELECT count(*) AS n FROM t WHERE v = 'c' AND id = $1`, [id]);
          expect(rows).toEqual([{ n: '1' }]);
        }),
      ),
    );
    expect(await driver.run(`UPDATE t SET v = 'd' WHERE v = 'c'`)).toEqual({ changes: 5 });
  });

  it('returns numeric, int8, dates and timestamps as exact text', async () => {
    const [row] = await driver.query(
      `SELECT 12345678901234567890::numeric(30,5) AS n, 9223372036854775807::int8 AS big, DATE '2024-02-29' AS d,
              TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05.123456+05:30' AS tz,
              '{"b":1,"a":2}'::jsonb AS j, 42::int4 AS i, true AS b, '\\x00ff'::bytea AS bin`,
    );
    expect(row).toMatchObject({ n: '12345678901234567890.00000', big: '9223372036854775807', d: '2024-02-29', ts: '2024-01-02 03:04:05.123456', j: '{"a": 2, "b": 1}', i: 42, b: true });
    expect(new Date(row?.tz as string).toISOString()).toBe('2024-01-01T21:34:05.123Z');
    expect(row?.bin).toEqual(Buffer.from([0, 255]));
    expect(postgresTypeParsers(pg.types).getTypeParser(1184)('2024-01-02 03:04:05+00')).toBe('2024-01-02T03:04:05+00:00');
  });
});
