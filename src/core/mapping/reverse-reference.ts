/**
 * The `lookup` and `user` rules backwards: a target id becomes the source id
 * of the record the id map says it was migrated from (or a link to a record
 * created after go-live, which has no source id yet), and a target user the
 * source user matched to it.
 */
import type { Value } from '../values.js';
import type { DescribedField } from './described-system.js';
import type { FieldRuleObject } from './mapping-input.js';
import type { ReverseRuleScope } from './reverse-pipeline.js';
import { valueProposal, type Proposal, type Reverser } from './reverse-proposal.js';
import type { ReverseContext } from './reverse-types.js';
import { distinct, show, showList, toSourceValue } from './reverse-values.js';

function field(scope: ReverseRuleScope, name: string): DescribedField | undefined {
  return scope.source.fields.find((candidate) => candidate.name === name);
}

/** A source id or user id into the source field's type. */
function idValue(id: string, into: DescribedField, label: string): Proposal {
  const back = toSourceValue(id, into);
  return back.ok ? valueProposal(back.value, back.approximate ? [back.approximate] : [], back.lossy) : { kind: 'lost', reason: `${label}: ${back.reason}` };
}

/** Compiles a `lookup` rule backwards. */
export function lookupReverser(rule: FieldRuleObject, scope: ReverseRuleScope): Reverser | undefined {
  const fromName = rule.from as string;
  const from = field(scope, fromName);
  if (!from) return undefined;
  const spec = rule.lookup as NonNullable<FieldRuleObject['lookup']>;
  const typeField = typeof spec === 'string' ? undefined : field(scope, spec.typeField);
  // Each (type value, source object) the reference may point at, with the target objects that source object became.
  const kinds = (typeof spec === 'string' ? [{ type: undefined as string | undefined, object: spec }] : Object.entries(spec.objects).map(([type, object]) => ({ type: type as string | undefined, object }))).flatMap(
    (kind) => (scope.mappedTargets.get(kind.object) ?? []).map((targetObject) => ({ ...kind, targetObject })),
  );
  const targetObjects = [...new Set(kinds.map((kind) => kind.targetObject))];
  const reads = typeField ? [fromName, typeField.name] : [fromName];
  const label = scope.field.name;

  const typeProposal = (sourceObject: string): Proposal | undefined => {
    if (!typeField || typeof spec === 'string') return undefined;
    const types = Object.entries(spec.objects).filter(([, object]) => object === sourceObject).map(([type]) => type);
    const values = distinct(types.flatMap((type) => {
      const back = toSourceValue(type, typeField);
      return back.ok ? [back.value] : [];
    }));
    if (values.length === 1) return valueProposal(values[0] as Value);
    return { kind: 'choices', set: { only: values }, reason: `${label} points at ${sourceObject}, which ${typeField.name} names as ${showList(values)}` };
  };

  return {
    reads,
    how: new Map(reads.map((name) => [name, name === fromName ? 'source id through the id map' : 'object of the referenced record'])),
    rank: 0,
    pure: false,
    references: (value) => (value === null || value === undefined ? [] : [{ targetObjects, targetId: String(value) }]),
    users: () => [],
    reverse(value: Value, context: ReverseContext): Map<string, Proposal> {
      const out = new Map<string, Proposal>();
      if (value === null) {
        out.set(fromName, valueProposal(null));
        if (typeField) out.set(typeField.name, { kind: 'unknown' });
        return out;
      }
      const targetId = String(value);
      const at = `${label} ${show(value)}`;
      let elsewhere: string | undefined;
      for (const kind of kinds) {
        const found = context.sourceOf(kind.targetObject, targetId);
        if (!found) continue;
        if (found.sourceObject !== kind.object) {
          elsewhere = found.sourceObject;
          continue;
        }
        out.set(fromName, idValue(found.sourceId, from, at));
        const type = typeProposal(found.sourceObject);
        if (type && typeField) out.set(typeField.name, type);
        return out;
      }
      for (const kind of kinds) {
        if (!context.isNew(kind.targetObject, targetId)) continue;
        out.set(fromName, { kind: 'link', link: { targetObject: kind.targetObject, targetId, sourceObject: kind.object } });
        const type = typeProposal(kind.object);
        if (type && typeField) out.set(typeField.name, type);
        return out;
      }
      const reason = elsewhere
        ? `${at} points at a record migrated from ${elsewhere}, which ${fromName} does not refer to`
        : `${at} is neither a migrated record nor one created since go-live (it was in the target before the migration, or it is gone)`;
      out.set(fromName, { kind: 'lost', reason });
      if (typeField) out.set(typeField.name, { kind: 'unknown' });
      return out;
    },
  };
}

/** Compiles a `user` rule backwards: the source user whose target user this is. */
export function userReverser(rule: FieldRuleObject, scope: ReverseRuleScope): Reverser | undefined {
  const fromName = rule.from as string;
  const from = field(scope, fromName);
  if (!from) return undefined;
  const label = scope.field.name;
  return {
    reads: [fromName],
    how: new Map([[fromName, 'user matching reversed']]),
    rank: 0,
    pure: false,
    references: () => [],
    users: (value) => (value === null || value === undefined ? [] : [String(value)]),
    reverse(value: Value, context: ReverseContext): Map<string, Proposal> {
      if (value === null) return new Map([[fromName, valueProposal(null)]]);
      const id = String(value);
      const who = context.userLabel ? `${context.userLabel(id)} (${id})` : id;
      const users = context.sourceUsersOf(id);
      if (users.length === 1) return new Map([[fromName, idValue(users[0] as string, from, `${label} ${who}`)]]);
      if (users.length > 1) {
        const values = users.flatMap((user) => {
          const back = toSourceValue(user, from);
          return back.ok ? [back.value] : [];
        });
        return new Map([[fromName, { kind: 'choices', set: { only: values }, reason: `${label} ${who} is the target user of the source users ${showList(users)}` }]]);
      }
      const fallback = scope.fallbackUser === id ? ' (the fallback user, mapping.users.fallback)' : '';
      return new Map([[fromName, { kind: 'lost', reason: `${label} ${who}${fallback} is a target user no source user is matched to` }]]);
    },
  };
}
