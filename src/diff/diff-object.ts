/**
 * The comparison of one object. Between two systems that compute checksums
 * of key ranges themselves and of one kind, range-diff.ts (the data-diff
 * method). Otherwise in up to three passes over each side:
 *
 * 1. digest: each side's set digest and count over the common fields, read
 *    once and kept nowhere (or taken from the side's own digest). Equal
 *    digests and counts mean equal records: done.
 * 2. compare: each side's (id, hash) pairs classified (classify.ts).
 * 3. changed fields: only for the changed records kept as examples, both
 *    sides' canonical texts are collected (partitioned the same way) and
 *    compared field by field. Each side is read until it gave them all.
 *
 * Pass 3 re-reads both sides instead of spilling every record's text in
 * pass 2: the pairs of pass 2 are ~50 bytes a record where the text is ~1 KB
 * (1.4 GB of temporary files for two sides of 1M records, often in a RAM
 * backed /tmp, against ~100 MB), and most diffs need the fields of a few
 * examples only, which a connector reading in key order gives early.
 */
import type { CrmRecord } from '../connectors/contract.js';
import { SetDigest } from '../core/record-hash.js';
import { valuesEqual, type Value } from '../core/values.js';
import { classify, type ObjectDiffContext, type PairFeed } from './classify.js';
import type { FieldChange, ObjectDiff } from './diff-types.js';
import { SmallestIds } from './natural-order.js';
import { objectFields, parseCanonicalText, type ObjectFields } from './object-fields.js';
import { changesByIds, comparableRanges, hashedFields, rangeDiff } from './range-diff.js';
import { bothSides, readEach } from './read-sides.js';
import type { RecordSource, SourceObject } from './record-source.js';
import { partitionsFor, type Spill } from './spill.js';

export type { ObjectDiffContext } from './classify.js';

/**
 * (id, hash) pairs per partition in the compare pass, by default: a map of
 * this many ids is a few MB. With 20,000 (against 50,000) a 1% diff of 1M
 * records peaked at 240–249 MiB instead of 250–256, and ran no slower.
 */
export const COMPARE_PARTITION_RECORDS = 20_000;
/**
 * How many times fewer records a partition of the changed-fields pass holds
 * than one of the compare pass: it holds whole records (~1 KB) of side a,
 * not 32-byte hashes.
 */
const FIELDS_PARTITION_RATIO = 5;
/** The field name reported when only the soft-deleted flag of a record differs. */
export const DELETED_FLAG = '(deleted)';

/** An object's comparison and the records counted on each side. */
export interface ObjectDiffResult {
  diff: ObjectDiff;
  records: { a: number; b: number };
}

/** Compares one object, present on at least one side. */
export async function diffObject(context: ObjectDiffContext, name: string, a: SourceObject | undefined, b: SourceObject | undefined): Promise<ObjectDiffResult> {
  if (!a || !b) return oneSided(context, name, a ? 'a' : 'b');
  const fields = objectFields(a, b);
  const base = { object: name, fieldsOnlyInA: fields.fieldsOnlyInA, fieldsOnlyInB: fields.fieldsOnlyInB };

  const names = hashedFields(fields, a.idField);
  const sides = await comparableRanges(context, name, names);
  if (sides) {
    const found = await rangeDiff(context, name, fields, names, sides);
    const changes = found.changedIds.length === 0 ? [] : await changesByIds(context, name, fields, sides, found.changedIds, fieldChanges);
    const { onlyInA, onlyInB, changed, same, onlyInAIds, onlyInBIds } = found;
    return { diff: { ...base, onlyInA, onlyInB, changed, same, onlyInAIds, onlyInBIds, changes }, records: found.records };
  }

  context.onObject?.({ object: name, phase: 'digest' });
  const [digestA, digestB] = await bothSides(
    context.signal,
    (signal) => sideDigest(context.a, name, fields, signal),
    (signal) => sideDigest(context.b, name, fields, signal),
  );
  if (digestA.count === digestB.count && digestA.digest.toLowerCase() === digestB.digest.toLowerCase()) {
    const diff = { ...base, onlyInA: 0, onlyInB: 0, changed: 0, same: digestA.count, onlyInAIds: [], onlyInBIds: [], changes: [] };
    return { diff, records: { a: digestA.count, b: digestB.count } };
  }

  context.onObject?.({ object: name, phase: 'compare' });
  const hashes =
    (source: RecordSource): PairFeed =>
    (signal, add) =>
      readEach(source, name, signal, (record) => add(record.id, fields.hash(record)));
  const classified = await classify(context, Math.max(digestA.count, digestB.count), hashes(context.a), hashes(context.b));
  const changedIds = classified.changedIds.sorted();
  const changes = changedIds.length === 0 ? [] : await changedFields(context, name, fields, changedIds);
  const { onlyInA, onlyInB, changed, same } = classified;
  const diff = { ...base, onlyInA, onlyInB, changed, same, onlyInAIds: classified.onlyInAIds.sorted(), onlyInBIds: classified.onlyInBIds.sorted(), changes };
  return { diff, records: { a: onlyInA + changed + same, b: onlyInB + changed + same } };
}

async function sideDigest(source: RecordSource, name: string, fields: ObjectFields, signal: AbortSignal): Promise<{ digest: string; count: number }> {
  // A precomputed digest covers whole records, so it only stands in when both sides have the same fields.
  if (fields.sameFields && source.digest) {
    const known = await source.digest(name);
    if (known) return known;
  }
  const set = new SetDigest();
  await readEach(source, name, signal, (record) => set.add(fields.hash(record)));
  return { digest: set.hex(), count: set.count };
}

async function changedFields(context: ObjectDiffContext, name: string, fields: ObjectFields, ids: string[]): Promise<ObjectDiff['changes']> {
  const wanted = new Set(ids);
  const perPartition = Math.max(1, Math.floor(context.partitionRecords / FIELDS_PARTITION_RATIO));
  const inMemory = ids.length <= perPartition;
  const partitions = inMemory ? 1 : partitionsFor(ids.length, perPartition);
  const spillA = context.spills.create(partitions, inMemory);
  const spillB = context.spills.create(partitions, inMemory);
  // Stops reading a side once it gave every wanted record: connectors read in key order, where the
  // smallest ids (the examples kept by default) usually come early.
  const keep = (spill: Spill) => {
    const seen = new Set<string>();
    return (record: CrmRecord): boolean => {
      if (!wanted.has(record.id) || seen.has(record.id)) return false;
      seen.add(record.id);
      spill.add(record.id, Buffer.from(fields.text(record), 'utf8'));
      return seen.size === wanted.size;
    };
  };
  await bothSides(
    context.signal,
    (signal) => readEach(context.a, name, signal, keep(spillA)),
    (signal) => readEach(context.b, name, signal, keep(spillB)),
  );
  spillA.finish();
  spillB.finish();

  const found = new Map<string, FieldChange[]>();
  for (let partition = 0; partition < partitions; partition += 1) {
    const texts = new Map<string, string>();
    spillA.forEach(partition, (id, text) => texts.set(id, text.toString('utf8')));
    spillB.forEach(partition, (id, text) => {
      const textA = texts.get(id);
      if (textA !== undefined) found.set(id, fieldChanges(textA, text.toString('utf8'), fields.common));
    });
  }
  spillA.discard();
  spillB.discard();
  // A record gone from a side since the compare pass (a live system) keeps its place, with no fields.
  return ids.map((id) => ({ id, fields: found.get(id) ?? [] }));
}

/**
 * The fields whose values differ between two canonical texts of one record:
 * in the order of `order` (side a's fields), then any others by name.
 */
export function fieldChanges(textA: string, textB: string, order: string[]): FieldChange[] {
  const recordA = parseCanonicalText(textA);
  const recordB = parseCanonicalText(textB);
  const others = [...new Set([...Object.keys(recordA.values), ...Object.keys(recordB.values)])].filter((name) => !order.includes(name)).sort();
  const names = [...order, ...others];
  const changes: FieldChange[] = [];
  for (const field of names) {
    const valueA: Value = recordA.values[field] ?? null;
    const valueB: Value = recordB.values[field] ?? null;
    if (!valuesEqual(valueA, valueB)) changes.push({ field, a: valueA, b: valueB });
  }
  if (changes.length === 0 && recordA.deleted !== recordB.deleted) changes.push({ field: DELETED_FLAG, a: recordA.deleted, b: recordB.deleted });
  return changes;
}

async function oneSided(context: ObjectDiffContext, name: string, present: 'a' | 'b'): Promise<ObjectDiffResult> {
  const source = present === 'a' ? context.a : context.b;
  const ids = new SmallestIds(context.limit);
  let count = 0;
  context.onObject?.({ object: name, phase: 'compare' });
  const known = context.limit === 0 && source.digest ? await source.digest(name) : undefined;
  if (known) count = known.count;
  else {
    await readEach(source, name, context.signal, (record) => {
      count += 1;
      ids.add(record.id);
    });
  }
  const sorted = ids.sorted();
  const diff: ObjectDiff = {
    object: name,
    onlyInA: present === 'a' ? count : 0,
    onlyInB: present === 'b' ? count : 0,
    changed: 0,
    same: 0,
    onlyInAIds: present === 'a' ? sorted : [],
    onlyInBIds: present === 'b' ? sorted : [],
    changes: [],
    missingOn: present === 'a' ? 'b' : 'a',
    fieldsOnlyInA: [],
    fieldsOnlyInB: [],
  };
  return { diff, records: { a: present === 'a' ? count : 0, b: present === 'b' ? count : 0 } };
}
