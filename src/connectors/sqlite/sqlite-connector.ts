/** Opens a SQLite CRM database as a {@link SqlConnector}. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { CutoverError } from '../../core/errors.js';
import { SqlConnector } from '../sql/sql-connector.js';
import type { SqlProfile } from '../sql/sql-profile.js';
import type { SqliteConfig } from './sqlite-config.js';
import { SqliteDialect } from './sqlite-dialect.js';
import { SqliteDriver } from './sqlite-driver.js';
import { sqliteError } from './sqlite-errors.js';

/** Options for opening a SQLite database. */
export interface OpenSqliteOptions {
  /** Create the file when it does not exist (generate, restore into a new sandbox). Default false. */
  create?: boolean;
  /** How the system is shown in messages, e.g. its name in the plan. */
  displayName?: string;
}

/** Opens the database; a missing file is an error unless `create` is set. */
export function openSqlite(config: SqliteConfig, profile: SqlProfile, options: OpenSqliteOptions = {}): SqlConnector {
  if (config.file !== ':memory:' && !options.create && !existsSync(config.file)) {
    throw new CutoverError('connect.unreachable', `The SQLite file ${config.file} does not exist.`, {
      hints: ['check the path in the plan (relative paths are relative to the plan file), or fill a new database with `cutover generate --to sqlite:<path>`'],
    });
  }
  let db: Database.Database;
  try {
    db = new Database(config.file, { readonly: config.readonly, fileMustExist: !options.create });
    db.defaultSafeIntegers(true);
    if (!config.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw sqliteError(error, 'opening the database', config.file);
  }
  return new SqlConnector({
    kind: 'sqlite',
    driver: new SqliteDriver(db, config.file),
    dialect: new SqliteDialect(config.file, config.readonly),
    profile,
    displayName: options.displayName ?? `sqlite:${config.file}`,
  });
}
