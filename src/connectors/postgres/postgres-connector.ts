/** Opens a PostgreSQL CRM database as a {@link SqlConnector}. */
import pg from 'pg';
import { SqlConnector } from '../sql/sql-connector.js';
import type { SqlProfile } from '../sql/sql-profile.js';
import { postgresDisplayName, type PostgresConfig } from './postgres-config.js';
import { PostgresDialect } from './postgres-dialect.js';
import { PostgresDriver } from './postgres-driver.js';

/** Options for opening a PostgreSQL database. */
export interface OpenPostgresOptions {
  /** How the system is shown in messages, e.g. its name in the plan. Default: the URL without password. */
  displayName?: string;
  /** Most connections the pool opens. Default 4. */
  maxConnections?: number;
  /** Milliseconds to wait for a connection before reporting the server unreachable. Default 10000. */
  connectTimeoutMs?: number;
}

/** libpq `options`: spaces and backslashes inside a value are escaped with a backslash. */
function sessionSetting(name: string, value: string): string {
  return `-c ${name}=${value.replace(/[\\ ]/g, '\\$&')}`;
}

function sslOption(config: PostgresConfig): pg.PoolConfig['ssl'] {
  switch (config.sslmode) {
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true };
  }
}

/** What a pool's sessions are: how many, how long to wait for one, its name on the server, and session settings. */
export interface PostgresPoolOptions {
  max: number;
  connectTimeoutMs: number;
  applicationName: string;
  /** Session settings (`TimeZone`, `search_path`…), sent with each connection. */
  settings: Record<string, string>;
}

/** A `pg` pool configuration for a parsed URL: TLS as its sslmode says, the given session settings. */
export function postgresPoolConfig(config: PostgresConfig, options: PostgresPoolOptions): pg.PoolConfig {
  return {
    host: config.host,
    port: config.port,
    user: config.user,
    database: config.database,
    ...(config.password === undefined ? {} : { password: config.password }),
    ssl: sslOption(config),
    max: options.max,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName,
    options: Object.entries(options.settings)
      .map(([name, value]) => sessionSetting(name, value))
      .join(' '),
  };
}

/**
 * Opens a pool to the database. Connections are made lazily: a wrong host,
 * user, password or database surfaces as a `CutoverError` from the first
 * call (`check()` reports it as unreachable instead of throwing).
 * Sessions run in UTC with ISO dates and the configured schema first on the
 * search path.
 */
export async function openPostgres(config: PostgresConfig, profile: SqlProfile, options: OpenPostgresOptions = {}): Promise<SqlConnector> {
  const pool = new pg.Pool(
    postgresPoolConfig(config, {
      max: options.maxConnections ?? 4,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      applicationName: 'cutover',
      settings: { TimeZone: 'UTC', DateStyle: 'ISO', search_path: `"${config.schema.replace(/"/g, '""')}"` },
    }),
  );
  // An idle connection that dies (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  const dialectOptions = { host: config.host, port: config.port, user: config.user, database: config.database, schema: config.schema };
  return new SqlConnector({
    kind: 'postgres',
    driver: new PostgresDriver(pool, pg.types),
    dialect: new PostgresDialect(config.password === undefined ? dialectOptions : { ...dialectOptions, password: config.password }),
    profile,
    displayName: options.displayName ?? postgresDisplayName(config),
  });
}
