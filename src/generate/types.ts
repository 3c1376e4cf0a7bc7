/** The public types of the generator (re-exported by `index.ts`). */
import type { Value } from '../core/values.js';

/** A CRM layout the generator can produce. */
export type ShapeName = 'legacy' | 'suitecrm' | 'salesforce';

/** Every shape, in a stable order. */
export const SHAPE_NAMES: readonly ShapeName[] = ['legacy', 'suitecrm', 'salesforce'];

/** Options of {@link generateInto}. */
export interface GenerateOptions {
  /** The CRM layout. */
  shape: ShapeName;
  /**
   * Business records in total (accounts, contacts, leads, opportunities,
   * activities/notes), split by realistic ratios; users and their
   * logins/activity rows come on top, as do link, custom-field and e-mail
   * tables of shapes that have them. 0 = users and their activity only
   * (the demo's empty target CRM).
   */
  records: number;
  /** Same seed + same `asOf` + same `records` (and `users`) ⇒ identical data. A safe integer. */
  seed: number;
  /** The "now" of the data; default: today 00:00 UTC. */
  asOf?: Date;
  /** Number of users (at most 50,000; they are held in memory); default `clamp(round(records / 200), 8, 500)`. */
  users?: number;
  /** Rows per insert batch; default 1000. */
  batchSize?: number;
  /** Stops generation between batches (throws a CutoverError `aborted`). */
  signal?: AbortSignal;
  /** Called after every batch with the rows written so far of the object being filled. */
  onProgress?: (event: { object: string; written: number; total: number }) => void;
}

/** What {@link generateInto} made. */
export interface GenerateResult {
  shape: ShapeName;
  seed: number;
  /** The "now" of the data, ISO 8601 UTC. */
  asOf: string;
  /** Rows per table, in the order they were written, with how many are soft-deleted. */
  objects: Array<{ name: string; records: number; deleted: number }>;
  /** Wall time of the whole generation. */
  seconds: number;
}

/** What tests (and the demo) need to know about a shape. */
export interface ShapeFacts {
  /** The built-in SQL profile that reads this shape. */
  profile: 'generic' | 'suitecrm' | 'salesforce';
  /** Table of users. */
  users: string;
  /** Table of logins or user actions. */
  activity: string;
  /** Table of accounts. */
  accounts: string;
  /** Table of contacts. */
  contacts: string;
  /** A reference from a table to itself (e.g. accounts.parent_id). */
  selfReference: { object: string; field: string };
  /** A field with a declared list of allowed values. */
  picklist: { object: string; field: string; values: string[] };
  /** A minimal valid new record for `accounts`, unique per i, without id. */
  newAccount(i: number): Record<string, Value>;
  /** A field of accounts that is NOT NULL (for a failing-write test). */
  requiredAccountField: string;
}
