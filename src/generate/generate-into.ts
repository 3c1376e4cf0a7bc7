/**
 * Fills an empty SQL database with a generated CRM: creates the tables, adds
 * the shape's views, triggers and routines, then streams rows in batches
 * with explicit ids. Memory stays flat: rows are computed from (seed,
 * object, index) as they are written, never collected.
 */
import type { WriteRecord } from '../connectors/contract.js';
import type { SqlConnector } from '../connectors/sql/sql-connector.js';
import { CutoverError, throwIfAborted } from '../core/errors.js';
import { createContext } from './context.js';
import { startOfTodayUtc } from './moments.js';
import type { ObjectPlan } from './shape.js';
import { shapeOf } from './shapes/registry.js';
import { SHAPE_NAMES, type GenerateOptions, type GenerateResult } from './types.js';

const MAX_REPORTED_FAILURES = 5;

/** Checks options before anything is written; all problems at once. */
function validate(options: GenerateOptions): void {
  const problems: string[] = [];
  const whole = (name: string, value: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER, required = false): void => {
    if (value === undefined && !required) return;
    if (value === undefined || !Number.isSafeInteger(value) || value < min || value > max) problems.push(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  };
  if (!SHAPE_NAMES.includes(options.shape)) problems.push(`shape must be one of ${SHAPE_NAMES.join(', ')}, got "${String(options.shape)}"`);
  whole('records', options.records, 0, 2 ** 31, true);
  whole('seed', options.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  whole('users', options.users, 1, 50_000);
  whole('batchSize', options.batchSize, 1, 100_000);
  if (options.asOf !== undefined && Number.isNaN(options.asOf.getTime())) problems.push('asOf is not a valid date');
  if (problems.length > 0) {
    throw new CutoverError('usage', `Cannot generate: ${problems.join('; ')}.`, { details: problems });
  }
}

/**
 * Creates the shape's tables in an empty database and fills them. Throws a
 * CutoverError: `schema.exists` if a table is already there, `write.failed`
 * naming the object, id and reason if any row is refused, `aborted` when
 * the signal fires.
 */
export async function generateInto(connector: SqlConnector, options: GenerateOptions): Promise<GenerateResult> {
  validate(options);
  const started = performance.now();
  const shape = shapeOf(options.shape);
  const asOf = options.asOf ?? startOfTodayUtc();
  const batchSize = options.batchSize ?? 1000;
  const context = createContext(options.seed, asOf, options.records, options.users);
  const plans = shape.plans(context);
  const extras = shape.extras(connector.dialectName);

  throwIfAborted(options.signal, 'generate');
  await connector.createObjects(shape.definitions());
  for (const statement of extras) await connector.execute(statement);

  const objects: GenerateResult['objects'] = [];
  for (const plan of plans) objects.push(await fill(connector, plan, batchSize, options));

  return {
    shape: options.shape,
    seed: options.seed,
    asOf: asOf.toISOString(),
    objects,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}

async function fill(connector: SqlConnector, plan: ObjectPlan, batchSize: number, options: GenerateOptions): Promise<{ name: string; records: number; deleted: number }> {
  let written = 0;
  let deleted = 0;
  let batch: WriteRecord[] = [];
  const flush = async (): Promise<void> => {
    throwIfAborted(options.signal, `generate (${plan.name})`);
    const writeOptions = options.signal ? { signal: options.signal } : {};
    const results = await connector.write(plan.name, 'insert', batch, writeOptions);
    const failures = results.flatMap((result, i) => (result.ok ? [] : [{ id: batch[i]?.id ?? result.id ?? '?', error: result.error }]));
    if (failures.length > 0 || results.length !== batch.length) {
      const first = failures[0];
      const details = failures.slice(0, MAX_REPORTED_FAILURES).map((f) => `${plan.name} ${f.id}: ${f.error.code}${f.error.field ? ` (${f.error.field})` : ''}: ${f.error.message}`);
      throw new CutoverError(
        'write.failed',
        first
          ? `Generating ${plan.name} failed: record ${first.id} was refused (${first.error.code}: ${first.error.message})${failures.length > 1 ? ` and ${failures.length - 1} more in the same batch` : ''}.`
          : `Generating ${plan.name} failed: the connector returned ${results.length} results for ${batch.length} records.`,
        { details, hints: ['generate into an empty database; if it was empty, this is a bug in the generator'] },
      );
    }
    written += batch.length;
    batch = [];
    options.onProgress?.({ object: plan.name, written, total: plan.total });
  };
  for (const record of plan.rows()) {
    if (plan.deletedField) {
      const flag = record.values[plan.deletedField];
      if (flag === true || flag === 1) deleted += 1;
    }
    batch.push(record);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  else if (written === 0) options.onProgress?.({ object: plan.name, written: 0, total: plan.total });
  return { name: plan.name, records: written, deleted };
}
