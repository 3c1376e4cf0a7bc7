/** SQL text, types and value coding of PostgreSQL. */
import type { FieldDefinition, FieldDescription, ObjectDefinition, ObjectDescription, RecordError } from '../contract.js';
import type { CutoverError } from '../../core/errors.js';
import type { Value } from '../../core/values.js';
import type { ColumnInfo, SqlDialect, SqlExecutor, TableInfo, TablePrivileges, TypeInfo } from '../sql/sql-driver.js';
import { decodeValue, normalizeForField, sqlString } from '../sql/sql-values.js';
import { postgresError, postgresRecordError, type PostgresTarget } from './postgres-errors.js';
import { postgresArtifacts, postgresPrivileges, postgresTables } from './postgres-introspector.js';

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Where the dialect's connector points: the target for messages, the schema for the catalog, and secrets to keep out of messages. */
export interface PostgresDialectOptions extends PostgresTarget {
  schema: string;
  password?: string;
}

/** A record-level refusal found before the value reaches the server (so the field is known). */
function refuse(code: string, message: string): RangeError {
  return Object.assign(new RangeError(message), { code });
}

/** Splits `numeric(12,2)`, `character varying(255)` or `timestamp(3) with time zone` into base name and arguments. */
function parseType(nativeType: string): { base: string; args: number[]; array: boolean } {
  const text = nativeType.trim().toLowerCase();
  const array = text.endsWith('[]');
  const args = (/\(([^)]*)\)/.exec(text)?.[1] ?? '')
    .split(',')
    .filter((piece) => piece.trim() !== '')
    .map((piece) => Number(piece.trim()))
    .filter((n) => Number.isFinite(n));
  const base = text
    .replace(/\[\]$/, '')
    .replace(/\([^)]*\)/, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { base, args, array };
}

/** The PostgreSQL dialect for one schema of one database. */
export class PostgresDialect implements SqlDialect {
  readonly name = 'postgres' as const;
  readonly maxParameters = 65535;
  readonly insertReturning = true;

  constructor(private readonly options: PostgresDialectOptions) {}

  quoteIdentifier(name: string): string {
    return quote(name);
  }

  placeholder(index: number): string {
    return `$${index}`;
  }

  async version(executor: SqlExecutor): Promise<string> {
    const rows = await executor.query('SHOW server_version');
    return `PostgreSQL ${String(rows[0]?.server_version)}`;
  }

  tables(executor: SqlExecutor): Promise<TableInfo[]> {
    return postgresTables(executor, this.options.schema);
  }

  privileges(executor: SqlExecutor, tables: string[]): Promise<TablePrivileges[]> {
    return postgresPrivileges(executor, this.options.schema, tables);
  }

  artifacts(executor: SqlExecutor) {
    return postgresArtifacts(executor, this.options.schema);
  }

  typeOf(column: ColumnInfo): TypeInfo {
    const { base, args, array } = parseType(column.nativeType);
    const sized = (type: TypeInfo['type'], length = args[0]): TypeInfo => (length ? { type, length } : { type });
    if (array) return { type: 'json' };
    if (/^(character varying|varchar|character|char|bpchar|nchar)$/.test(base)) return sized('string', args[0] ?? (/^(character|char|bpchar)$/.test(base) ? 1 : undefined));
    if (/^(text|citext|xml)$/.test(base)) return { type: 'text' };
    if (/^(smallint|integer|bigint|int|int2|int4|int8|smallserial|serial|bigserial|serial2|serial4|serial8|oid)$/.test(base)) return { type: 'integer' };
    if (/^(numeric|decimal)$/.test(base)) {
      const info: TypeInfo = { type: 'decimal' };
      if (args[0] !== undefined) info.precision = args[0];
      if (args[0] !== undefined) info.scale = args[1] ?? 0;
      return info;
    }
    if (base === 'money') return { type: 'decimal', scale: 2 };
    if (/^(real|double precision|float4|float8|float)$/.test(base)) return { type: 'float' };
    if (/^(boolean|bool)$/.test(base)) return { type: 'boolean' };
    if (base === 'date') return { type: 'date' };
    if (/^(timestamp|timestamptz)( with(out)? time zone)?$/.test(base)) return { type: 'datetime' };
    if (/^time( without time zone)?$/.test(base)) return { type: 'time' };
    if (/^jsonb?$/.test(base)) return { type: 'json' };
    if (base === 'bytea') return { type: 'binary' };
    if (base === 'uuid') return { type: 'string', length: 36 };
    // Enum types, timetz, interval, inet, ranges and the like: their text form round-trips.
    return { type: 'string' };
  }

  columnType(field: FieldDefinition): string {
    switch (field.type) {
      case 'id':
        return field.autoAssigned ? 'bigint' : `varchar(${field.length ?? 36})`;
      case 'string':
        return `varchar(${field.length ?? 255})`;
      case 'text':
        return 'text';
      case 'integer':
        return 'bigint';
      case 'decimal':
        return `numeric(${field.precision ?? 18},${field.scale ?? 2})`;
      case 'float':
        return 'double precision';
      case 'boolean':
        return 'boolean';
      case 'date':
        return 'date';
      case 'datetime':
        return 'timestamp(3) with time zone';
      case 'time':
        return 'time';
      case 'json':
        return 'jsonb';
      case 'binary':
        return 'bytea';
    }
  }

  createTable(definition: ObjectDefinition): string[] {
    const lines = definition.fields.map((field) => {
      const parts = [quote(field.name), this.columnType(field)];
      const isId = field.name === definition.idField;
      // BY DEFAULT, not ALWAYS: a restore inserts records with their ids.
      if (isId && field.autoAssigned && (field.type === 'integer' || field.type === 'id')) parts.push('GENERATED BY DEFAULT AS IDENTITY');
      if (isId) parts.push('PRIMARY KEY');
      else if (field.nullable === false) parts.push('NOT NULL');
      if (field.unique && !isId) parts.push('UNIQUE');
      if (field.defaultValue !== undefined && field.defaultValue !== null) parts.push(`DEFAULT ${literal(field.defaultValue)}`);
      if (field.picklistValues?.length) parts.push(`CHECK (${quote(field.name)} IN (${field.picklistValues.map(sqlString).join(', ')}))`);
      return `  ${parts.join(' ')}`;
    });
    for (const unique of definition.uniques ?? []) lines.push(`  UNIQUE (${unique.map(quote).join(', ')})`);
    const statements = [`CREATE TABLE ${quote(definition.name)} (\n${lines.join(',\n')}\n)`];
    for (const index of definition.indexes ?? []) {
      statements.push(`CREATE INDEX ${quote(`ix_${definition.name}_${index.join('_')}`)} ON ${quote(definition.name)} (${index.map(quote).join(', ')})`);
    }
    return statements;
  }

  foreignKeys(definition: ObjectDefinition): string[] {
    return definition.fields
      .filter((field) => field.references?.constraint)
      .map((field) => {
        const target = field.references as NonNullable<FieldDefinition['references']>;
        return `ALTER TABLE ${quote(definition.name)} ADD FOREIGN KEY (${quote(field.name)}) REFERENCES ${quote(target.object)} (${quote(target.field)})`;
      });
  }

  async afterExplicitIds(executor: SqlExecutor, object: ObjectDescription): Promise<void> {
    // An identity or serial column's sequence does not see ids given explicitly;
    // move it past them so that the next insert without an id does not collide.
    // A login that may not read and set the sequence leaves it alone (the
    // collision then shows as a per-record duplicate) rather than failing the batch.
    const key = quote(object.idField);
    await executor.query(
      `SELECT setval(s.seq, m.top) FROM
         (SELECT pg_get_serial_sequence($1, $2) AS seq) s,
         (SELECT MAX(${key}) AS top FROM ${quote(object.name)}) m
       WHERE s.seq IS NOT NULL AND m.top IS NOT NULL
         AND CASE WHEN has_sequence_privilege(s.seq, 'UPDATE') AND has_sequence_privilege(s.seq, 'SELECT')
                  THEN m.top > COALESCE(pg_sequence_last_value(s.seq::regclass), 0) ELSE false END`,
      [quote(object.name), object.idField],
    );
  }

  rowHash(columns: string[]): string {
    // `||` with NULL gives NULL, so a NULL becomes 'N' and any value '<length>:<text>'.
    return `md5(${columns.map((column) => `coalesce(length(${column}::text) || ':' || ${column}::text, 'N')`).join(` || ',' || `)})`;
  }

  checksum(columns: string[]): string {
    // The first 60 bits of each row hash as a bigint; their sum (numeric) is exact.
    return `coalesce(sum(('x' || substr(${this.rowHash(columns)}, 1, 15))::bit(60)::bigint), 0)::text`;
  }

  decode(raw: unknown, field: FieldDescription): Value {
    if (typeof raw === 'string' && field.type === 'decimal' && /^money$/i.test(field.nativeType)) {
      // money prints with the server's currency symbol and separators.
      const negative = /^-|^\(.*\)$/.test(raw.trim());
      const digits = raw.replace(/[^0-9.]/g, '');
      return decodeValue(`${negative ? '-' : ''}${digits}`, field);
    }
    return decodeValue(raw, field);
  }

  encode(value: Value, field: FieldDescription): unknown {
    const normalized = normalizeForField(value, field);
    if (normalized === null) return null;
    if (typeof normalized === 'string' && (field.type === 'string' || field.type === 'id')) {
      const characters = [...normalized];
      // Like the server: text longer than the column fails, unless only trailing spaces are too many.
      if (field.length && characters.length > field.length && characters.slice(field.length).join('').trim() !== '') {
        throw refuse('too_long', `${characters.length} characters, more than the ${field.length} ${field.name} allows`);
      }
      if (field.picklistValues?.length && !field.picklistValues.includes(normalized)) {
        throw refuse('invalid_value', `"${normalized}" is not one of the allowed values (${field.picklistValues.join(', ')})`);
      }
    }
    if (normalized instanceof Uint8Array) return Buffer.from(normalized.buffer, normalized.byteOffset, normalized.byteLength);
    // A JSON array bound to an array column: pg turns a JS array into an array literal.
    if (field.type === 'json' && typeof normalized === 'string' && field.nativeType.trim().endsWith('[]')) return JSON.parse(normalized) as unknown;
    return normalized;
  }

  recordError(error: unknown): RecordError | undefined {
    return postgresRecordError(error);
  }

  wrapError(error: unknown, context: string): CutoverError {
    return postgresError(error, context, this.options, this.options.password ? [this.options.password] : []);
  }
}

/** A canonical value as a DDL literal. */
export function literal(value: Value): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'::bytea`;
  return sqlString(String(value));
}
