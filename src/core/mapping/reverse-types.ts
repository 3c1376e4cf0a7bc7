/**
 * The reverse of a mapping: how each SOURCE field is obtained back from a
 * TARGET record, so that what people typed into the new CRM after go-live
 * can be carried back into the old one. Pure: the ledger's and the target's
 * answers (which source record a target record came from, whether a target
 * record is new since go-live, which source users a target user stands for)
 * come in through {@link ReverseContext}, prefetched by the caller per batch.
 */
import type { Value } from '../values.js';
import type { SourceRecord } from './mapping-types.js';

/**
 * A source field whose value cannot be told exactly from the target record.
 * When a best value exists (the strongest of conflicting target fields, a
 * text cut to the source field's length) it is in {@link ReverseResult.values}
 * all the same; when none does (a value several source values map to, a
 * value no source value maps to) the field is left out of the values.
 */
export interface LossyNote {
  /** The source field. */
  field: string;
  /** Why, naming the target field and value, for a person to decide. */
  reason: string;
}

/**
 * A reference to a record created in the target after go-live: it has no
 * source id yet. Reconciliation creates the referenced record in the source
 * first (it is in the same export), then sets this field to its new id.
 */
export interface NewRecordLink {
  /** The source field that holds the reference. */
  field: string;
  /** The referenced record in the target. */
  targetObject: string;
  targetId: string;
  /** The source object the referenced record becomes. */
  sourceObject: string;
}

/** What one target record gives back in the source's terms. */
export interface ReverseResult {
  /** Source field values, canonical in the source field's type. The source id field is never among them. */
  values: Record<string, Value>;
  /** Fields that cannot be told exactly (see {@link LossyNote}). */
  lossy: LossyNote[];
  /**
   * Fields whose value is set but may differ from what the source would
   * have held: letter case or white space a `case` or `trim` rule removed,
   * a day where the source holds a moment, text at the target's length limit.
   */
  approximate: LossyNote[];
  /** Reference fields pointing at records created after go-live; these fields are not in {@link values}. */
  links: NewRecordLink[];
}

/** The answers a reverse needs from the ledger and the target, prefetched for one batch. */
export interface ReverseContext {
  /** The migrated source record a target record stands for, by the id map; `undefined` when the id map does not know it. */
  sourceOf(targetObject: string, targetId: string): { sourceObject: string; sourceId: string } | undefined;
  /** Whether a target record was created after go-live (so it is in the same export). */
  isNew(targetObject: string, targetId: string): boolean;
  /** The source users whose target user this is (the user matching, reversed): none, one, or several. */
  sourceUsersOf(targetUserId: string): readonly string[];
  /** A person-readable name of a target user for messages (email or name); default the id. */
  userLabel?(targetUserId: string): string;
  /**
   * The source record the target record was migrated from, as the backup
   * the migration read holds it. Absent for records created in the target.
   * Used where the target keeps only part of a source value (one part of a
   * split text, one of several fields of a concat): the other parts come
   * from it.
   */
  before?: SourceRecord;
  /**
   * The target fields changed since the migration wrote them. When given,
   * a source field read by several target fields takes its value from the
   * changed ones; an unchanged one that disagrees is reported lossy. Absent
   * for created records: every field counts.
   */
  changed?: ReadonlySet<string>;
}

/** How one source field is obtained back, for reports and reviews. */
export interface ReverseFieldPlan {
  /** The source field. */
  field: string;
  /** The target fields it is read back from, strongest first. */
  from: string[];
  /** How, in words: `copy`, `inverse map`, `divide by 60`, `date back to America/New_York`… */
  how: string[];
}

/** The reverse of one object mapping. */
export interface ReverseObjectMapping {
  /** Source object name. */
  source: string;
  /** Target object name. */
  target: string;
  /** Position of the object mapping in the plan. */
  index: number;
  /** The source object's id field: never set by a reverse (the record's source id says it). */
  idField: string;
  /** Source fields a reverse can set, in the order the source describes them. */
  fields: string[];
  /** Source fields no rule reads: a reverse never sets them. */
  unmapped: string[];
  /** How each field of {@link fields} is obtained. */
  plan: ReverseFieldPlan[];
  /** Target fields the mapping fills (constants too), in plan order. */
  targetFields: string[];
  /** The source fields a reverse reads back from these target fields. */
  affected(targetFields: Iterable<string>): string[];
  /** The references of a target record the context will be asked about: target id and the target objects it may belong to. */
  references(values: Record<string, Value>): Array<{ targetObjects: string[]; targetId: string }>;
  /** The target users of a target record the context will be asked about. */
  users(values: Record<string, Value>): string[];
  /** Whether a source record with these values would be migrated by this object mapping (its `where`). */
  accepts(values: Record<string, Value>): boolean;
  /** One target record back in the source's terms. */
  reverse(values: Record<string, Value>, context: ReverseContext): ReverseResult;
}

/** The reverse of a whole mapping. */
export interface ReverseMapping {
  /** Plan names of the source and target systems. */
  source: string;
  target: string;
  /** One per object mapping, in plan order. */
  objects: ReverseObjectMapping[];
}
