/**
 * Diff's compare pass: each side's (id, hash) pairs spilled into partitions
 * by id; per partition, side a's pairs are held in a map and side b's
 * streamed against it, which classifies every record without assuming the
 * two sides share an order, in memory bounded by one partition.
 */
import type { DiffProgress } from './diff-types.js';
import { SmallestIds } from './natural-order.js';
import type { RecordSource } from './record-source.js';
import { bothSides } from './read-sides.js';
import { partitionsFor, type SpillFolder } from './spill.js';

/** What one object's comparison needs. */
export interface ObjectDiffContext {
  a: RecordSource;
  b: RecordSource;
  limit: number;
  /** Records per partition of the compare pass. */
  partitionRecords: number;
  signal: AbortSignal | undefined;
  spills: SpillFolder;
  onObject: ((event: DiffProgress) => void) | undefined;
  /** Of the range fast path: parts per cut, and the largest range compared row by row. */
  ranges: { parts: number; leafRecords: number };
}

/** Gives one side's (id, hash) pairs to `add`; the hashes of both sides must be comparable. */
export type PairFeed = (signal: AbortSignal, add: (id: string, hash: Buffer) => void) => Promise<void>;

/**
 * Of ids whose hashes differ, those whose records really differ. Hashes
 * computed by a database can differ for equal records (two spellings of one
 * value); the records, read and compared canonically, decide.
 */
export type ConfirmChanged = (ids: string[]) => Promise<string[]>;

/** The records of one object sorted into only in a, only in b, changed and same. */
export interface Classified {
  onlyInA: number;
  onlyInB: number;
  changed: number;
  same: number;
  onlyInAIds: SmallestIds;
  onlyInBIds: SmallestIds;
  changedIds: SmallestIds;
}

/** Classifies the pairs both feeds give; `expected` (the larger side's count) sizes the partitions. */
export async function classify(context: ObjectDiffContext, expected: number, feedA: PairFeed, feedB: PairFeed, confirm?: ConfirmChanged): Promise<Classified> {
  const inMemory = expected <= context.partitionRecords;
  const partitions = inMemory ? 1 : partitionsFor(expected, context.partitionRecords);
  const spillA = context.spills.create(partitions, inMemory);
  const spillB = context.spills.create(partitions, inMemory);
  await bothSides(
    context.signal,
    (signal) => feedA(signal, (id, hash) => spillA.add(id, hash)),
    (signal) => feedB(signal, (id, hash) => spillB.add(id, hash)),
  );
  spillA.finish();
  spillB.finish();

  const result: Classified = {
    onlyInA: 0,
    onlyInB: 0,
    changed: 0,
    same: 0,
    onlyInAIds: new SmallestIds(context.limit),
    onlyInBIds: new SmallestIds(context.limit),
    changedIds: new SmallestIds(context.limit),
  };
  for (let partition = 0; partition < partitions; partition += 1) {
    const hashes = new Map<string, string>();
    const differing: string[] = [];
    // The hash bytes as a one-byte-per-char string: compact in a map and compared in one step.
    spillA.forEach(partition, (id, hash) => hashes.set(id, hash.toString('latin1')));
    spillB.forEach(partition, (id, hash) => {
      const hashA = hashes.get(id);
      if (hashA === undefined) {
        result.onlyInB += 1;
        result.onlyInBIds.add(id);
        return;
      }
      hashes.delete(id);
      if (hashA === hash.toString('latin1')) result.same += 1;
      else differing.push(id);
    });
    for (const id of hashes.keys()) {
      result.onlyInA += 1;
      result.onlyInAIds.add(id);
    }
    const changed = confirm && differing.length > 0 ? await confirm(differing) : differing;
    result.same += differing.length - changed.length;
    result.changed += changed.length;
    for (const id of changed) result.changedIds.add(id);
  }
  spillA.discard();
  spillB.discard();
  return result;
}
