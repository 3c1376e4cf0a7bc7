/** SQL text, types and value coding of MySQL and MariaDB. */
import { createHash } from 'node:crypto';
import type { ConfigurationArtifact, FieldDefinition, FieldDescription, ObjectDefinition, RecordError } from '../contract.js';
import type { CutoverError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import type { ColumnInfo, SqlDialect, SqlExecutor, TableInfo, TablePrivileges, TypeInfo } from '../sql/sql-driver.js';
import { decodeValue, normalizeForField, parseNativeType } from '../sql/sql-values.js';
import { mysqlError, mysqlRecordError, type MysqlTarget } from './mysql-errors.js';
import { enumValues, mysqlArtifacts, mysqlPrivileges, mysqlTables } from './mysql-introspector.js';

const quote = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

/** A string literal for DDL; backslashes escape in MySQL's default SQL mode, so they are doubled too. */
export function mysqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** Longest identifier (constraint, index) MySQL and MariaDB accept. */
const MAX_IDENTIFIER = 64;

/** What the server is, from `VERSION()`. */
export interface MysqlFlavor {
  mariadb: boolean;
  major: number;
  minor: number;
  patch: number;
  /** `VERSION()` as the server gave it. */
  raw: string;
}

/** Reads `10.11.6-MariaDB-1:10.11.6+maria~ubu2204` or `8.0.36` into a {@link MysqlFlavor}. */
export function parseServerVersion(version: string): MysqlFlavor {
  const [major = 0, minor = 0, patch = 0] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version)?.slice(1) ?? []).map(Number);
  return { mariadb: /mariadb/i.test(version), major, minor, patch, raw: version };
}

/** A name that fits MySQL's identifier limit, shortened with a hash when needed so it stays unique. */
function identifier(name: string): string {
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_IDENTIFIER - 9)}_${hash}`;
}

/** Text, JSON and binary columns: no plain index, and a default must be an expression in parentheses. */
function isLob(field: FieldDefinition | FieldDescription): boolean {
  return field.type === 'text' || field.type === 'json' || field.type === 'binary';
}

/** The MySQL/MariaDB dialect for one server. */
export class MysqlDialect implements SqlDialect {
  readonly name = 'mysql' as const;
  readonly maxParameters = 65535;
  readonly defaultValuesInsert = '() VALUES ()';
  private flavor: MysqlFlavor | undefined;

  /** `version` is `VERSION()` when it was read at open; otherwise it is read on first use. */
  constructor(
    private readonly target: MysqlTarget,
    version?: string,
  ) {
    if (version) this.flavor = parseServerVersion(version);
  }

  /** MariaDB 10.5 and later support `INSERT … RETURNING`; MySQL does not (the insert id is used instead). */
  get insertReturning(): boolean {
    const flavor = this.flavor;
    return !!flavor && flavor.mariadb && (flavor.major > 10 || (flavor.major === 10 && flavor.minor >= 5));
  }

  /** The server is MariaDB, as far as known (MySQL is assumed until the version was read). */
  get mariadb(): boolean {
    return this.flavor?.mariadb ?? false;
  }

  quoteIdentifier(name: string): string {
    return quote(name);
  }

  placeholder(): string {
    return '?';
  }

  async version(executor: SqlExecutor): Promise<string> {
    const rows = await executor.query('SELECT VERSION() AS v');
    const flavor = parseServerVersion(String(rows[0]?.v ?? ''));
    // Known from open when the server was reachable then; otherwise learnt here, once.
    this.flavor ??= flavor;
    const { mariadb, major, minor, patch, raw } = flavor;
    return major > 0 ? `${mariadb ? 'MariaDB' : 'MySQL'} ${major}.${minor}.${patch}` : raw;
  }

  async tables(executor: SqlExecutor): Promise<TableInfo[]> {
    if (!this.flavor) await this.version(executor);
    return mysqlTables(executor, this.mariadb);
  }

  privileges(executor: SqlExecutor, tables: string[]): Promise<TablePrivileges[]> {
    return mysqlPrivileges(executor, tables);
  }

  artifacts(executor: SqlExecutor): Promise<ConfigurationArtifact[]> {
    return mysqlArtifacts(executor);
  }

  typeOf(column: ColumnInfo): TypeInfo {
    const enumList = enumValues(column.nativeType);
    if (enumList) {
      const longest = Math.max(0, ...enumList.map((value) => value.length));
      return /^\s*set/i.test(column.nativeType) ? { type: 'string' } : { type: 'string', length: longest };
    }
    const { base, args } = parseNativeType(column.nativeType);
    if (/^(bool|boolean)$/.test(base) || (base === 'tinyint' && args[0] === 1) || (base === 'bit' && (args[0] ?? 1) === 1)) return { type: 'boolean' };
    if (/^(tinyint|smallint|mediumint|int|integer|bigint|year|bit|serial)$/.test(base)) return { type: 'integer' };
    if (/^(decimal|numeric|dec|fixed)$/.test(base)) return { type: 'decimal', precision: args[0] ?? 10, scale: args[1] ?? 0 };
    if (/^(float|double|double precision|real)$/.test(base)) return { type: 'float' };
    if (/^(n?varchar|n?char|character varying|character|national char|national varchar)$/.test(base)) {
      return args[0] ? { type: 'string', length: args[0] } : { type: 'string' };
    }
    if (/^(tinytext|text|mediumtext|longtext|long varchar|long)$/.test(base)) return { type: 'text' };
    if (base === 'date') return { type: 'date' };
    if (base === 'datetime' || base === 'timestamp') return { type: 'datetime' };
    if (base === 'time') return { type: 'time' };
    if (base === 'json') return { type: 'json' };
    if (/^(binary|varbinary|tinyblob|blob|mediumblob|longblob|long varbinary)$/.test(base)) return { type: 'binary' };
    if (base === 'uuid') return { type: 'string', length: 36 };
    if (base === 'inet4' || base === 'inet6') return { type: 'string', length: 39 };
    return { type: 'text' };
  }

  columnType(field: FieldDefinition): string {
    switch (field.type) {
      case 'id':
        return field.autoAssigned ? 'BIGINT' : `VARCHAR(${field.length ?? 36}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`;
      case 'string':
        return `VARCHAR(${field.length ?? 255})${field.references ? ' CHARACTER SET utf8mb4 COLLATE utf8mb4_bin' : ''}`;
      case 'text':
        // MySQL cannot put a TEXT column in a unique key; MariaDB can (it adds a hash).
        return field.unique && !this.mariadb ? 'VARCHAR(768)' : 'LONGTEXT';
      case 'integer':
        return 'BIGINT';
      case 'decimal':
        return `DECIMAL(${Math.min(field.precision ?? 18, 65)},${Math.min(field.scale ?? 2, 30)})`;
      case 'float':
        return 'DOUBLE';
      case 'boolean':
        return 'TINYINT(1)';
      case 'date':
        return 'DATE';
      case 'datetime':
        // Stored as UTC wall time with milliseconds, like the canonical value.
        return 'DATETIME(3)';
      case 'time':
        return 'TIME(6)';
      case 'json':
        return 'JSON';
      case 'binary':
        return 'LONGBLOB';
    }
  }

  createTable(definition: ObjectDefinition): string[] {
    const lines = definition.fields.map((field) => {
      const parts = [quote(field.name), this.columnType(field)];
      const isId = field.name === definition.idField;
      if (isId) parts.push(field.autoAssigned && (field.type === 'integer' || field.type === 'id') ? 'NOT NULL AUTO_INCREMENT PRIMARY KEY' : 'NOT NULL PRIMARY KEY');
      else if (field.nullable === false) parts.push('NOT NULL');
      if (field.unique && !isId) parts.push('UNIQUE');
      if (field.defaultValue !== undefined && field.defaultValue !== null) {
        const value = this.literal(field.defaultValue, field);
        parts.push(isLob(field) ? `DEFAULT (${value})` : `DEFAULT ${value}`);
      }
      // Named after the column by MariaDB, so a failure names the field.
      if (field.picklistValues?.length) parts.push(`CHECK (${quote(field.name)} IN (${field.picklistValues.map(mysqlString).join(', ')}))`);
      return `  ${parts.join(' ')}`;
    });
    const byName = new Map(definition.fields.map((field) => [field.name, field]));
    const keyPart = (name: string): string => (byName.get(name) && isLob(byName.get(name) as FieldDefinition) ? `${quote(name)}(191)` : quote(name));
    for (const unique of definition.uniques ?? []) lines.push(`  UNIQUE KEY ${quote(identifier(`uq_${unique.join('_')}`))} (${unique.map(quote).join(', ')})`);
    for (const index of definition.indexes ?? []) lines.push(`  KEY ${quote(identifier(`ix_${index.join('_')}`))} (${index.map(keyPart).join(', ')})`);
    return [`CREATE TABLE ${quote(definition.name)} (\n${lines.join(',\n')}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`];
  }

  /** Foreign keys, added once every table of the definitions exists, so they may point forward or in cycles. */
  foreignKeys(definition: ObjectDefinition): string[] {
    return definition.fields
      .filter((field) => field.references?.constraint)
      .map((field) => {
        const reference = field.references as NonNullable<FieldDefinition['references']>;
        // Constraint names are unique per database in InnoDB, hence the table in the name.
        const name = identifier(`fk_${definition.name}_${field.name}`);
        return `ALTER TABLE ${quote(definition.name)} ADD CONSTRAINT ${quote(name)} FOREIGN KEY (${quote(field.name)}) REFERENCES ${quote(reference.object)} (${quote(reference.field)})`;
      });
  }

  rowHash(columns: string[]): string {
    // Values as bytes, so that columns of different character sets concatenate; CONCAT with NULL gives NULL, hence 'N'.
    const parts = columns.map((column) => `COALESCE(CONCAT(LENGTH(CAST(${column} AS BINARY)), ':', CAST(${column} AS BINARY)), 'N')`);
    return `MD5(CONCAT(${parts.join(`, ',', `)}))`;
  }

  checksum(columns: string[]): string {
    // The first 60 bits of each row hash as an unsigned integer; their SUM (DECIMAL) is exact.
    return `CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(${this.rowHash(columns)}, 1, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR)`;
  }

  decode(raw: unknown, field: FieldDescription): Value {
    if (raw === null || raw === undefined) return null;
    if (Buffer.isBuffer(raw) && (field.type === 'boolean' || field.type === 'integer')) {
      // BIT(n) columns come back as big-endian bytes.
      const bits = BigInt(`0x${raw.toString('hex') || '0'}`);
      return field.type === 'boolean' ? bits !== 0n : decodeValue(bits, field);
    }
    if ((field.type === 'date' || field.type === 'datetime') && typeof raw === 'string' && /^0000-00-00/.test(raw)) {
      // MySQL's "zero date" means no date; it has no canonical form.
      return null;
    }
    if (field.type === 'time' && typeof raw === 'string') return raw.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    return decodeValue(raw, field);
  }

  encode(value: Value, field: FieldDescription): unknown {
    const normalized = normalizeForField(value, field);
    if (normalized === null) return null;
    if (typeof normalized === 'boolean') return normalized ? 1 : 0;
    if (normalized instanceof Uint8Array) return Buffer.from(normalized.buffer, normalized.byteOffset, normalized.byteLength);
    // Beyond 2^53 an integer is text; bound as a bigint it stays an exact integer literal (a quoted one compares as a double).
    if (field.type === 'integer' && typeof normalized === 'string') return BigInt(normalized);
    // DATETIME/TIMESTAMP take 'YYYY-MM-DD HH:MM:SS.mmm'; the session time zone is UTC.
    if (field.type === 'datetime' && typeof normalized === 'string') return normalized.replace('T', ' ').replace(/Z$/, '');
    return normalized;
  }

  recordError(error: unknown): RecordError | undefined {
    return mysqlRecordError(error);
  }

  wrapError(error: unknown, context: string): CutoverError {
    return mysqlError(error, context, this.target);
  }

  /** A canonical value as a DDL literal for the field. */
  private literal(value: Value, field: FieldDefinition): string {
    const description: FieldDescription = { name: field.name, type: field.type, nativeType: this.columnType(field), nullable: true, primaryKey: false, autoAssigned: false, unique: false };
    if (field.scale !== undefined) description.scale = field.scale;
    const bound = this.encode(value, description);
    if (typeof bound === 'number' || typeof bound === 'bigint') return String(bound);
    if (Buffer.isBuffer(bound)) return `X'${bound.toString('hex')}'`;
    return mysqlString(String(bound));
  }
}
