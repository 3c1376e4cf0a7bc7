/**
 * The plan's `mapping` section as written (after the schema has checked its
 * shape): which source object goes to which target object, and a rule per
 * target field. The zod schema in `src/plan/mapping-schema.ts` produces
 * exactly these types.
 */

/** A constant written in the plan. */
export type Scalar = string | number | boolean | null;

/** How dates and times are read and written (the `date` rule). */
export interface DateRuleInput {
  /**
   * IANA time zone of every wall-clock value on either side: source text
   * without an offset, source dates (midnight there), the day a `date` target
   * gets, the time a text target is written in. Default `UTC`.
   */
  timezone?: string;
  /** Pattern of source text (`DD.MM.YYYY HH:mm`); default ISO 8601. Tokens: YYYY MM DD HH mm ss SSS Z. */
  format?: string;
  /** Pattern a text target is written with; default ISO 8601 with the offset (`YYYY-MM-DDTHH:mm:ssZ`). */
  output?: string;
  /** The source datetime field holds wall-clock time in `timezone` although it is stored as if UTC. Default false. */
  local?: boolean;
}

/** A polymorphic lookup: the source field `typeField` names the referenced object, through `objects`. */
export interface PolymorphicLookupInput {
  typeField: string;
  /** Source object per value of the type field. */
  objects: Record<string, string>;
}

/** One target field's rule written out; see docs/plan.md for each key. */
export interface FieldRuleObject {
  /** Source field, or fields: joined with `concat`, else the first that is not null. */
  from?: string | string[];
  /** A constant (`null` clears the field). */
  value?: Scalar;
  /** Alternatives, each a rule: the first that gives a value wins. */
  first?: FieldRule[];
  /** Used when the rule gives null. */
  default?: Scalar;
  /** Value map: source value (as text) → target value. */
  map?: Record<string, Scalar>;
  /** Target value for source values `map` does not name; without it they fail. */
  otherwise?: Scalar;
  /** Joins the `from` fields with this separator, skipping empty ones. */
  concat?: string;
  /** Takes one part of the text (0 first, -1 last), or with `rest` that part and all after it. */
  split?: { separator: string; index: number; rest?: boolean };
  /** Removes surrounding white space; empty text becomes null. */
  trim?: boolean;
  case?: 'upper' | 'lower' | 'title';
  date?: DateRuleInput;
  /** Multiplies a number (or numeric text) and rounds to the target's scale. */
  scale?: number;
  /** The source field holds the id of a record of this source object (or, polymorphic, of the object its type field names). */
  lookup?: string | PolymorphicLookupInput;
  /**
   * For a lookup: what a reference to a source record that is not migrated
   * (soft-deleted, left out by a where condition) becomes. `fail` (default):
   * the record fails, naming it; `null`: the field is left empty.
   */
  missing?: 'fail' | 'null';
  /** The source field holds a source user id, mapped by `mapping.users`. */
  user?: boolean;
  /** Cuts text to the target field's length instead of failing. */
  truncate?: boolean;
  /** The record fails when the rule gives null, even where the target allows null. */
  required?: boolean;
}

/** A rule: a source field name, or a rule written out. */
export type FieldRule = string | FieldRuleObject;

/** Which records an object mapping takes (`where`). Exactly one of `field`, `all`, `any`, `not`. */
export interface ConditionInput {
  field?: string;
  equals?: Scalar;
  notEquals?: Scalar;
  in?: Scalar[];
  notIn?: Scalar[];
  /** `true`: the field is null; `false`: it is not. */
  isNull?: boolean;
  /** Dates, datetimes and numbers: strictly after (greater than) this. */
  after?: string | number;
  /** Dates, datetimes and numbers: strictly before (less than) this. */
  before?: string | number;
  all?: ConditionInput[];
  any?: ConditionInput[];
  not?: ConditionInput;
}

/** One source object into one target object. */
export interface ObjectMappingInput {
  source: string;
  target: string;
  where?: ConditionInput;
  /**
   * Records soft-deleted in the source: `skip` them (default), or `migrate`
   * them (map the flag onto the target's, e.g. `IsDeleted: deleted`), so
   * that nothing is lost and records pointing at them keep their reference.
   */
  deleted?: 'skip' | 'migrate';
  /** Target field → rule. */
  fields: Record<string, FieldRule>;
}

/** How source users become target users. */
export interface UsersInput {
  /** `email` (default): equal email, case-insensitive; `table`: only the table. */
  by?: 'email' | 'table';
  /** Source user id → target user id; wins over email. */
  table?: Record<string, string>;
  /** Target user id for source users with no match. */
  fallback?: string;
}

/** The whole `mapping` section. */
export interface MappingInput {
  /** Source system name; default the plan's `role: source` system. */
  source?: string;
  /** Target system name; default the plan's `role: target` system. */
  target?: string;
  users?: UsersInput;
  objects: ObjectMappingInput[];
}
