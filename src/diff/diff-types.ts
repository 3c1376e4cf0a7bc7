/** The results and options of {@link diffSources}. */
import type { Value } from '../core/values.js';

/** One field of one record that differs, with its value on each side. */
export interface FieldChange {
  /**
   * The field's name; `(deleted)` when only the record's soft-deleted flag
   * differs (a backup can carry the flag without the field that set it).
   */
  field: string;
  a: Value;
  b: Value;
}

/** How one object differs between the two sides. */
export interface ObjectDiff {
  object: string;
  /** Records in a only ("missing from b"). */
  onlyInA: number;
  /** Records in b only ("extra in b"). */
  onlyInB: number;
  /** Records in both whose common fields (or deleted flag) differ. */
  changed: number;
  /** Records in both and equal on the common fields. */
  same: number;
  /** Up to `limit` ids of records in a only, in natural id order. */
  onlyInAIds: string[];
  /** Up to `limit` ids of records in b only, in natural id order. */
  onlyInBIds: string[];
  /**
   * Up to `limit` changed records, in natural id order, with the changed
   * fields and both values. A live system written to while diff runs can
   * leave a record here with no fields (it differed, then no longer did).
   */
  changes: Array<{ id: string; fields: FieldChange[] }>;
  /** Set when the object exists on one side only: the side it is missing on. */
  missingOn?: 'a' | 'b';
  /** Fields present in a only (schema difference): reported, and left out of the record comparison. */
  fieldsOnlyInA: string[];
  /** Fields present in b only (schema difference): reported, and left out of the record comparison. */
  fieldsOnlyInB: string[];
}

/** The result of comparing two record sources. */
export interface DiffReport {
  /** Label of side a. */
  a: string;
  /** Label of side b. */
  b: string;
  /** No record and no field differs, and every object exists on both sides. */
  equal: boolean;
  /** Objects in the order of side a, then those only in b. */
  objects: ObjectDiff[];
  /** Records read (or counted from a digest) on each side, over the compared objects. */
  records: { a: number; b: number };
  /** Wall time of the comparison. */
  seconds: number;
  /** When the comparison started, ISO 8601 UTC. */
  measuredAt: string;
}

/** What one progress event says: which object, and which pass starts. */
export interface DiffProgress {
  object: string;
  /** `digest`: the fast pass (set digests); `compare`: the pass that finds which records differ. */
  phase: 'digest' | 'compare';
}

/** Options of {@link diffSources}. */
export interface DiffOptions {
  /** Only these objects; default all (the union of both sides). An object on neither side is a usage error. */
  objects?: string[];
  /** Examples kept per list per object; default 20; `Infinity` keeps all (for `--json` full lists). */
  limit?: number;
  /** Stops the comparison between batches (throws a CutoverError `aborted`). */
  signal?: AbortSignal;
  /** Folder for temporary (encrypted) spill files; default `os.tmpdir()`. */
  tempDir?: string;
  /**
   * Records per partition of the compare pass (the most held in memory at
   * once: ~100 bytes each); default 20,000. Lower uses less memory and more
   * temporary files. Objects of at most this many records are compared in
   * memory, without temporary files.
   */
  partitionRecords?: number;
  /** Called when a pass over an object starts. */
  onObject?: (event: DiffProgress) => void;
  /**
   * The fast path between two SQL databases of one kind (range-diff.ts):
   * parts a differing key range is cut into (default 16), and the most
   * records a range may hold to be compared row by row (default 10,000).
   */
  ranges?: { parts?: number; leafRecords?: number };
}
