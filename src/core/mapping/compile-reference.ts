/**
 * The `lookup` and `user` rules: the source field holds the id of another
 * source record (or user), and the target field gets the target id the
 * migration gave it, through the ledger (or the user mapping).
 */
import { nearHint } from './near-names.js';
import type { FieldRuleObject, PolymorphicLookupInput } from './mapping-input.js';
import type { LookupRule } from './mapping-types.js';
import { problem, sourceField, type CompiledRule, type PlanPath, type RuleScope } from './rule-scope.js';

const ID_TYPES = ['id', 'string', 'text', 'integer', 'decimal'];

function checkIdFields(scope: RuleScope, fromName: string, path: PlanPath, what: string): boolean {
  const from = sourceField(scope, fromName, [...path, 'from']);
  let ok = from !== undefined;
  if (from && !ID_TYPES.includes(from.type)) {
    problem(scope, [...path, 'from'], `${scope.source.name}.${from.name} is ${from.type}; ${what} needs a field holding ids`);
    ok = false;
  }
  if (!['id', 'string', 'text', 'integer'].includes(scope.field.type)) {
    problem(scope, path, `${scope.target.name}.${scope.field.name} is ${scope.field.type}; ${what} writes an id, so it needs an id, text or integer field`);
    ok = false;
  }
  return ok;
}

/** The objects a target reference field may point at, when the system says. */
function allowedTargets(scope: RuleScope): string[] | undefined {
  const references = scope.field.references;
  if (!references) return undefined;
  return references.polymorphic ? [...new Set(Object.values(references.polymorphic.objects))] : [references.object];
}

function checkReferencedObject(scope: RuleScope, object: string, path: PlanPath): void {
  if (!scope.sourceObjects.has(object)) {
    problem(scope, path, `the source has no object "${object}"`, nearHint(object, [...scope.sourceObjects], 'source objects'));
    return;
  }
  const targets = scope.mappedTargets.get(object);
  if (!targets || targets.length === 0) {
    problem(scope, path, `${object} is not mapped, so its records have no target ids to look up`, `add an entry for ${object} under mapping.objects, or drop this lookup`);
    return;
  }
  const allowed = allowedTargets(scope);
  if (allowed && !targets.some((target) => allowed.includes(target))) {
    problem(
      scope,
      path,
      `${scope.target.name}.${scope.field.name} points at ${allowed.join(' or ')}, but ${object} is mapped to ${targets.join(', ')}`,
      'look up the source object that becomes the referenced target object',
    );
  }
}

/** Compiles a `lookup` rule. */
export function compileLookup(rule: FieldRuleObject, scope: RuleScope, path: PlanPath): CompiledRule {
  const fromName = rule.from as string;
  checkIdFields(scope, fromName, path, 'lookup');
  const spec = rule.lookup as string | PolymorphicLookupInput;
  const lookup: LookupRule = { targetField: scope.field.name, sourceField: fromName, sourceObject: typeof spec === 'string' ? spec : { typeField: spec.typeField, objects: { ...spec.objects } } };
  const missingAsNull = rule.missing === 'null';
  if (missingAsNull) {
    lookup.missingAsNull = true;
    if (!scope.field.nullable) {
      problem(scope, [...path, 'missing'], `${scope.target.name}.${scope.field.name} cannot be empty, so missing: null cannot leave it empty`, 'use missing: fail (the default)');
    }
  }
  let typeField: string | undefined;
  if (typeof spec === 'string') {
    checkReferencedObject(scope, spec, [...path, 'lookup']);
  } else {
    const type = sourceField(scope, spec.typeField, [...path, 'lookup', 'typeField']);
    if (type) typeField = type.name;
    for (const [value, object] of Object.entries(spec.objects)) checkReferencedObject(scope, object, [...path, 'lookup', 'objects', value]);
    const missing = (type?.picklistValues ?? []).filter((value) => !Object.hasOwn(spec.objects, value));
    if (missing.length > 0) {
      problem(
        scope,
        [...path, 'lookup', 'objects'],
        `records whose ${spec.typeField} is ${missing.map((m) => JSON.stringify(m)).join(', ')} would fail: no object is given for ${missing.length === 1 ? 'it' : 'them'}`,
        'add the objects, or leave such records out with a where condition',
        'warning',
      );
    }
  }
  const from = scope.source.fields.find((field) => field.name === fromName);
  const resolveObject = (values: Record<string, unknown>): { ok: true; object: string } | { ok: false; message: string } => {
    if (typeof spec === 'string') return { ok: true, object: spec };
    const type = typeField === undefined ? undefined : values[typeField];
    if (type === null || type === undefined) return { ok: false, message: `${spec.typeField} is empty, so the referenced object is unknown` };
    const object = spec.objects[String(type)];
    return object ? { ok: true, object } : { ok: false, message: `${spec.typeField} is ${JSON.stringify(String(type))}, which lookup.objects does not name` };
  };
  return {
    canBeNull: from?.nullable ?? true,
    lookups: [lookup],
    produce: (record, context) => {
      const id = record.values[fromName];
      if (id === null || id === undefined) return { ok: true, value: null };
      const sourceId = String(id);
      const resolved = resolveObject(record.values);
      if (!resolved.ok) return { ok: false, rule: 'lookup', message: resolved.message };
      if (context.failed(resolved.object, sourceId)) {
        return { ok: false, rule: 'lookup', message: `reference to a parent that failed: ${resolved.object} ${sourceId} was not migrated in this run` };
      }
      const targetId = context.targetIdOf(resolved.object, sourceId);
      if (targetId !== undefined) return { ok: true, value: targetId };
      if (scope.deferrable.has(resolved.object)) return { ok: true, value: null, deferred: lookup };
      if (missingAsNull) return { ok: true, value: null };
      return {
        ok: false,
        rule: 'lookup',
        message: `${resolved.object} ${sourceId} is not migrated (filtered out by a where condition, soft-deleted, or missing from the source)`,
      };
    },
  };
}

/** Compiles a `user` rule. */
export function compileUser(rule: FieldRuleObject, scope: RuleScope, path: PlanPath): CompiledRule {
  const fromName = rule.from as string;
  const ok = checkIdFields(scope, fromName, path, 'user');
  if (ok) scope.userFields.add(fromName);
  const references = scope.field.references;
  if (references && scope.targetUsersObject && references.object !== scope.targetUsersObject && !references.polymorphic) {
    problem(scope, path, `${scope.target.name}.${scope.field.name} points at ${references.object}, not at the users (${scope.targetUsersObject})`, 'use lookup for references to records');
  }
  const from = scope.source.fields.find((field) => field.name === fromName);
  return {
    canBeNull: from?.nullable ?? true,
    lookups: [],
    produce: (record, context) => {
      const id = record.values[fromName];
      if (id === null || id === undefined) return { ok: true, value: null };
      const sourceId = String(id);
      const target = context.userOf(sourceId) ?? scope.users.fallback;
      if (target === undefined) {
        return {
          ok: false,
          rule: 'user',
          message: `source user ${sourceId} has no target user (${scope.users.by === 'email' ? 'no user with the same email, ' : ''}not in mapping.users.table, and no mapping.users.fallback)`,
        };
      }
      return { ok: true, value: target };
    },
  };
}
