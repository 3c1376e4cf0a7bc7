/**
 * The small interfaces a SQL connector needs of a database. Each database
 * folder implements them over its client library (better-sqlite3, pg,
 * mysql2); the shared {@link SqlConnector} speaks only these.
 */
import type { ConfigurationArtifact, FieldDefinition, FieldDescription, ObjectDefinition, ObjectDescription, RecordError } from '../contract.js';
import type { CutoverError } from '../../core/errors.js';
import type { FieldType, Value } from '../../core/values.js';

/** A row as the driver returns it, keyed by column name. */
export type Row = Record<string, unknown>;

/** Runs statements on one connection. Parameters use the dialect's placeholders. */
export interface SqlExecutor {
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement; `insertId` is the id an autoincrement column got, where the driver reports it. */
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number; insertId?: number | string }>;
  /** Optional: rows as arrays in column order, which some drivers return much faster than objects. */
  queryArrays?(sql: string, params?: readonly unknown[]): Promise<unknown[][]>;
  /** Optional: rows as arrays of strings (NULL as ''), where that form is the fastest to hand over. */
  queryStrings?(sql: string, params?: readonly unknown[]): Promise<string[][]>;
}

/** A database connection (or pool) that can run transactions. */
export interface SqlDriver extends SqlExecutor {
  /** Runs `fn` in one transaction on one connection: commit on return, rollback on throw. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Optional: a read-only connection of its own that runs long queries (range
   * checksums) off the main thread, for in-process databases whose queries
   * would otherwise block it. Server databases work in the server already.
   */
  offThread?(): SqlExecutor | undefined;
  close(): Promise<void>;
}

/** A column as the database declares it. */
export interface ColumnInfo {
  name: string;
  /** Declared type text, e.g. `varchar(255)`, `numeric(12,2)`, `tinyint(1)`. */
  nativeType: string;
  nullable: boolean;
  defaultValue: string | null;
  autoIncrement: boolean;
  /** Values allowed by an ENUM type or a `CHECK (col IN (...))` constraint. */
  allowedValues?: string[];
}

/** A declared foreign key. */
export interface ForeignKeyInfo {
  columns: string[];
  table: string;
  refColumns: string[];
}

/** A table or view as the database declares it. */
export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
  uniques: string[][];
  foreignKeys: ForeignKeyInfo[];
}

/** What a login may do on one table. */
export interface TablePrivileges {
  table: string;
  select: boolean;
  insert: boolean;
  update: boolean;
  delete: boolean;
}

/** The logical type and size of a column. */
export interface TypeInfo {
  type: FieldType;
  length?: number;
  precision?: number;
  scale?: number;
}

/**
 * Everything that differs between SQL databases: SQL text, types, value
 * coding, introspection and error classification.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres' | 'mysql';
  /** Most bind parameters one statement may carry. */
  readonly maxParameters: number;
  /** `INSERT … RETURNING` is available. */
  readonly insertReturning: boolean;
  /** What follows `INSERT INTO t` for a row of only defaults. Default `DEFAULT VALUES`; MySQL needs `() VALUES ()`. */
  readonly defaultValuesInsert?: string;
  quoteIdentifier(name: string): string;
  /** The placeholder of the 1-based parameter `index` (`?` or `$1`). */
  placeholder(index: number): string;
  /** Server or engine version. */
  version(executor: SqlExecutor): Promise<string>;
  /** Base tables (not views) with their columns, keys and foreign keys. */
  tables(executor: SqlExecutor): Promise<TableInfo[]>;
  /** What the connected login may do on each of the tables. */
  privileges(executor: SqlExecutor, tables: string[]): Promise<TablePrivileges[]>;
  /** DDL of tables and indexes, views, triggers, functions and procedures. */
  artifacts(executor: SqlExecutor): Promise<ConfigurationArtifact[]>;
  /** Logical type of a declared column. */
  typeOf(column: ColumnInfo): TypeInfo;
  /** Statements that create a table (and its indexes) from a definition. */
  createTable(definition: ObjectDefinition): string[];
  /**
   * Statements that add a definition's foreign keys, run after every table of
   * one `createObjects` call exists (so references may point forward or form
   * cycles). Dialects without it put foreign keys in `createTable`.
   */
  foreignKeys?(definition: ObjectDefinition): string[];
  /**
   * Runs in the write transaction after inserts that gave explicit ids to an
   * auto-assigned id column, for databases whose id generator does not see
   * them (PostgreSQL sequences), so later inserts without ids do not collide.
   */
  afterExplicitIds?(executor: SqlExecutor, object: ObjectDescription): Promise<void>;
  /** Native column type for a field definition. */
  columnType(field: FieldDefinition): string;
  /**
   * An SQL expression giving the row hash (hex digits, or an integer) of
   * these quoted columns, each value length-prefixed so that no two rows
   * share an input.
   */
  rowHash(columns: string[]): string;
  /**
   * An SQL aggregate giving, as text, an order-independent checksum of the
   * rows' {@link rowHash}es (a sum), the same for the same set of rows.
   */
  checksum(columns: string[]): string;
  /** A value read from the driver, as a canonical value. */
  decode(raw: unknown, field: FieldDescription): Value;
  /** A canonical value, as the driver wants it bound. */
  encode(value: Value, field: FieldDescription): unknown;
  /** A failed statement on one record, as a record error; `undefined` when it is not the record's fault. */
  recordError(error: unknown): RecordError | undefined;
  /** A failure to connect or query, as a user-facing error naming the target. */
  wrapError(error: unknown, context: string): CutoverError;
}
