/** What compiling one target field's rule needs to know, and what it produces. Internal to the compiler. */
import type { Value } from '../values.js';
import type { DescribedField, DescribedObject } from './described-system.js';
import { nearHint } from './near-names.js';
import type { LookupRule, MappingProblem, SourceRecord, TransformContext, UserMappingRule } from './mapping-types.js';

/** A plan path. */
export type PlanPath = Array<string | number>;

/** What a compiled rule gives for one record, before the target field's own checks. */
export type Produced =
  | { ok: true; value: Value; deferred?: LookupRule }
  | { ok: false; rule: string; message: string };

/** A compiled rule. */
export type Producer = (record: SourceRecord, context: TransformContext) => Produced;

/** A compiled rule and what the compiler learned about it. */
export interface CompiledRule {
  produce: Producer;
  /** Whether the rule can give null (then a required target field needs a default). */
  canBeNull: boolean;
  /** Lookups this rule resolves (several for `first`). */
  lookups: LookupRule[];
}

/** Everything a rule of one target field is compiled against. */
export interface RuleScope {
  source: DescribedObject;
  target: DescribedObject;
  /** The target field the rule fills. */
  field: DescribedField;
  /** Where problems are reported. */
  problems: MappingProblem[];
  /** Source fields the rule reads are added here. */
  reads: Set<string>;
  /** Source fields holding user ids are added here. */
  userFields: Set<string>;
  /** Source object names of the source system. */
  sourceObjects: ReadonlySet<string>;
  /** Target objects each source object is mapped to, over the whole mapping. */
  mappedTargets: ReadonlyMap<string, readonly string[]>;
  /** The target system's users object, when known. */
  targetUsersObject: string | undefined;
  users: UserMappingRule;
  /**
   * Source objects whose records, when not migrated yet, leave a lookup
   * deferred rather than failed (this object and those in a cycle with it).
   * Filled once the order is known, before any record is transformed.
   */
  deferrable: Set<string>;
}

/** The source field of an object, or a problem saying it is not there. */
export function sourceField(scope: RuleScope, name: string, path: PlanPath): DescribedField | undefined {
  const field = scope.source.fields.find((candidate) => candidate.name === name);
  if (field) {
    scope.reads.add(name);
    return field;
  }
  scope.problems.push({
    severity: 'error',
    path,
    message: `${scope.source.name} has no field "${name}"`,
    hint: nearHint(name, scope.source.fields.map((f) => f.name), `fields of ${scope.source.name}`),
  });
  return undefined;
}

/** Pushes an error. */
export function problem(scope: RuleScope, path: PlanPath, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): void {
  scope.problems.push(hint === undefined ? { severity, path, message } : { severity, path, message, hint });
}
