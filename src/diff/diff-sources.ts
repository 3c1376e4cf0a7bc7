/**
 * `cutover diff`: compares two record sources (backups, live systems)
 * object by object, in memory bounded by one partition whatever the number
 * of records (see diff-object.ts for the passes).
 */
import { tmpdir } from 'node:os';
import { CutoverError } from '../core/errors.js';
import { COMPARE_PARTITION_RECORDS, diffObject } from './diff-object.js';
import type { DiffOptions, DiffReport, ObjectDiff } from './diff-types.js';
import { LEAF_RECORDS, SPLIT_PARTS } from './range-diff.js';
import type { RecordSource, SourceObject } from './record-source.js';
import { SpillFolder } from './spill.js';

/** Examples kept per list per object when {@link DiffOptions.limit} is not given. */
export const DEFAULT_LIMIT = 20;

/**
 * Compares the records of two sources. Objects come in side a's order, then
 * those only in b. Throws a CutoverError: `usage` for a bad option or an
 * object on neither side, `aborted` when the signal fires, `io.failed` when
 * the temporary folder cannot be written; errors of the sources pass through.
 * Temporary files are removed before it returns or throws.
 */
export async function diffSources(a: RecordSource, b: RecordSource, options: DiffOptions = {}): Promise<DiffReport> {
  const started = performance.now();
  const measuredAt = new Date().toISOString();
  const limit = options.limit ?? DEFAULT_LIMIT;
  if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) {
    throw new CutoverError('usage', `The example limit must be a whole number from 0 up, or Infinity; got ${String(limit)}.`);
  }
  const partitionRecords = options.partitionRecords ?? COMPARE_PARTITION_RECORDS;
  if (!(Number.isSafeInteger(partitionRecords) && partitionRecords >= 1)) {
    throw new CutoverError('usage', `Records per partition must be a whole number from 1 up; got ${String(partitionRecords)}.`);
  }
  const parts = options.ranges?.parts ?? SPLIT_PARTS;
  const leafRecords = options.ranges?.leafRecords ?? LEAF_RECORDS;
  if (!(Number.isSafeInteger(parts) && parts >= 2 && Number.isSafeInteger(leafRecords) && leafRecords >= 1)) {
    throw new CutoverError('usage', `Range parts must be a whole number from 2 up and leaf records from 1 up; got ${String(parts)} and ${String(leafRecords)}.`);
  }
  const [objectsA, objectsB] = await Promise.all([a.objects(), b.objects()]);
  const names = objectNames(objectsA, objectsB, options.objects, a, b);
  const byNameA = new Map(objectsA.map((object) => [object.name, object]));
  const byNameB = new Map(objectsB.map((object) => [object.name, object]));

  const spills = new SpillFolder(options.tempDir ?? tmpdir());
  const context = { a, b, limit, partitionRecords, signal: options.signal, spills, onObject: options.onObject, ranges: { parts, leafRecords } };
  const objects: ObjectDiff[] = [];
  const records = { a: 0, b: 0 };
  try {
    for (const name of names) {
      const result = await diffObject(context, name, byNameA.get(name), byNameB.get(name));
      objects.push(result.diff);
      records.a += result.records.a;
      records.b += result.records.b;
    }
  } finally {
    spills.remove();
  }
  return {
    a: a.label,
    b: b.label,
    equal: objects.every(isEqual),
    objects,
    records,
    seconds: Math.round(performance.now() - started) / 1000,
    measuredAt,
  };
}

/** Whether an object's comparison found nothing: no record, field or presence difference. */
export function isEqual(diff: ObjectDiff): boolean {
  return (
    diff.onlyInA === 0 &&
    diff.onlyInB === 0 &&
    diff.changed === 0 &&
    diff.missingOn === undefined &&
    diff.fieldsOnlyInA.length === 0 &&
    diff.fieldsOnlyInB.length === 0
  );
}

function objectNames(objectsA: SourceObject[], objectsB: SourceObject[], wanted: string[] | undefined, a: RecordSource, b: RecordSource): string[] {
  const all = [...new Set([...objectsA.map((object) => object.name), ...objectsB.map((object) => object.name)])];
  if (!wanted) return all;
  const unknown = wanted.filter((name) => !all.includes(name));
  if (unknown.length > 0) {
    throw new CutoverError('schema.object_missing', `Neither ${a.label} nor ${b.label} has ${unknown.map((name) => `"${name}"`).join(', ')}.`, {
      hints: [`objects on either side: ${all.slice(0, 20).join(', ') || 'none'}${all.length > 20 ? ` and ${all.length - 20} more` : ''}`],
    });
  }
  const chosen = new Set(wanted);
  return all.filter((name) => chosen.has(name));
}
