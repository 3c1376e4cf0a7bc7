/** SQL text, types and value coding of SQLite. */
import type { FieldDefinition, FieldDescription, ObjectDefinition, RecordError } from '../contract.js';
import type { CutoverError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import type { ColumnInfo, SqlDialect, SqlExecutor, TableInfo, TablePrivileges, TypeInfo } from '../sql/sql-driver.js';
import { decodeValue, normalizeForField, parseNativeType, sqlString } from '../sql/sql-values.js';
import { sqliteError, sqliteRecordError } from './sqlite-errors.js';
import { sqliteArtifacts, sqlitePrivileges, sqliteTables } from './sqlite-introspector.js';
import { CHECKSUM_FUNCTION, ROW_HASH_FUNCTION } from './sqlite-read-worker.js';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Below SQLite's limit of 127 arguments per function call. */
const MAX_HASH_ARGUMENTS = 100;

/** The arguments of a hash call: the columns, or for wide tables the row hashes of groups of them. */
function hashArguments(columns: string[]): string {
  if (columns.length <= MAX_HASH_ARGUMENTS) return columns.join(', ');
  const groups: string[] = [];
  for (let start = 0; start < columns.length; start += MAX_HASH_ARGUMENTS) {
    groups.push(`${ROW_HASH_FUNCTION}(${columns.slice(start, start + MAX_HASH_ARGUMENTS).join(', ')})`);
  }
  return groups.join(', ');
}

/** The SQLite dialect for one database file. */
export class SqliteDialect implements SqlDialect {
  readonly name = 'sqlite' as const;
  readonly maxParameters = 32766;
  readonly insertReturning = true;

  constructor(
    private readonly file: string,
    private readonly readonly: boolean,
  ) {}

  quoteIdentifier(name: string): string {
    return quote(name);
  }

  placeholder(): string {
    return '?';
  }

  async version(executor: SqlExecutor): Promise<string> {
    const rows = await executor.query('SELECT sqlite_version() AS v');
    return `SQLite ${String(rows[0]?.v)}`;
  }

  tables(executor: SqlExecutor): Promise<TableInfo[]> {
    return sqliteTables(executor);
  }

  privileges(_executor: SqlExecutor, tables: string[]): Promise<TablePrivileges[]> {
    return sqlitePrivileges(this.file, this.readonly, tables);
  }

  artifacts(executor: SqlExecutor) {
    return sqliteArtifacts(executor);
  }

  typeOf(column: ColumnInfo): TypeInfo {
    const { base, args } = parseNativeType(column.nativeType);
    const sized = (type: TypeInfo['type']): TypeInfo => (args[0] ? { type, length: args[0] } : { type });
    if (/^(boolean|bool)$/.test(base)) return { type: 'boolean' };
    if (/^(decimal|numeric|money|decimal_text)$/.test(base)) {
      const info: TypeInfo = { type: 'decimal' };
      if (args[0] !== undefined) info.precision = args[0];
      info.scale = args[1] ?? 0;
      return info;
    }
    if (base === 'date') return { type: 'date' };
    if (/^(datetime|timestamp|timestamptz|timestamp with time zone)$/.test(base)) return { type: 'datetime' };
    if (base === 'time') return { type: 'time' };
    if (/^jsonb?$/.test(base)) return { type: 'json' };
    if (/^(real|float|double|double precision)$/.test(base)) return { type: 'float' };
    // SQLite's own affinity rules, in their order.
    if (base.includes('int')) return { type: 'integer' };
    if (/(char|clob|text)/.test(base)) return base.includes('char') ? sized('string') : { type: 'text' };
    if (base === '' || base.includes('blob')) return { type: 'binary' };
    if (/(real|floa|doub)/.test(base)) return { type: 'float' };
    return { type: 'decimal' };
  }

  columnType(field: FieldDefinition): string {
    switch (field.type) {
      case 'id':
        return field.autoAssigned ? 'INTEGER' : `VARCHAR(${field.length ?? 36})`;
      case 'string':
        return `VARCHAR(${field.length ?? 255})`;
      case 'text':
        return 'TEXT';
      case 'integer':
        return 'INTEGER';
      case 'decimal':
        // NUMERIC affinity keeps 15 significant digits; wider decimals are declared so SQLite stores their text exactly.
        return `${(field.precision ?? 18) > 15 ? 'DECIMAL_TEXT' : 'DECIMAL'}(${field.precision ?? 18},${field.scale ?? 2})`;
      case 'float':
        return 'REAL';
      case 'boolean':
        return 'BOOLEAN';
      case 'date':
        return 'DATE';
      case 'datetime':
        return 'DATETIME';
      case 'time':
        return 'TIME';
      case 'json':
        return 'JSON';
      case 'binary':
        return 'BLOB';
    }
  }

  createTable(definition: ObjectDefinition): string[] {
    const lines = definition.fields.map((field) => {
      const parts = [quote(field.name), this.columnType(field)];
      if (field.name === definition.idField) parts.push('PRIMARY KEY');
      else if (field.nullable === false) parts.push('NOT NULL');
      if (field.unique && field.name !== definition.idField) parts.push('UNIQUE');
      if (field.defaultValue !== undefined && field.defaultValue !== null) parts.push(`DEFAULT ${literal(field.defaultValue)}`);
      // SQLite does not enforce declared lengths; a CHECK makes it refuse what other databases refuse.
      if (field.type === 'string' || (field.type === 'id' && !field.autoAssigned)) {
        parts.push(`CHECK (length(${quote(field.name)}) <= ${field.length ?? (field.type === 'id' ? 36 : 255)})`);
      }
      if (field.picklistValues?.length) parts.push(`CHECK (${quote(field.name)} IN (${field.picklistValues.map(sqlString).join(', ')}))`);
      if (field.references?.constraint) parts.push(`REFERENCES ${quote(field.references.object)} (${quote(field.references.field)})`);
      return `  ${parts.join(' ')}`;
    });
    for (const unique of definition.uniques ?? []) lines.push(`  UNIQUE (${unique.map(quote).join(', ')})`);
    const statements = [`CREATE TABLE ${quote(definition.name)} (\n${lines.join(',\n')}\n)`];
    for (const index of definition.indexes ?? []) {
      statements.push(`CREATE INDEX ${quote(`ix_${definition.name}_${index.join('_')}`)} ON ${quote(definition.name)} (${index.map(quote).join(', ')})`);
    }
    return statements;
  }

  /** Calls a function the read worker registers (see sqlite-read-worker.ts): SQLite has no hash of its own. */
  rowHash(columns: string[]): string {
    return `${ROW_HASH_FUNCTION}(${hashArguments(columns)})`;
  }

  checksum(columns: string[]): string {
    return `${CHECKSUM_FUNCTION}(${hashArguments(columns)})`;
  }

  decode(raw: unknown, field: FieldDescription): Value {
    return decodeValue(raw, field);
  }

  encode(value: Value, field: FieldDescription): unknown {
    const normalized = normalizeForField(value, field);
    if (normalized === null) return null;
    if (typeof normalized === 'boolean') return normalized ? 1 : 0;
    if (normalized instanceof Uint8Array) return Buffer.from(normalized.buffer, normalized.byteOffset, normalized.byteLength);
    if (field.type === 'integer' && typeof normalized === 'string') return BigInt(normalized);
    return normalized;
  }

  recordError(error: unknown): RecordError | undefined {
    return sqliteRecordError(error);
  }

  wrapError(error: unknown, context: string): CutoverError {
    return sqliteError(error, context, this.file);
  }
}

/** A canonical value as a DDL literal. */
export function literal(value: Value): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString('hex')}'`;
  return sqlString(String(value));
}
