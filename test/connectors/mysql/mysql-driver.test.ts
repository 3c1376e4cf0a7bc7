import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMysqlUrl } from '../../../src/connectors/mysql/mysql-config.js';
import { mysqlPoolOptions } from '../../../src/connectors/mysql/mysql-connector.js';
import { MysqlDriver, sessionSqlMode, type MysqlPoolLike } from '../../../src/connectors/mysql/mysql-driver.js';
import { parseServerVersion } from '../../../src/connectors/mysql/mysql-dialect.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

const connectionId = async (executor: { query(sql: string): Promise<Array<Record<string, unknown>>> }): Promise<string> =>
  String((await executor.query('SELECT CONNECTION_ID() AS id'))[0]?.id);

describe('mysql driver', () => {
  let db: TestDatabase;
  let driver: MysqlDriver;
  let single: MysqlDriver;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    const config = parseMysqlUrl(db.url);
    driver = new MysqlDriver(mysql.createPool(mysqlPoolOptions(config, 4)) as unknown as MysqlPoolLike);
    single = new MysqlDriver(mysql.createPool(mysqlPoolOptions(config, 1)) as unknown as MysqlPoolLike);
    await driver.run('CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(5), p BIGINT, FOREIGN KEY (p) REFERENCES t (id))');
  });

  afterAll(async () => {
    await driver?.close();
    await single?.close();
    await db?.drop();
  });

  it('makes every session strict, UTC, and safe for client-side escaping', async () => {
    const [row] = await driver.query('SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS tz');
    expect(String(row?.mode).split(',')).toContain('STRICT_ALL_TABLES');
    expect(row?.tz).toBe('+00:00');
    expect(sessionSqlMode('ANSI_QUOTES,NO_BACKSLASH_ESCAPES')).toBe('ANSI_QUOTES,STRICT_ALL_TABLES,STRICT_TRANS_TABLES');
    expect((await driver.connect()).version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports inserted ids and matched (not only changed) rows', async () => {
    const inserted = await driver.run('INSERT INTO t (v) VALUES (?)', ['a']);
    expect(inserted).toEqual({ changes: 1, insertId: 1 });
    expect(await driver.run('UPDATE t SET v = ? WHERE id = ?', ['a', 1])).toEqual({ changes: 1 });
    expect(await driver.run('UPDATE t SET v = ? WHERE id = ?', ['a', 99])).toEqual({ changes: 0 });
    await expect(driver.run('INSERT INTO t (v) VALUES (?)', ['toolong'])).rejects.toMatchObject({ errno: 1406 });
  });

  it('runs a transaction on one connection, reused by nested calls and by the driver inside it', async () => {
    const ids = await driver.transaction(async (tx) => {
      const outer = await connectionId(tx);
      const nested = await driver.transaction((inner) => connectionId(inner));
      const direct = await connectionId(driver);
      return [outer, nested, direct];
    });
    expect(new Set(ids).size).toBe(1);
    const [a, b] = await Promise.all([
      driver.transaction(async (tx) => {
        const id = await connectionId(tx);
        await tx.query('SELECT SLEEP(0.05)');
        return id;
      }),
      driver.transaction((tx) => connectionId(tx)),
    ]);
    expect(a).not.toBe(b);
  });

  it('rolls back on throw and never reuses a connection whose work failed', async () => {
    const before = await connectionId(single);
    await expect(
      single.transaction(async (tx) => {
        await tx.run('SET FOREIGN_KEY_CHECKS = 0');
        await tx.run('INSERT INTO t (v) VALUES (?)', ['gone']);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await single.query('SELECT id FROM t WHERE v = ?', ['gone'])).toEqual([]);
    expect(await connectionId(single)).not.toBe(before);
    const [row] = await single.query('SELECT @@SESSION.foreign_key_checks AS fkc, @@SESSION.sql_mode AS mode');
    expect(Number(row?.fkc)).toBe(1);
    expect(String(row?.mode)).toContain('STRICT_ALL_TABLES');
  });

  it('keeps savepoints inside a transaction', async () => {
    await driver.transaction(async (tx) => {
      await tx.run('SAVEPOINT s1');
      await tx.run('INSERT INTO t (v) VALUES (?)', ['sp']);
      await tx.run('ROLLBACK TO SAVEPOINT s1');
      await tx.run('RELEASE SAVEPOINT s1');
    });
    expect(await driver.query('SELECT id FROM t WHERE v = ?', ['sp'])).toEqual([]);
  });

  it('tells MariaDB from MySQL by the version', () => {
    expect(parseServerVersion('10.11.6-MariaDB-0+deb12u1')).toMatchObject({ mariadb: true, major: 10, minor: 11, patch: 6 });
    expect(parseServerVersion('8.0.36')).toMatchObject({ mariadb: false, major: 8, minor: 0, patch: 36 });
  });
});
