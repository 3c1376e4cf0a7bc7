/** Keyset-paginated reads and counts of one table. Never OFFSET: each page starts after the last key seen. */
import type { CrmRecord, FieldDescription, ObjectDescription, ReadOptions, RecordBatch } from '../contract.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { canonicalDatetime } from '../../core/values.js';
import type { SqlContext } from './sql-connector.js';
import type { Row } from './sql-driver.js';

/** The field description of a column, or an error naming the object. */
export function fieldOf(object: ObjectDescription, name: string): FieldDescription {
  const field = object.fields.find((candidate) => candidate.name === name);
  if (!field) {
    throw new CutoverError('schema.field_missing', `${object.name} has no field "${name}".`, {
      hints: [`run \`cutover describe\` to list the fields of ${object.name}`],
    });
  }
  return field;
}

/** An id as text (how records carry it) → the value bound for its column. */
export function bindId(context: SqlContext, object: ObjectDescription, id: string): unknown {
  const field = fieldOf(object, object.idField);
  if (field.type === 'integer') {
    if (!/^-?\d+$/.test(id)) throw new CutoverError('usage', `${object.name}: id "${id}" is not an integer.`);
    // As text, so ids beyond 2^53 stay exact (the dialect binds them as integers).
    return context.dialect.encode(id, field);
  }
  return context.dialect.encode(id, field);
}

/** Turns a row into a record with canonical values. */
export function decodeRow(context: SqlContext, object: ObjectDescription, fields: FieldDescription[], row: Row): CrmRecord {
  const values: CrmRecord['values'] = {};
  for (const field of fields) values[field.name] = context.dialect.decode(row[field.name], field);
  const id = values[object.idField];
  return { id: id === null || id === undefined ? '' : String(id), values, deleted: isDeleted(object, values) };
}

/** Turns a row given as an array (in the order of `fields`) into a record. */
export function decodeArray(context: SqlContext, object: ObjectDescription, fields: FieldDescription[], row: unknown[]): CrmRecord {
  const values: CrmRecord['values'] = {};
  for (let i = 0; i < fields.length; i += 1) {
    const field = fields[i] as FieldDescription;
    values[field.name] = context.dialect.decode(row[i], field);
  }
  const id = values[object.idField];
  return { id: id === null || id === undefined ? '' : String(id), values, deleted: isDeleted(object, values) };
}

function isDeleted(object: ObjectDescription, values: CrmRecord['values']): boolean {
  const rule = object.softDelete;
  if (!rule) return false;
  const value = values[rule.field];
  if (rule.kind === 'timestamp') return value !== null && value !== undefined;
  return looseEqual(value ?? null, rule.deletedValue);
}

/** Equality that treats 1/true and 0/false as the same, as SQL flags do. */
export function looseEqual(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v === true ? 1 : v === false ? 0 : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v);
  return norm(a) === norm(b);
}

interface Filter {
  sql: string;
  params: unknown[];
}

function filters(context: SqlContext, object: ObjectDescription, options: { includeDeleted?: boolean; since?: Date }, start: number): Filter {
  const { dialect } = context;
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (options.since) {
    if (!object.modifiedAtField) {
      throw new CutoverError('schema.field_missing', `${object.name} has no modified-at column, so changes since a moment cannot be read.`, {
        hints: [`name it in the plan: systems.<name>.profile.objects.${object.name}.modifiedAt`],
      });
    }
    const field = fieldOf(object, object.modifiedAtField);
    params.push(dialect.encode(canonicalDatetime(options.since), field));
    clauses.push(`${dialect.quoteIdentifier(field.name)} >= ${dialect.placeholder(start + params.length)}`);
  }
  if (options.includeDeleted === false && object.softDelete) {
    const rule = object.softDelete;
    const column = dialect.quoteIdentifier(rule.field);
    if (rule.kind === 'timestamp') clauses.push(`${column} IS NULL`);
    else {
      params.push(dialect.encode(rule.deletedValue, fieldOf(object, rule.field)));
      clauses.push(`(${column} IS NULL OR ${column} <> ${dialect.placeholder(start + params.length)})`);
    }
  }
  return { sql: clauses.join(' AND '), params };
}

/** Reads an object in key order, one batch per round trip. */
export async function* readObject(
  context: SqlContext,
  object: ObjectDescription,
  options: ReadOptions & { batchSize: number },
): AsyncGenerator<RecordBatch> {
  const { dialect, driver } = context;
  const fields = options.fields
    ? [...new Set([object.idField, ...(object.softDelete ? [object.softDelete.field] : []), ...options.fields])].map((name) => fieldOf(object, name))
    : object.fields;
  const table = dialect.quoteIdentifier(object.name);
  const key = dialect.quoteIdentifier(object.idField);
  const columns = fields.map((field) => dialect.quoteIdentifier(field.name)).join(', ');
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  let after: string | null = options.after ?? null;
  for (;;) {
    throwIfAborted(options.signal, `reading ${object.name}`);
    const filter = filters(context, object, options, after === null ? 0 : 1);
    const where = [after === null ? '' : `${key} > ${dialect.placeholder(1)}`, filter.sql].filter(Boolean).join(' AND ');
    const params = [...(after === null ? [] : [bindId(context, object, after)]), ...filter.params];
    const sql = `SELECT ${columns} FROM ${table}${where ? ` WHERE ${where}` : ''} ORDER BY ${key} LIMIT ${batchSize}`;
    let records: CrmRecord[];
    try {
      records = driver.queryArrays
        ? (await driver.queryArrays(sql, params)).map((row) => decodeArray(context, object, fields, row))
        : (await driver.query(sql, params)).map((row) => decodeRow(context, object, fields, row));
    } catch (error) {
      throw context.dialect.wrapError(error, `reading ${object.name} from ${context.displayName}${after === null ? '' : ` after id ${after}`}`);
    }
    const rows = records;
    if (rows.length === 0) return;
    after = (records[records.length - 1] as CrmRecord).id;
    yield { object: object.name, records, cursor: after };
    if (rows.length < batchSize) return;
  }
}

/** Counts records (soft-deleted ones too unless told otherwise). */
export async function countRecords(
  context: SqlContext,
  object: ObjectDescription,
  options: { includeDeleted?: boolean; since?: Date },
): Promise<number> {
  const filter = filters(context, object, options, 0);
  const sql = `SELECT COUNT(*) AS n FROM ${context.dialect.quoteIdentifier(object.name)}${filter.sql ? ` WHERE ${filter.sql}` : ''}`;
  try {
    const rows = await context.driver.query(sql, filter.params);
    return Number(rows[0]?.n ?? 0);
  } catch (error) {
    throw context.dialect.wrapError(error, `counting ${object.name} in ${context.displayName}`);
  }
}

/** Ids per `IN (…)` list of {@link readIds}. */
const IDS_PER_QUERY = 500;

/** The records with these ids, all fields, soft-deleted ones flagged. */
export async function readIds(context: SqlContext, object: ObjectDescription, ids: string[], signal?: AbortSignal): Promise<CrmRecord[]> {
  const { dialect, driver } = context;
  const fields = object.fields;
  const columns = fields.map((field) => dialect.quoteIdentifier(field.name)).join(', ');
  const records: CrmRecord[] = [];
  const perQuery = Math.min(IDS_PER_QUERY, dialect.maxParameters);
  for (let start = 0; start < ids.length; start += perQuery) {
    throwIfAborted(signal, `reading ${object.name} by id`);
    const chunk = ids.slice(start, start + perQuery);
    const params = chunk.map((id) => bindId(context, object, id));
    const list = chunk.map((_, index) => dialect.placeholder(index + 1)).join(', ');
    const sql = `SELECT ${columns} FROM ${dialect.quoteIdentifier(object.name)} WHERE ${dialect.quoteIdentifier(object.idField)} IN (${list})`;
    try {
      if (driver.queryArrays) for (const row of await driver.queryArrays(sql, params)) records.push(decodeArray(context, object, fields, row));
      else for (const row of await driver.query(sql, params)) records.push(decodeRow(context, object, fields, row));
    } catch (error) {
      throw dialect.wrapError(error, `reading ${chunk.length} ${object.name} record(s) by id from ${context.displayName}`);
    }
  }
  return records;
}
