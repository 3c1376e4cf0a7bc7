/**
 * Batched writes with per-record results. A batch runs in one transaction
 * and first tries the fast way (multi-row statements under one savepoint); if
 * any record fails, the savepoint is rolled back and each record is written
 * under its own savepoint, so one bad record fails alone and the rest land.
 */
import type { FieldDescription, ObjectDescription, RecordError, WriteOptions, WriteRecord, WriteResult } from '../contract.js';
import { CutoverError, throwIfAborted } from '../../core/errors.js';
import { canonicalDatetime, canonicalInteger, type Value } from '../../core/values.js';
import type { SqlContext } from './sql-connector.js';
import type { SqlExecutor } from './sql-driver.js';
import { idMaker } from './sql-ids.js';
import { bindId } from './sql-read.js';

/** A piece of work on one or more records of a batch, by their input positions. */
interface Unit {
  indexes: number[];
  /** The results, one per index; `undefined` when only the record-by-record path can tell them apart. */
  run(tx: SqlExecutor): Promise<WriteResult[] | undefined>;
  /** The same work, one unit per record (for the slow, record-by-record path). */
  split(): Unit[];
}

/** Prepared values of one record: columns in order with their bound values. */
interface Prepared {
  index: number;
  id: string | undefined;
  columns: string[];
  params: unknown[];
}

/**
 * Bind parameters of one multi-row INSERT at most (the dialect's limit still
 * applies). Beyond a few thousand, bigger statements write no faster, and an
 * in-process database keeps each prepared one: SQLite holds about 2.4 MB for
 * 1,000 rows of 25 columns, and the driver caches statements.
 */
const PARAMS_PER_INSERT = 2500;
const BATCH_SAVEPOINT = 'cutover_batch';
const RECORD_SAVEPOINT = 'cutover_record';

/** Inserts, updates or upserts records; one result per record, in input order. */
export async function writeRecords(
  context: SqlContext,
  object: ObjectDescription,
  operation: 'insert' | 'update' | 'upsert',
  records: WriteRecord[],
  options: WriteOptions,
): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(records.length);
  const batchSize = 1000;
  for (let start = 0; start < records.length; start += batchSize) {
    throwIfAborted(options.signal, `writing ${object.name}`);
    const slice = records.slice(start, start + batchSize);
    const sliceResults = await writeSlice(context, object, operation, slice, options);
    sliceResults.forEach((result, i) => (results[start + i] = result));
  }
  return results;
}

async function writeSlice(
  context: SqlContext,
  object: ObjectDescription,
  operation: 'insert' | 'update' | 'upsert',
  records: WriteRecord[],
  options: WriteOptions,
): Promise<WriteResult[]> {
  const results: WriteResult[] = new Array(records.length);
  const now = canonicalDatetime(new Date());
  const makeId = idMaker(context.profile, object);
  const idField = object.fields.find((field) => field.name === object.idField) as FieldDescription;
  const fields = fieldsByName(object);

  return context.driver
    .transaction(async (tx) => {
      const toInsert: Prepared[] = [];
      const units: Unit[] = [];
      let existing = new Map<string, string>();
      if (operation === 'upsert') existing = await findExisting(context, tx, object, records, options.matchField ?? object.idField);

      records.forEach((record, index) => {
        const matchField = options.matchField ?? object.idField;
        const matchValue = operation === 'upsert' ? matchKey(matchField === object.idField ? record.id : record.values[matchField]) : undefined;
        const targetId = operation === 'update' ? record.id : matchValue !== undefined ? existing.get(matchValue) : undefined;
        if (operation === 'update' && !targetId) {
          results[index] = failure('required', `update needs the record's id`, object.idField);
          return;
        }
        if (targetId !== undefined) {
          const prepared = prepare(context, object, fields, index, targetId, withStamps(object, record.values, now, false), results);
          if (prepared) units.push(updateUnit(context, object, prepared, targetId));
          return;
        }
        let id = record.id ?? (record.values[object.idField] as string | undefined);
        if (id === undefined || id === null) id = makeId?.();
        if (id === undefined && !idField.autoAssigned) {
          results[index] = failure('required', `${object.name}.${object.idField} has no value and the database does not assign one`, object.idField);
          return;
        }
        const values = withStamps(object, record.values, now, true);
        if (id !== undefined) values[object.idField] = idField.type === 'integer' && /^-?\d+$/.test(String(id)) ? canonicalInteger(String(id)) : String(id);
        const prepared = prepare(context, object, fields, index, id === undefined ? undefined : String(id), values, results);
        if (!prepared) return;
        if (matchValue !== undefined && prepared.id !== undefined) existing.set(matchValue, prepared.id);
        if (prepared.id === undefined) units.push(autoIdInsertUnit(context, object, prepared));
        else toInsert.push(prepared);
      });
      units.push(...insertUnits(context, object, toInsert));
      const explicitIds = idField.autoAssigned ? toInsert.map((prepared) => prepared.index) : [];
      await runUnits(context, tx, units, results);
      if (context.dialect.afterExplicitIds && explicitIds.some((index) => results[index]?.ok)) await context.dialect.afterExplicitIds(tx, object);
      return results;
    })
    .catch((error: unknown) => {
      throw error instanceof CutoverError ? error : context.dialect.wrapError(error, `writing ${object.name} to ${context.displayName}`);
    });
}

function matchKey(value: Value | undefined): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

async function findExisting(
  context: SqlContext,
  tx: SqlExecutor,
  object: ObjectDescription,
  records: WriteRecord[],
  matchField: string,
): Promise<Map<string, string>> {
  const { dialect } = context;
  const field = object.fields.find((candidate) => candidate.name === matchField);
  if (!field) throw new CutoverError('schema.field_missing', `${object.name} has no field "${matchField}" to match upserts on.`);
  if (!field.unique) {
    throw new CutoverError('usage', `${object.name}.${matchField} is not unique, so it cannot match records for an upsert.`, {
      hints: ['match on the id or on a field with a unique constraint (an external id)'],
    });
  }
  const values = [
    ...new Set(records.map((record) => matchKey(matchField === object.idField ? record.id : record.values[matchField])).filter((v): v is string => v !== undefined)),
  ];
  const found = new Map<string, string>();
  const chunk = Math.min(500, dialect.maxParameters);
  for (let start = 0; start < values.length; start += chunk) {
    const part = values.slice(start, start + chunk);
    const params = part.map((value) => (matchField === object.idField ? bindId(context, object, value) : dialect.encode(coerce(value, field), field)));
    const rows = await tx.query(
      `SELECT ${dialect.quoteIdentifier(matchField)} AS m, ${dialect.quoteIdentifier(object.idField)} AS i FROM ${dialect.quoteIdentifier(object.name)} WHERE ${dialect.quoteIdentifier(matchField)} IN (${part.map((_, i) => dialect.placeholder(i + 1)).join(', ')})`,
      params,
    );
    for (const row of rows) found.set(String(dialect.decode(row.m, field)), String(row.i));
  }
  return found;
}

function coerce(value: string, field: FieldDescription): Value {
  return field.type === 'integer' && /^-?\d+$/.test(value) ? canonicalInteger(value) : value;
}

/** Sets created-at and modified-at to now where the record leaves them out, as a CRM does. */
function withStamps(object: ObjectDescription, values: Record<string, Value>, now: string, inserting: boolean): Record<string, Value> {
  const stamped = { ...values };
  if (object.modifiedAtField && !(object.modifiedAtField in stamped)) stamped[object.modifiedAtField] = now;
  if (inserting && object.createdAtField && !(object.createdAtField in stamped)) stamped[object.createdAtField] = now;
  return stamped;
}

/** The fields of an object by name, made once per batch: looking up each value's field in the list showed in restore's profile. */
function fieldsByName(object: ObjectDescription): Map<string, FieldDescription> {
  return new Map(object.fields.map((field) => [field.name, field]));
}

function prepare(
  context: SqlContext,
  object: ObjectDescription,
  fields: Map<string, FieldDescription>,
  index: number,
  id: string | undefined,
  values: Record<string, Value>,
  results: WriteResult[],
): Prepared | undefined {
  // Keys and params in arrays of their final size: no pair arrays, no regrowth (a restore prepares every record).
  const columns = Object.keys(values);
  const params = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i += 1) {
    const name = columns[i] as string;
    const field = fields.get(name);
    if (!field) {
      results[index] = failure('unknown_field', `${object.name} has no field "${name}"`, name, id);
      return undefined;
    }
    try {
      params[i] = context.dialect.encode(values[name] as Value, field);
    } catch (error) {
      // A dialect may name a more precise record error code (e.g. `too_long`) on what it throws; Node's own codes are ERR_….
      const code = (error as { code?: unknown }).code;
      results[index] = failure(typeof code === 'string' && /^[a-z_]+$/.test(code) ? code : 'invalid_value', `${name}: ${(error as Error).message}`, name, id);
      return undefined;
    }
  }
  return { index, id, columns, params };
}

function failure(code: string, message: string, field?: string, id?: string): WriteResult {
  const error: RecordError = { code, message };
  if (field) error.field = field;
  return id === undefined ? { ok: false, error } : { ok: false, id, error };
}

function insertUnits(context: SqlContext, object: ObjectDescription, prepared: Prepared[]): Unit[] {
  const { dialect } = context;
  const units: Unit[] = [];
  let group: Prepared[] = [];
  const flush = (): void => {
    if (group.length === 0) return;
    const rows = group;
    group = [];
    units.push(multiInsertUnit(context, object, rows));
  };
  for (const row of prepared) {
    const first = group[0];
    const sameShape = first !== undefined && sameColumns(first.columns, row.columns);
    const fits = (group.length + 1) * row.columns.length <= Math.min(dialect.maxParameters, PARAMS_PER_INSERT);
    if (!sameShape || !fits) flush();
    group.push(row);
  }
  flush();
  return units;
}

function sameColumns(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** Multi-row INSERT texts by dialect, table, columns and row count: a batch of 1,000 rows has a text of tens of kilobytes. */
const insertTexts = new WeakMap<SqlContext['dialect'], Map<string, string>>();
const INSERT_TEXTS_KEPT = 64;

function multiInsertText(context: SqlContext, object: ObjectDescription, columns: string[], rows: number): string {
  const { dialect } = context;
  let texts = insertTexts.get(dialect);
  if (!texts) insertTexts.set(dialect, (texts = new Map()));
  const key = `${rows}\u0000${object.name}\u0000${columns.join('\u0000')}`;
  let text = texts.get(key);
  if (text === undefined) {
    let n = 0;
    const tuples = new Array<string>(rows);
    for (let r = 0; r < rows; r += 1) tuples[r] = `(${columns.map(() => dialect.placeholder(++n)).join(', ')})`;
    text = `INSERT INTO ${dialect.quoteIdentifier(object.name)} (${columns.map((c) => dialect.quoteIdentifier(c)).join(', ')}) VALUES ${tuples.join(', ')}`;
    if (texts.size >= INSERT_TEXTS_KEPT) texts.clear();
    texts.set(key, text);
  }
  return text;
}

function multiInsertUnit(context: SqlContext, object: ObjectDescription, rows: Prepared[]): Unit {
  return {
    indexes: rows.map((row) => row.index),
    async run(tx) {
      const columns = (rows[0] as Prepared).columns;
      const params = new Array<unknown>(rows.length * columns.length);
      let n = 0;
      for (const row of rows) for (const param of row.params) params[n++] = param;
      await tx.run(multiInsertText(context, object, columns, rows.length), params);
      return rows.map((row) => ({ ok: true, id: row.id as string, created: true }));
    },
    split: () => (rows.length === 1 ? [multiInsertUnit(context, object, rows)] : rows.map((row) => multiInsertUnit(context, object, [row]))),
  };
}

function autoIdInsertUnit(context: SqlContext, object: ObjectDescription, row: Prepared): Unit {
  const { dialect } = context;
  const unit: Unit = {
    indexes: [row.index],
    async run(tx) {
      const table = dialect.quoteIdentifier(object.name);
      const columns = row.columns.map((c) => dialect.quoteIdentifier(c)).join(', ');
      const values = row.columns.map((_, i) => dialect.placeholder(i + 1)).join(', ');
      const insert = row.columns.length > 0 ? `INSERT INTO ${table} (${columns}) VALUES (${values})` : `INSERT INTO ${table} ${dialect.defaultValuesInsert ?? 'DEFAULT VALUES'}`;
      if (dialect.insertReturning) {
        const rows = await tx.query(`${insert} RETURNING ${dialect.quoteIdentifier(object.idField)} AS id`, row.params);
        return [{ ok: true, id: String(rows[0]?.id), created: true }];
      }
      const result = await tx.run(insert, row.params);
      if (result.insertId === undefined) throw new CutoverError('write.failed', `${object.name}: the database did not report the new id.`);
      return [{ ok: true, id: String(result.insertId), created: true }];
    },
    split: () => [unit],
  };
  return unit;
}

function updateUnit(context: SqlContext, object: ObjectDescription, row: Prepared, id: string): Unit {
  const { dialect } = context;
  const unit: Unit = {
    indexes: [row.index],
    async run(tx) {
      const table = dialect.quoteIdentifier(object.name);
      const key = dialect.quoteIdentifier(object.idField);
      const columns = row.columns.filter((column) => column !== object.idField);
      const params = row.params.filter((_, i) => row.columns[i] !== object.idField);
      if (columns.length === 0) {
        const rows = await tx.query(`SELECT 1 AS x FROM ${table} WHERE ${key} = ${dialect.placeholder(1)}`, [bindId(context, object, id)]);
        return [rows.length > 0 ? { ok: true, id, created: false } : failure('not_found', `${object.name} ${id} does not exist`, undefined, id)];
      }
      const set = columns.map((column, i) => `${dialect.quoteIdentifier(column)} = ${dialect.placeholder(i + 1)}`).join(', ');
      const result = await tx.run(`UPDATE ${table} SET ${set} WHERE ${key} = ${dialect.placeholder(columns.length + 1)}`, [
        ...params,
        bindId(context, object, id),
      ]);
      return [result.changes > 0 ? { ok: true, id, created: false } : failure('not_found', `${object.name} ${id} does not exist`, undefined, id)];
    },
    split: () => [unit],
  };
  return unit;
}

async function runUnits(context: SqlContext, tx: SqlExecutor, units: Unit[], results: WriteResult[]): Promise<void> {
  if (units.length === 0) return;
  await tx.run(`SAVEPOINT ${BATCH_SAVEPOINT}`);
  try {
    const fast: Array<[number[], WriteResult[]]> = [];
    for (const unit of units) {
      const unitResults = await unit.run(tx);
      if (!unitResults) break;
      fast.push([unit.indexes, unitResults]);
    }
    if (fast.length === units.length) {
      await tx.run(`RELEASE SAVEPOINT ${BATCH_SAVEPOINT}`);
      for (const [indexes, unitResults] of fast) indexes.forEach((index, i) => (results[index] = unitResults[i] as WriteResult));
      return;
    }
  } catch (error) {
    if (!context.dialect.recordError(error)) throw error;
  }
  await tx.run(`ROLLBACK TO SAVEPOINT ${BATCH_SAVEPOINT}`);
  await tx.run(`RELEASE SAVEPOINT ${BATCH_SAVEPOINT}`);
  for (const unit of units.flatMap((u) => u.split())) {
    await tx.run(`SAVEPOINT ${RECORD_SAVEPOINT}`);
    try {
      const unitResults = await unit.run(tx);
      if (!unitResults) throw new CutoverError('internal', `A write of ${unit.indexes.length} record(s) in ${context.displayName} could not tell its results apart.`);
      await tx.run(`RELEASE SAVEPOINT ${RECORD_SAVEPOINT}`);
      unit.indexes.forEach((index, i) => (results[index] = unitResults[i] as WriteResult));
    } catch (error) {
      const recordError = context.dialect.recordError(error);
      if (!recordError) throw error;
      await tx.run(`ROLLBACK TO SAVEPOINT ${RECORD_SAVEPOINT}`);
      await tx.run(`RELEASE SAVEPOINT ${RECORD_SAVEPOINT}`);
      for (const index of unit.indexes) results[index] = { ok: false, error: recordError };
    }
  }
}

/** Deletes records by id: `soft` sets the soft-delete column, `hard` removes rows. One result per id. */
export async function deleteRecords(
  context: SqlContext,
  object: ObjectDescription,
  ids: string[],
  options: { mode: 'soft' | 'hard'; signal?: AbortSignal },
): Promise<WriteResult[]> {
  const { dialect } = context;
  const rule = object.softDelete;
  if (options.mode === 'soft' && !rule) {
    throw new CutoverError('schema.unsupported', `${object.name} has no soft-delete column, so records can only be deleted for good.`, {
      hints: [`name one in the plan (systems.<name>.profile.objects.${object.name}.softDelete) or delete with mode "hard"`],
    });
  }
  const results: WriteResult[] = new Array(ids.length);
  const table = dialect.quoteIdentifier(object.name);
  const key = dialect.quoteIdentifier(object.idField);
  const now = canonicalDatetime(new Date());
  /** The statement that deletes (or marks deleted) the records with these ids. */
  const statement = (batch: string[]): { sql: string; params: unknown[] } => {
    const params: unknown[] = [];
    const sets: string[] = [];
    if (options.mode === 'soft') {
      const field = object.fields.find((f) => f.name === rule?.field) as FieldDescription;
      params.push(dialect.encode(rule?.kind === 'timestamp' ? now : (rule?.deletedValue ?? null), field));
      sets.push(`${dialect.quoteIdentifier(field.name)} = ${dialect.placeholder(params.length)}`);
      const modified = object.fields.find((f) => f.name === object.modifiedAtField);
      if (modified) {
        params.push(dialect.encode(now, modified));
        sets.push(`${dialect.quoteIdentifier(modified.name)} = ${dialect.placeholder(params.length)}`);
      }
    }
    const list = batch.map((id) => {
      params.push(bindId(context, object, id));
      return dialect.placeholder(params.length);
    });
    const where = `WHERE ${key} ${batch.length === 1 ? `= ${list[0]}` : `IN (${list.join(', ')})`}`;
    return { sql: options.mode === 'hard' ? `DELETE FROM ${table} ${where}` : `UPDATE ${table} SET ${sets.join(', ')} ${where}`, params };
  };
  const oneRecord = (id: string, index: number): Unit => {
    const unit: Unit = {
      indexes: [index],
      async run(executor) {
        const { sql, params } = statement([id]);
        const result = await executor.run(sql, params);
        return [result.changes > 0 ? { ok: true, id, created: false } : failure('not_found', `${object.name} ${id} does not exist`, undefined, id)];
      },
      split: () => [unit],
    };
    return unit;
  };
  for (let start = 0; start < ids.length; start += 1000) {
    throwIfAborted(options.signal, `deleting from ${object.name}`);
    const slice = ids.slice(start, start + 1000);
    // One statement for the slice; when it cannot account for every id (one is gone, one is still referenced), record by record.
    const batch: Unit = {
      indexes: slice.map((_, i) => start + i),
      async run(executor) {
        const { sql, params } = statement(slice);
        const result = await executor.run(sql, params);
        return result.changes === slice.length && new Set(slice).size === slice.length ? slice.map((id) => ({ ok: true, id, created: false })) : undefined;
      },
      split: () => slice.map((id, i) => oneRecord(id, start + i)),
    };
    await context.driver
      .transaction((tx) => runUnits(context, tx, [batch], results))
      .catch((error: unknown) => {
        throw error instanceof CutoverError ? error : dialect.wrapError(error, `deleting from ${object.name} in ${context.displayName}`);
      });
  }
  return results;
}
