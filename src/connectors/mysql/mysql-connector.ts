/** Opens a MySQL or MariaDB CRM database as a {@link SqlConnector}. */
import mysql from 'mysql2/promise';
import { SqlConnector } from '../sql/sql-connector.js';
import type { SqlProfile } from '../sql/sql-profile.js';
import { mysqlDisplayName, type MysqlConfig } from './mysql-config.js';
import { MysqlDialect } from './mysql-dialect.js';
import { MysqlDriver, type MysqlPoolLike } from './mysql-driver.js';

/** Options for opening a MySQL/MariaDB database. */
export interface OpenMysqlOptions {
  /** How the system is shown in messages, e.g. its name in the plan. Default: the URL without password. */
  displayName?: string;
  /** Most connections the pool opens. Default 10. */
  connectionLimit?: number;
}

/** mysql2 pool settings that keep every value exact: big numbers, decimals, dates and JSON come back as text. */
export function mysqlPoolOptions(config: MysqlConfig, connectionLimit = 10): mysql.PoolOptions {
  const options: mysql.PoolOptions = {
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
    charset: 'utf8mb4',
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    jsonStrings: true,
    timezone: 'Z',
    // UPDATE reports matched rows, not changed ones: an update to the same values is not "not found".
    flags: ['FOUND_ROWS'],
    connectionLimit,
    connectTimeout: 10_000,
    enableKeepAlive: true,
  };
  if (config.password !== undefined) options.password = config.password;
  if (config.ssl !== 'off') options.ssl = { rejectUnauthorized: config.ssl === 'verify' };
  return options;
}

/**
 * Opens a pool and reads the server version (to know what SQL it accepts).
 * An unreachable server or a refused login does not throw here: `check()`
 * reports it, and `describe()` and the rest throw it as a CutoverError.
 */
export async function openMysql(config: MysqlConfig, profile: SqlProfile, options: OpenMysqlOptions = {}): Promise<SqlConnector> {
  const displayName = options.displayName ?? mysqlDisplayName(config);
  const pool = mysql.createPool(mysqlPoolOptions(config, options.connectionLimit));
  // A pool emits errors of idle connections (server restarts); statements report their own.
  pool.on('connection', (connection) => connection.on('error', () => undefined));
  const driver = new MysqlDriver(pool as unknown as MysqlPoolLike);
  const version = await driver.connect().then(
    (session) => session.version,
    () => undefined,
  );
  const target = { host: config.host, port: config.port, user: config.user, database: config.database, displayName: mysqlDisplayName(config), ...(config.password ? { password: config.password } : {}) };
  return new SqlConnector({ kind: 'mysql', driver, dialect: new MysqlDialect(target, version), profile, displayName });
}
