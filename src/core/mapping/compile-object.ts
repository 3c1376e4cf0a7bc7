/**
 * One object mapping: the source and target objects found, every target
 * field's rule compiled, required target fields checked, the `where`
 * condition compiled.
 */
import { resolveReference } from './resolve-reference.js';
import type { Value } from '../values.js';
import { compileField, type CompiledField } from './compile-field.js';
import { compileCondition, type RecordPredicate } from './condition.js';
import type { DescribedObject, DescribedSystem } from './described-system.js';
import type { ObjectMappingInput } from './mapping-input.js';
import type { CompiledObjectMapping, FieldError, LookupRule, MappingProblem, SourceRecord, UserMappingRule } from './mapping-types.js';
import { nearHint } from './near-names.js';
import type { PlanPath, RuleScope } from './rule-scope.js';

/** What every object mapping of one mapping shares. */
export interface MappingScope {
  source: DescribedSystem;
  target: DescribedSystem;
  /** Names of the systems, for messages. */
  names: { source: string; target: string };
  mappedTargets: ReadonlyMap<string, readonly string[]>;
  users: UserMappingRule;
  problems: MappingProblem[];
}

/** A compiled object mapping and what the compiler still needs of it. */
export interface CompiledObject {
  mapping: CompiledObjectMapping;
  fields: CompiledField[];
  /** Filled once the order is known (see {@link RuleScope.deferrable}). */
  deferrable: Set<string>;
}

function findObject(system: DescribedSystem, name: string, systemName: string, path: PlanPath, problems: MappingProblem[]): DescribedObject | undefined {
  const object = system.objects.find((candidate) => candidate.name === name);
  if (!object) {
    problems.push({ severity: 'error', path, message: `${systemName} has no object "${name}"`, hint: nearHint(name, system.objects.map((o) => o.name), `objects of ${systemName}`) });
    return undefined;
  }
  if (object.unsupported) {
    problems.push({ severity: 'error', path, message: `${systemName}.${name} cannot be migrated: ${object.unsupported}` });
    return undefined;
  }
  return object;
}

/** Compiles one entry of `mapping.objects`; undefined when its objects are not there (the problems say why). */
export function compileObject(input: ObjectMappingInput, index: number, scope: MappingScope): CompiledObject | undefined {
  const path: PlanPath = ['mapping', 'objects', index];
  const { problems } = scope;
  const source = findObject(scope.source, input.source, scope.names.source, [...path, 'source'], problems);
  const target = findObject(scope.target, input.target, scope.names.target, [...path, 'target'], problems);
  if (!source || !target) return undefined;

  const reads = new Set<string>([source.idField]);
  if (source.softDelete) reads.add(source.softDelete.field);
  const userFields = new Set<string>();
  const deferrable = new Set<string>([source.name]);
  const sourceObjects = new Set(scope.source.objects.map((object) => object.name));
  const fields: CompiledField[] = [];
  for (const [name, rule] of Object.entries(input.fields)) {
    const at: PlanPath = [...path, 'fields', name];
    const field = target.fields.find((candidate) => candidate.name === name);
    if (!field) {
      problems.push({ severity: 'error', path: at, message: `${target.name} has no field "${name}"`, hint: nearHint(name, target.fields.map((f) => f.name), `fields of ${target.name}`) });
      continue;
    }
    const ruleScope: RuleScope = {
      source,
      target,
      field,
      problems,
      reads,
      userFields,
      sourceObjects,
      mappedTargets: scope.mappedTargets,
      targetUsersObject: scope.target.usersObject,
      users: scope.users,
      deferrable,
    };
    fields.push(compileField(rule, ruleScope, at));
  }

  const assignsIds = scope.target.capabilities?.assignsIds ?? true;
  const missing = target.fields.filter(
    (field) =>
      !Object.hasOwn(input.fields, field.name) &&
      !field.nullable &&
      !field.autoAssigned &&
      field.defaultValue === undefined &&
      field.role === undefined &&
      !(field.name === target.idField && assignsIds),
  );
  for (const field of missing) {
    problems.push({
      severity: 'error',
      path: [...path, 'fields'],
      message: `${target.name}.${field.name} is required (no null, no default) but not mapped`,
      hint: `map it, e.g. ${field.name}: <source field>, or give a constant: ${field.name}: { value: … }`,
    });
  }

  let accepts: RecordPredicate = () => true;
  if (input.where) accepts = compileCondition(input.where, source, [...path, 'where'], problems, reads);

  const lookups = fields.flatMap((field) => field.lookups);
  const userList = [...userFields];
  const mapping: CompiledObjectMapping = {
    source: source.name,
    target: target.name,
    path,
    includeDeleted: input.deleted === 'migrate',
    lookups,
    sourceFields: [...reads],
    accepts: (record: SourceRecord) => accepts(record),
    references: (record) => lookups.flatMap((lookup) => resolveReference(lookup, record.values) ?? []),
    users: (record) => {
      const ids = new Set<string>();
      for (const name of userList) {
        const value = record.values[name];
        if (value !== null && value !== undefined) ids.add(String(value));
      }
      return [...ids];
    },
    transform: (record, context) => {
      const values: Record<string, Value> = {};
      const deferred: LookupRule[] = [];
      const errors: FieldError[] = [];
      for (const field of fields) {
        const outcome = field.run(record, context);
        if (!outcome.ok) errors.push(outcome.error);
        else if (!outcome.omit) {
          values[field.field] = outcome.value;
          if (outcome.deferred) deferred.push(outcome.deferred);
        }
      }
      return errors.length > 0 ? { ok: false, errors } : { ok: true, values, deferred };
    },
  };
  return { mapping, fields, deferrable };
}
