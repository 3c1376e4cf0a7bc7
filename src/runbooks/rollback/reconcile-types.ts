/**
 * The reconciliation plan file (`reconciliation.json`): what the delayed
 * rollback carries from the delta back into the restored source, one entry
 * per delta record, for people to review and edit before it is applied.
 *
 * Values are JSON values as the ledger stores them (`jsonValue`): text,
 * numbers, booleans and null as they are, binary as `{"$b": base64}`;
 * dates `YYYY-MM-DD`, date-times ISO 8601 UTC.
 */

/** The plan file's format version. */
export const RECONCILE_VERSION = 1;
/** The plan file's `kind`. */
export const RECONCILE_KIND = 'cutover-reconciliation';

/** What cutover proposes to do with a delta record. */
export type ReconcileChange = 'create' | 'update' | 'delete';
/** What an entry does: its change, `skip` (nothing), or `conflict` (a person decides; `apply` refuses while any is left). */
export type ReconcileAction = ReconcileChange | 'skip' | 'conflict';

/** The plan's `rollback.reconcile` settings. */
export interface ReconcilePolicy {
  /** Who wins when a source record was changed after the backup. Default `target-wins`. */
  policy: 'target-wins' | 'source-wins' | 'manual';
  /** Deletions made in the new CRM: applied, or each a conflict. Default `apply`. */
  deletes: 'apply' | 'conflict';
}

/** Why an entry needs a person, or what cutover changed in it. */
export interface ReconcileNote {
  kind: 'lossy' | 'approximate' | 'changed-in-source' | 'deleted-in-source' | 'missing' | 'delete-policy' | 'source-wins' | 'target-only';
  /** The source field it is about, when one. */
  field?: string;
  reason: string;
}

/** A field of a created record that refers to another record created after go-live: set once that one exists in the source. */
export interface ReconcileLink {
  field: string;
  /** The index (in `entries`) of the `create` entry of the referenced record. */
  entry: number;
  /** The referenced record in the target, for people reading the file. */
  targetObject: string;
  targetId: string;
}

/** One delta record and what to do with it. */
export interface ReconcileEntry {
  /**
   * What `apply` does: `create`, `update` or `delete` (the `proposed`
   * change), `skip` (nothing), or `conflict` (refused until a person sets
   * the proposed change or `skip`).
   */
  action: ReconcileAction;
  /** The change the delta record asks for. */
  proposed: ReconcileChange;
  /** The source object written. */
  object: string;
  /** The source record: null for `create` (its id is assigned at apply time). */
  id: string | null;
  /** Where the change was made: the target record, and when and by whom. */
  from: { object: string; id: string; change: 'created' | 'updated' | 'deleted'; at: string | null; by: string | null };
  /** Create: every field of the new record; update: the fields to write. Empty for delete. People may edit them. */
  values: Record<string, unknown>;
  /** Update: the written fields as the backup holds them. */
  before?: Record<string, unknown>;
  /** The fields the source changed after the backup, as the live source held them when the plan was made. */
  sourceNow?: Record<string, unknown>;
  /** Create: references to records created in the same plan. */
  links: ReconcileLink[];
  /** Conflicts (on a `conflict` entry) and remarks (lossy, approximate values, fields the policy left out). */
  notes: ReconcileNote[];
}

/** The whole file. */
export interface ReconciliationPlan {
  version: typeof RECONCILE_VERSION;
  kind: typeof RECONCILE_KIND;
  /** ISO 8601 UTC: when the plan was made. */
  createdAt: string;
  /** The source system written, and the target the delta came from. */
  source: string;
  target: string;
  goLive: { id: string; at: string };
  /** The backup the source was restored from: what the plan compared the live source with. */
  backup: string;
  /** The delta export the plan was made from. */
  export: { id: string; archive: string };
  policy: ReconcilePolicy;
  /** One entry per delta record, creates first. Entries refer to each other by index: do not reorder or remove them (set `skip`). */
  entries: ReconcileEntry[];
}

/** One problem of a plan file, with where it is. */
export interface ReconcileProblem {
  /** The entry's index, absent for the file as a whole. */
  entry?: number;
  field?: string;
  message: string;
}

/** Counts of entries by action. */
export type ReconcileCounts = Record<ReconcileAction, number>;

/** Counts of a plan's entries by action. */
export function countActions(plan: Pick<ReconciliationPlan, 'entries'>): ReconcileCounts {
  const counts: ReconcileCounts = { create: 0, update: 0, delete: 0, skip: 0, conflict: 0 };
  for (const entry of plan.entries) if (entry.action in counts) counts[entry.action] += 1;
  return counts;
}
