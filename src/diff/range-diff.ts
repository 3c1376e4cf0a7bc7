/**
 * Diff's fast path between two systems that compute checksums of key ranges
 * themselves (SQL databases of one kind: see `RangeChecksums`), the
 * data-diff method:
 *
 * 1. cut the object into 4 × {@link SPLIT_PARTS} ranges of equal size and
 *    compute each range's count and checksum on both sides, in the
 *    databases: equal ranges are done without a record leaving them. A
 *    sample of 4 ranges comes first: when all of them differ, the
 *    differences are everywhere and step 3 starts at once, for every record;
 * 2. cut each differing range again, until a range holds at most
 *    {@link LEAF_RECORDS} records, or until more than half of a range's parts
 *    differ (differences spread everywhere, where cutting finer only costs);
 * 3. fetch the ids and row hashes of those ranges only and classify them
 *    (classify.ts); records whose row hashes differ are read and compared
 *    field by field, so a difference of spelling alone is not reported.
 *
 * Two systems of different kinds (another database, other column types)
 * return `undefined`: the caller compares them record by record.
 */
import type { CrmRecord, KeyRange, RangeChecksums } from '../connectors/contract.js';
import { throwIfAborted } from '../core/errors.js';
import { classify, type ObjectDiffContext, type PairFeed } from './classify.js';
import type { FieldChange, ObjectDiff } from './diff-types.js';
import type { ObjectFields } from './object-fields.js';
import { bothSides } from './read-sides.js';

/** Ranges a differing range is cut into, by default. */
export const SPLIT_PARTS = 16;
/** A differing range of at most this many records (on its larger side) is compared by row hashes, not cut again, by default. */
export const LEAF_RECORDS = 10_000;
/** The first cut makes this many times more parts, so that a sample of them can tell whether cutting pays. */
const TOP_PARTS_FACTOR = 4;
/** Parts of the first cut checked first: when all differ, every row hash is read without checking the others. */
const SAMPLE_PARTS = 4;

type Sum = { count: number; checksum: string };

/** What the fast path found for one object, before the field-level examples. */
export interface RangeDiffResult extends Pick<ObjectDiff, 'onlyInA' | 'onlyInB' | 'changed' | 'same' | 'onlyInAIds' | 'onlyInBIds'> {
  /** Changed ids kept as examples, in natural order. */
  changedIds: string[];
  records: { a: number; b: number };
  /** Records whose ids and row hashes were fetched (on the larger side of each range): what the fast path could not skip. */
  hashedRecords: number;
}

/** The two sides' range checksums, when both have them and they are comparable for these fields. */
export async function comparableRanges(
  context: ObjectDiffContext,
  name: string,
  fields: string[],
): Promise<{ a: RangeChecksums; b: RangeChecksums } | undefined> {
  const a = context.a.ranges;
  const b = context.b.ranges;
  if (!a || !b) return undefined;
  const [kindA, kindB] = await Promise.all([a.checksumKind(name, fields), b.checksumKind(name, fields)]);
  return kindA === kindB ? { a, b } : undefined;
}

/** The fields a row hash covers: the common fields, and the id field even where a side lacks it in its field list. */
export function hashedFields(fields: ObjectFields, idField: string): string[] {
  return fields.common.includes(idField) ? fields.common : [idField, ...fields.common];
}

/** Compares one object through in-database checksums (see the module comment). */
export async function rangeDiff(
  context: ObjectDiffContext,
  name: string,
  fields: ObjectFields,
  names: string[],
  sides: { a: RangeChecksums; b: RangeChecksums },
): Promise<RangeDiffResult> {
  const sums = (ranges: KeyRange[]) =>
    bothSides(
      context.signal,
      (signal) => sequentially(ranges, signal, (range) => sides.a.rangeChecksum(name, names, range)),
      (signal) => sequentially(ranges, signal, (range) => sides.b.rangeChecksum(name, names, range)),
    );
  const { parts: splitParts, leafRecords } = context.ranges;
  const leaves: KeyRange[] = [];
  let sameByChecksum = 0;
  let hashedRecords = 0;

  /**
   * The parts' checksums on both sides, a sample of evenly spread parts
   * first: when all of those differ, differences are everywhere, and the
   * other parts' checksums would only delay reading every row hash (1% of
   * records changed at random touches every range): `undefined` then.
   */
  const sampledSums = async (parts: KeyRange[]): Promise<[Sum[], Sum[]] | undefined> => {
    if (parts.length < 2 * SAMPLE_PARTS) return sums(parts);
    const sampled = new Set(Array.from({ length: SAMPLE_PARTS }, (_, index) => Math.round((index * (parts.length - 1)) / (SAMPLE_PARTS - 1))));
    const first = [...sampled];
    const [sampleA, sampleB] = await sums(first.map((index) => parts[index] as KeyRange));
    if (first.every((_, position) => !sameSum(sampleA[position] as Sum, sampleB[position] as Sum))) return undefined;
    const rest = parts.map((_, index) => index).filter((index) => !sampled.has(index));
    const [restA, restB] = await sums(rest.map((index) => parts[index] as KeyRange));
    const sumsA: Sum[] = new Array<Sum>(parts.length);
    const sumsB: Sum[] = new Array<Sum>(parts.length);
    first.forEach((index, position) => ((sumsA[index] = sampleA[position] as Sum), (sumsB[index] = sampleB[position] as Sum)));
    rest.forEach((index, position) => ((sumsA[index] = restA[position] as Sum), (sumsB[index] = restB[position] as Sum)));
    return [sumsA, sumsB];
  };

  /** Sorts the parts of a range into equal (counted) and differing (cut again, or compared). */
  const narrow = async (range: KeyRange, parts: KeyRange[], sumsA: Sum[], sumsB: Sum[]): Promise<void> => {
    const differing = parts.map((_, index) => index).filter((index) => !sameSum(sumsA[index] as Sum, sumsB[index] as Sum));
    if (parts.length > 1 && differing.length * 2 > parts.length) {
      leaves.push(range);
      hashedRecords += Math.max(total(sumsA), total(sumsB));
      return;
    }
    for (let index = 0; index < parts.length; index += 1) {
      const a = sumsA[index] as Sum;
      const b = sumsB[index] as Sum;
      if (!differing.includes(index)) {
        sameByChecksum += a.count;
        continue;
      }
      const part = parts[index] as KeyRange;
      const larger = Math.max(a.count, b.count);
      const points = larger <= leafRecords ? [] : await (a.count >= b.count ? sides.a : sides.b).splitPoints(name, part, { parts: splitParts, count: larger });
      if (points.length === 0) {
        leaves.push(part);
        hashedRecords += larger;
        continue;
      }
      const subparts = cut(part, points);
      const [subA, subB] = await sums(subparts);
      await narrow(part, subparts, subA, subB);
    }
  };

  context.onObject?.({ object: name, phase: 'digest' });
  const whole: KeyRange = {};
  const parts = cut(whole, await sides.a.splitPoints(name, whole, { parts: splitParts * TOP_PARTS_FACTOR, minRecords: leafRecords }));
  const partSums = await sampledSums(parts);
  if (!partSums) {
    context.onObject?.({ object: name, phase: 'compare' });
    const [countA, countB] = await bothSides(
      context.signal,
      () => sides.a.rangeCount(name, whole),
      () => sides.b.rangeCount(name, whole),
    );
    leaves.push(whole);
    hashedRecords = Math.max(countA, countB);
  } else {
    const [sumsA, sumsB] = partSums;
    if (parts.every((_, index) => sameSum(sumsA[index] as Sum, sumsB[index] as Sum))) {
      const count = total(sumsA);
      return { onlyInA: 0, onlyInB: 0, changed: 0, same: count, onlyInAIds: [], onlyInBIds: [], changedIds: [], records: { a: count, b: count }, hashedRecords };
    }
    context.onObject?.({ object: name, phase: 'compare' });
    await narrow(whole, parts, sumsA, sumsB);
  }

  const feed =
    (side: RangeChecksums): PairFeed =>
    async (signal, add) => {
      for (const leaf of leaves) {
        for await (const pairs of side.rowHashes(name, names, leaf, { signal })) {
          throwIfAborted(signal, `comparing ${name}`);
          // Row hashes are text (hex digits or a number, per database): compared as they are.
          for (const [id, hash] of pairs) add(id, Buffer.from(hash, 'latin1'));
        }
      }
    };
  const confirm = async (ids: string[]): Promise<string[]> => {
    const texts = await recordTexts(context, name, fields, sides, ids);
    return ids.filter((id) => texts.a.get(id) !== texts.b.get(id) || texts.a.get(id) === undefined);
  };
  const classified = await classify(context, hashedRecords, feed(sides.a), feed(sides.b), confirm);
  return {
    onlyInA: classified.onlyInA,
    onlyInB: classified.onlyInB,
    changed: classified.changed,
    same: sameByChecksum + classified.same,
    onlyInAIds: classified.onlyInAIds.sorted(),
    onlyInBIds: classified.onlyInBIds.sorted(),
    changedIds: classified.changedIds.sorted(),
    records: {
      a: sameByChecksum + classified.same + classified.changed + classified.onlyInA,
      b: sameByChecksum + classified.same + classified.changed + classified.onlyInB,
    },
    hashedRecords,
  };
}

/** The changed fields of records found changed, read again by id from both sides. */
export async function changesByIds(
  context: ObjectDiffContext,
  name: string,
  fields: ObjectFields,
  sides: { a: RangeChecksums; b: RangeChecksums },
  ids: string[],
  fieldChanges: (textA: string, textB: string, order: string[]) => FieldChange[],
): Promise<ObjectDiff['changes']> {
  const texts = await recordTexts(context, name, fields, sides, ids);
  return ids.map((id) => {
    const a = texts.a.get(id);
    const b = texts.b.get(id);
    // A record gone from a side since it was compared (a live system) keeps its place, with no fields.
    return { id, fields: a !== undefined && b !== undefined ? fieldChanges(a, b, fields.common) : [] };
  });
}

async function recordTexts(
  context: ObjectDiffContext,
  name: string,
  fields: ObjectFields,
  sides: { a: RangeChecksums; b: RangeChecksums },
  ids: string[],
): Promise<{ a: Map<string, string>; b: Map<string, string> }> {
  const texts = (records: CrmRecord[]) => new Map(records.map((record) => [record.id, fields.text(record)]));
  const [a, b] = await bothSides(
    context.signal,
    () => sides.a.readIds(name, ids),
    () => sides.b.readIds(name, ids),
  );
  return { a: texts(a), b: texts(b) };
}

/** A range cut at ascending ids into consecutive ranges covering it. */
function cut(range: KeyRange, points: string[]): KeyRange[] {
  const bounds = [range.from, ...points, range.to];
  const parts: KeyRange[] = [];
  for (let index = 0; index + 1 < bounds.length; index += 1) {
    const part: KeyRange = {};
    const from = bounds[index];
    const to = bounds[index + 1];
    if (from !== undefined) part.from = from;
    if (to !== undefined) part.to = to;
    parts.push(part);
  }
  return parts;
}

function sameSum(a: Sum, b: Sum): boolean {
  return a.count === b.count && a.checksum === b.checksum;
}

function total(sums: Sum[]): number {
  return sums.reduce((sum, part) => sum + part.count, 0);
}

async function sequentially<T>(ranges: KeyRange[], signal: AbortSignal, fn: (range: KeyRange) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (const range of ranges) {
    throwIfAborted(signal, 'comparing checksums');
    results.push(await fn(range));
  }
  return results;
}
