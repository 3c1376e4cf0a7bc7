/**
 * The mapping backwards: for each object mapping, how each SOURCE field is
 * obtained back from a TARGET record (copy; inverse map; divide for
 * `scale`; the date back into the source's zone and form; split back or
 * joined again for `concat` and `split`; the source user of a target user;
 * the source id of a referenced record through the id map, or a link to a
 * record created after go-live), and whether the value is exact,
 * approximate or lossy. Pure: no I/O; see {@link ReverseContext}.
 *
 * Every value given is checked by running the plan's rule forward again on
 * it: a value that does not give the target value back is noted approximate.
 */
import type { Value } from '../values.js';
import { valuesEqual } from '../values.js';
import { compileField, type CompiledField } from './compile-field.js';
import { compileCondition, type RecordPredicate } from './condition.js';
import type { DescribedField, DescribedObject, DescribedSystem } from './described-system.js';
import type { FieldRule, MappingInput, ObjectMappingInput } from './mapping-input.js';
import type { MappingProblem, TransformContext } from './mapping-types.js';
import { combineField, type Contribution } from './reverse-combine.js';
import type { ReverseRuleScope } from './reverse-pipeline.js';
import type { Reverser } from './reverse-proposal.js';
import { compileReverser } from './reverse-rules.js';
import type { LossyNote, NewRecordLink, ReverseContext, ReverseFieldPlan, ReverseMapping, ReverseObjectMapping, ReverseResult } from './reverse-types.js';
import { show } from './reverse-values.js';
import type { RuleScope } from './rule-scope.js';

export type { LossyNote, NewRecordLink, ReverseContext, ReverseFieldPlan, ReverseMapping, ReverseObjectMapping, ReverseResult } from './reverse-types.js';

/** One target field of an object mapping, backwards and forwards. */
interface TargetField {
  name: string;
  order: number;
  reverser: Reverser;
  /** The plan's rule run forward, to check a reverse; only for rules without lookups and users. */
  forward?: CompiledField;
}

/** What the forward check needs of a transform context: nothing, since it runs only rules without lookups and users. */
const NO_LEDGER: TransformContext = { targetIdOf: () => undefined, failed: () => false, userOf: () => undefined };

/** Compiles the plan's `mapping` backwards against both systems' descriptions. Object mappings whose objects are not there are left out. */
export function compileReverseMapping(input: MappingInput, source: DescribedSystem, target: DescribedSystem, names: { source: string; target: string } = { source: input.source ?? 'source', target: input.target ?? 'target' }): ReverseMapping {
  const mappedTargets = new Map<string, string[]>();
  for (const entry of input.objects) mappedTargets.set(entry.source, [...(mappedTargets.get(entry.source) ?? []), entry.target]);
  const objects: ReverseObjectMapping[] = [];
  input.objects.forEach((entry, index) => {
    const sourceObject = source.objects.find((object) => object.name === entry.source);
    const targetObject = target.objects.find((object) => object.name === entry.target);
    if (sourceObject && targetObject) objects.push(compileReverseObject(entry, index, { source: sourceObject, target: targetObject, mappedTargets, input, sourceSystem: source, targetSystem: target }));
  });
  return { source: names.source, target: names.target, objects };
}

interface ObjectScope {
  source: DescribedObject;
  target: DescribedObject;
  mappedTargets: ReadonlyMap<string, readonly string[]>;
  input: MappingInput;
  sourceSystem: DescribedSystem;
  targetSystem: DescribedSystem;
}

function forwardField(rule: FieldRule, field: DescribedField, scope: ObjectScope): CompiledField {
  const problems: MappingProblem[] = [];
  const ruleScope: RuleScope = {
    source: scope.source,
    target: scope.target,
    field,
    problems,
    reads: new Set(),
    userFields: new Set(),
    sourceObjects: new Set(scope.sourceSystem.objects.map((object) => object.name)),
    mappedTargets: scope.mappedTargets,
    targetUsersObject: scope.targetSystem.usersObject,
    users: { by: scope.input.users?.by ?? 'email', table: { ...(scope.input.users?.table ?? {}) } },
    deferrable: new Set(),
  };
  return compileField(rule, ruleScope, []);
}

function compileReverseObject(entry: ObjectMappingInput, index: number, scope: ObjectScope): ReverseObjectMapping {
  const idField = scope.source.idField;
  const targetFields: TargetField[] = [];
  Object.entries(entry.fields).forEach(([name, rule], order) => {
    const field = scope.target.fields.find((candidate) => candidate.name === name);
    if (!field) return;
    const ruleScope: ReverseRuleScope = { source: scope.source, target: scope.target, field, mappedTargets: scope.mappedTargets };
    if (scope.input.users?.fallback !== undefined) ruleScope.fallbackUser = scope.input.users.fallback;
    const reverser = compileReverser(rule, ruleScope);
    if (!reverser) return;
    const compiled: TargetField = { name, order, reverser };
    if (reverser.pure) compiled.forward = forwardField(rule, field, scope);
    targetFields.push(compiled);
  });
  const readers = new Map<string, TargetField[]>();
  for (const target of targetFields) {
    for (const read of target.reverser.reads) if (read !== idField) readers.set(read, [...(readers.get(read) ?? []), target]);
  }
  const fields = scope.source.fields.map((field) => field.name).filter((name) => readers.has(name));
  const plan: ReverseFieldPlan[] = fields.map((name) => {
    const from = [...(readers.get(name) ?? [])].sort((a, b) => a.reverser.rank - b.reverser.rank || a.order - b.order);
    return { field: name, from: from.map((target) => target.name), how: from.map((target) => target.reverser.how.get(name) ?? 'copy') };
  });
  let accepts: RecordPredicate = () => true;
  if (entry.where) accepts = compileCondition(entry.where, scope.source, [], [], new Set());
  const byName = new Map(targetFields.map((target) => [target.name, target]));

  const affected = (changed: Iterable<string>): string[] => {
    const wanted = new Set<string>();
    for (const name of changed) for (const read of byName.get(name)?.reverser.reads ?? []) if (read !== idField) wanted.add(read);
    return fields.filter((name) => wanted.has(name));
  };

  return {
    source: scope.source.name,
    target: scope.target.name,
    index,
    idField,
    fields,
    unmapped: scope.source.fields.map((field) => field.name).filter((name) => name !== idField && !readers.has(name)),
    plan,
    targetFields: Object.keys(entry.fields).filter((name) => scope.target.fields.some((field) => field.name === name)),
    affected,
    references: (values) => targetFields.flatMap((target) => target.reverser.references(values[target.name] ?? null)),
    users: (values) => [...new Set(targetFields.flatMap((target) => target.reverser.users(values[target.name] ?? null)))],
    accepts: (values) => accepts({ id: '', deleted: false, values }),
    reverse: (values, context) => reverseValues(values, context, { targetFields, fields: context.changed ? affected(context.changed) : fields }),
  };
}

/**
 * One target record back in the source's terms, by the reverse of its
 * object mapping: `{ values, lossy, approximate, links }`. The same as
 * `object.reverse(record.values, context)`.
 */
export function reverseRecord(object: ReverseObjectMapping, record: { values: Record<string, Value> }, context: ReverseContext): ReverseResult {
  return object.reverse(record.values, context);
}

/** Every target field's say, combined per source field, then checked forward. */
function reverseValues(values: Record<string, Value>, context: ReverseContext, object: { targetFields: TargetField[]; fields: string[] }): ReverseResult {
  const said = new Map<string, Contribution[]>();
  for (const target of object.targetFields) {
    const proposals = target.reverser.reverse(values[target.name] ?? null, context);
    for (const [field, proposal] of proposals) said.set(field, [...(said.get(field) ?? []), { targetField: target.name, rank: target.reverser.rank, order: target.order, proposal }]);
  }
  const result: ReverseResult = { values: {}, lossy: [], approximate: [], links: [] };
  for (const field of object.fields) {
    const combined = combineField(field, said.get(field) ?? [], context);
    if (!combined) continue;
    if (combined.value) result.values[field] = combined.value.value;
    if (combined.link) result.links.push({ field, ...combined.link } satisfies NewRecordLink);
    for (const reason of combined.lossy) result.lossy.push({ field, reason });
    for (const reason of combined.approximate) result.approximate.push({ field, reason });
  }
  checkForward(values, context, object.targetFields, result);
  return result;
}

/** Runs each pure rule forward on the values given back; a rule that does not give the target's value back is noted. */
function checkForward(values: Record<string, Value>, context: ReverseContext, targetFields: TargetField[], result: ReverseResult): void {
  const noted = new Set([...result.lossy, ...result.approximate].map((note: LossyNote) => note.field));
  const record = { id: '', deleted: false, values: { ...(context.before?.values ?? {}), ...result.values } };
  for (const target of targetFields) {
    if (!target.forward || (context.changed && !context.changed.has(target.name))) continue;
    const reads = target.reverser.reads;
    if (reads.some((read) => noted.has(read)) || !reads.some((read) => Object.hasOwn(result.values, read))) continue;
    const outcome = target.forward.run(record, NO_LEDGER);
    const actual = values[target.name] ?? null;
    // A value the target system filled itself (a default, a stamp) is not the rule's to give.
    if (outcome.ok && outcome.omit) continue;
    if (outcome.ok && valuesEqual(outcome.value, actual)) continue;
    const field = reads.find((read) => Object.hasOwn(result.values, read)) as string;
    const gives = outcome.ok ? `gives ${target.name} ${show(outcome.value)}` : `fails (${outcome.error.message})`;
    result.approximate.push({ field, reason: `mapped forward again, ${field} ${show(result.values[field] ?? null)} ${gives}, not ${show(actual)}` });
  }
}

/**
 * The user matching reversed: target user id → the source users matched to
 * it (`matchUsers(...).targets`). Source users left to the fallback are not
 * among them: the fallback user stands for no one in particular.
 */
export function sourceUsersByTarget(targets: ReadonlyMap<string, string>): (targetUserId: string) => string[] {
  const reversed = new Map<string, string[]>();
  for (const [sourceId, targetId] of targets) reversed.set(targetId, [...(reversed.get(targetId) ?? []), sourceId]);
  return (targetUserId) => reversed.get(targetUserId) ?? [];
}
