/**
 * Real databases for tests: each call creates a fresh, uniquely named
 * database and returns its URL and a function that drops it. PostgreSQL and
 * MariaDB must be running (`.ci/run` starts them); a test never skips because
 * one is down: it fails and says how to start it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import mysql from 'mysql2/promise';

/** The databases the contract suite runs on. */
export type DatabaseKind = 'sqlite' | 'postgres' | 'mysql';

/** A database made for one test. */
export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

/** Server URLs, overridable for developers whose servers live elsewhere. */
export const POSTGRES_ADMIN_URL = process.env.CUTOVER_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const MYSQL_ADMIN_URL = process.env.CUTOVER_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/';

/**
 * Which kinds to run, from `CUTOVER_TEST_DATABASES` (comma-separated) for a
 * developer who wants speed; all of them by default and always in CI.
 */
export function databaseKinds(): DatabaseKind[] {
  const all: DatabaseKind[] = ['sqlite', 'postgres', 'mysql'];
  const wanted = process.env.CUTOVER_TEST_DATABASES;
  if (!wanted || process.env.CI) return all;
  return all.filter((kind) => wanted.split(',').map((s) => s.trim()).includes(kind));
}

function uniqueName(): string {
  return `cutover_t_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

/** Creates an empty database of the kind. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = uniqueName();
  switch (kind) {
    case 'sqlite': {
      const dir = mkdtempSync(path.join(tmpdir(), 'cutover-test-'));
      return { kind, url: `sqlite:${path.join(dir, `${name}.db`)}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    }
    case 'postgres': {
      await withPostgres((client) => client.query(`CREATE DATABASE ${name}`));
      const url = new URL(POSTGRES_ADMIN_URL);
      url.pathname = `/${name}`;
      return {
        kind,
        url: url.toString(),
        drop: () => withPostgres((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
      };
    }
    case 'mysql': {
      await withMysql((connection) => connection.query(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
      const url = new URL(MYSQL_ADMIN_URL);
      url.pathname = `/${name}`;
      return { kind, url: url.toString(), drop: () => withMysql((connection) => connection.query(`DROP DATABASE IF EXISTS ${name}`)).then(() => undefined) };
    }
  }
}

async function withPostgres<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL}: start it (bash .ci/run does) or set CUTOVER_TEST_POSTGRES_URL`, { cause: error });
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function withMysql<T>(fn: (connection: mysql.Connection) => Promise<T>): Promise<T> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection(MYSQL_ADMIN_URL);
  } catch (error) {
    throw new Error(`MariaDB/MySQL is not reachable at ${MYSQL_ADMIN_URL}: start it (bash .ci/run does) or set CUTOVER_TEST_MYSQL_URL`, { cause: error });
  }
  try {
    return await fn(connection);
  } finally {
    await connection.end();
  }
}
