/** Opens the right connector for a connection URL. The only place that knows every connector. */
import type { SqlConnector } from './sql/sql-connector.js';
import type { SqlProfile } from './sql/sql-profile.js';
import { parseSqliteUrl } from './sqlite/sqlite-config.js';
import { openSqlite } from './sqlite/sqlite-connector.js';
import { parsePostgresUrl } from './postgres/postgres-config.js';
import { openPostgres } from './postgres/postgres-connector.js';
import { parseMysqlUrl } from './mysql/mysql-config.js';
import { openMysql } from './mysql/mysql-connector.js';

/** What it takes to open a connector. */
export interface ConnectorTarget {
  kind: 'sqlite' | 'postgres' | 'mysql';
  url: string;
  /** Resolved password, if the plan gives one. */
  password?: string;
  profile: SqlProfile;
  /** Folder relative SQLite paths start from. */
  baseDir: string;
  /** How messages name the system (its plan name, or its URL without password). */
  displayName: string;
}

/** Opens a connector. `create` lets SQLite make a new file (generate, restore into a new sandbox). */
export async function openConnector(target: ConnectorTarget, options: { create?: boolean } = {}): Promise<SqlConnector> {
  const password = target.password === undefined ? {} : { password: target.password };
  switch (target.kind) {
    case 'sqlite':
      return openSqlite(parseSqliteUrl(target.url, target.baseDir), target.profile, { create: options.create ?? false, displayName: target.displayName });
    case 'postgres':
      return openPostgres(parsePostgresUrl(target.url, password), target.profile, { displayName: target.displayName });
    case 'mysql':
      return openMysql(parseMysqlUrl(target.url, password), target.profile, { displayName: target.displayName });
  }
}
