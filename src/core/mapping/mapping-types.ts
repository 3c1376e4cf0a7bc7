/**
 * What a compiled mapping offers the migration: which source object goes to
 * which target object, in what order, which records it takes, and how one
 * source record becomes the values of one target record. Pure: no I/O; the
 * ledger's answers (target ids of migrated records) come in through
 * {@link TransformContext}.
 */
import type { HashableRecord } from '../record-hash.js';
import type { Value } from '../values.js';

/** A record as the mapping sees it (a connector's `CrmRecord` is one). */
export type SourceRecord = HashableRecord;

/** A mapping problem found against the two systems' schemas, or in one record. */
export interface MappingProblem {
  severity: 'error' | 'warning';
  /** Where in the plan, e.g. `['mapping', 'objects', 0, 'fields', 'Name']`, for a line number. */
  path: Array<string | number>;
  message: string;
  /** What to do about it. */
  hint?: string;
}

/**
 * A reference a target field gets from the ledger: the target id of a
 * migrated source record. A field whose plan rule is `first` (alternatives)
 * has one rule per alternative, all with the same `targetField`; one record
 * uses at most one of them (the first whose source field is not null).
 */
export interface LookupRule {
  /** The target field that holds the reference. */
  targetField: string;
  /** The source field holding the referenced source record's id. */
  sourceField: string;
  /**
   * The source object the referenced record belongs to, or, for a
   * polymorphic reference, the source field naming it (`typeField`) and the
   * source object per type value.
   */
  sourceObject: string | { typeField: string; objects: Record<string, string> };
  /** A referenced record that is not migrated leaves the field empty instead of failing the record. */
  missingAsNull?: boolean;
}

/** The ledger's answers a transform needs, prefetched by the migration for one batch. */
export interface TransformContext {
  /** Target id of a migrated source record; `undefined` when it is not (or not yet) migrated. */
  targetIdOf(sourceObject: string, sourceId: string): string | undefined;
  /** Whether the referenced source record failed to migrate in this run (its children then fail too). */
  failed(sourceObject: string, sourceId: string): boolean;
  /**
   * Target user id for a source user id, by the plan's user mapping; `undefined` when there is none.
   * The transform then uses {@link UserMappingRule.fallback} itself; `matchUsers` (user-matching.ts) answers this from two user lists.
   */
  userOf(sourceUserId: string): string | undefined;
}

/** Why one field of one record could not be transformed. */
export interface FieldError {
  /** The target field. */
  field: string;
  /**
   * The rule that failed, as the plan names it (`map`, `date`, `scale`,
   * `split`, `lookup`, `user`, `required`), or the target field's own check
   * (`type`, `length`, `picklist`).
   */
  rule: string;
  message: string;
}

/** One source record transformed. */
export type TransformResult =
  | {
      ok: true;
      /**
       * Target field values, canonical. A mapped field is absent when its
       * rule gave null and the target fills it itself (a default, an
       * autoincrement, a created-at or modified-at stamp).
       */
      values: Record<string, Value>;
      /**
       * Lookup fields left null because the referenced record is not migrated
       * yet (a self-reference or a cycle): the migration sets them in a second
       * pass, once every record of the run is written.
       */
      deferred: LookupRule[];
    }
  /** Every field that failed, not only the first. */
  | { ok: false; errors: FieldError[] };

/** The mapping of one source object to one target object. */
export interface CompiledObjectMapping {
  /** Source object name. */
  source: string;
  /** Target object name. */
  target: string;
  /** Where in the plan this object mapping is (for messages). */
  path: Array<string | number>;
  /** References re-linked through the ledger; the `deferred` of a transform are among these very objects. */
  lookups: LookupRule[];
  /** Source fields the mapping reads (the id and soft-delete fields included). */
  sourceFields: string[];
  /** Soft-deleted source records are migrated too (the plan's `deleted: migrate`); otherwise the migration skips them before {@link accepts}. */
  includeDeleted: boolean;
  /** Whether the record is migrated at all (the plan's `where` condition). */
  accepts(record: SourceRecord): boolean;
  /** The (sourceObject, sourceId) pairs whose target ids the transform of this record will ask for. */
  references(record: SourceRecord): Array<{ sourceObject: string; sourceId: string }>;
  /** The source user ids the transform will ask {@link TransformContext.userOf} about (once each). */
  users(record: SourceRecord): string[];
  /** The target values of one source record. */
  transform(record: SourceRecord, context: TransformContext): TransformResult;
}

/** A whole mapping, checked against both systems. */
export interface CompiledMapping {
  /** Plan names of the source and target systems. */
  source: string;
  target: string;
  /** Object mappings in the order to migrate them: parents before children (by the lookups), then plan order. */
  objects: CompiledObjectMapping[];
  /** How source users become target users. */
  users: UserMappingRule;
}

/** How source user ids are matched to target user ids. */
export interface UserMappingRule {
  /** `email`: by equal email (case-insensitive); `table`: only the explicit table. */
  by: 'email' | 'table';
  /** Explicit source user id → target user id pairs; they win over email matching. */
  table: Record<string, string>;
  /** Target user id for source users with no match; absent means such a record fails on its owner field. */
  fallback?: string;
}
