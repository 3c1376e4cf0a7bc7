/**
 * Compiles the plan's mapping against the descriptions of the source and
 * target systems, reporting every problem at once with its plan path, and
 * orders the object mappings parents first.
 */
import { compileObject, type CompiledObject, type MappingScope } from './compile-object.js';
import type { DescribedSystem } from './described-system.js';
import type { MappingInput } from './mapping-input.js';
import type { CompiledMapping, MappingProblem, UserMappingRule } from './mapping-types.js';
import { orderMappings } from './object-order.js';

/** Result of {@link compileMapping}: the mapping when nothing is wrong, and every problem found (warnings too). */
export interface CompileResult {
  /** Present when there is no problem of severity `error`. */
  mapping?: CompiledMapping;
  problems: MappingProblem[];
}

/** The user mapping as the migration uses it; `by` defaults to `email`. */
export function userMappingRule(input: MappingInput['users']): UserMappingRule {
  const rule: UserMappingRule = { by: input?.by ?? 'email', table: { ...(input?.table ?? {}) } };
  if (input?.fallback !== undefined) rule.fallback = input.fallback;
  return rule;
}

function warnDoubleSources(input: MappingInput, problems: MappingProblem[]): void {
  const seen = new Map<string, number[]>();
  input.objects.forEach((entry, i) => seen.set(entry.source, [...(seen.get(entry.source) ?? []), i]));
  for (const [source, indexes] of seen) {
    if (indexes.length < 2 || indexes.every((i) => input.objects[i]?.where !== undefined)) continue;
    problems.push({
      severity: 'warning',
      path: ['mapping', 'objects', indexes[1] as number, 'source'],
      message: `${source} is mapped ${indexes.length} times (objects ${indexes.join(', ')}); records every entry takes are migrated once per entry`,
      hint: 'give each entry a where condition so that every record goes to one target object',
    });
  }
}

/**
 * Compiles `input` against both systems. `names` are the systems' plan names
 * (for messages and {@link CompiledMapping}). Every problem is reported with
 * its path (`['mapping', 'objects', 0, 'fields', 'Name']`): unknown objects
 * and fields, types that do not go together without a conversion, required
 * target fields left unmapped or fed nulls, picklist values with no place in
 * the target, lookups of objects that are not mapped, and lookups that could
 * only be set in a second pass into required fields.
 */
export function compileMapping(input: MappingInput, source: DescribedSystem, target: DescribedSystem, names: { source: string; target: string }): CompileResult {
  const problems: MappingProblem[] = [];
  const mappedTargets = new Map<string, string[]>();
  for (const entry of input.objects) mappedTargets.set(entry.source, [...(mappedTargets.get(entry.source) ?? []), entry.target]);
  const users = userMappingRule(input.users);
  const scope: MappingScope = { source, target, names, mappedTargets, users, problems };
  if (input.objects.length === 0) problems.push({ severity: 'error', path: ['mapping', 'objects'], message: 'map at least one object' });
  warnDoubleSources(input, problems);

  const compiled: Array<CompiledObject | undefined> = input.objects.map((entry, i) => compileObject(entry, i, scope));
  const present = compiled.filter((entry): entry is CompiledObject => entry !== undefined);
  const { order, component } = orderMappings(
    present.map((entry) => ({
      source: entry.mapping.source,
      references: entry.mapping.lookups.flatMap((lookup) => (typeof lookup.sourceObject === 'string' ? [lookup.sourceObject] : Object.values(lookup.sourceObject.objects))),
    })),
  );
  present.forEach((entry, i) => {
    present.forEach((other, j) => {
      if (component[j] === component[i]) entry.deferrable.add(other.mapping.source);
    });
    for (const field of entry.fields) {
      if (!field.refusesNull) continue;
      const waits = field.lookups.flatMap((lookup) => (typeof lookup.sourceObject === 'string' ? [lookup.sourceObject] : Object.values(lookup.sourceObject.objects))).filter((object) => entry.deferrable.has(object));
      if (waits.length === 0) continue;
      problems.push({
        severity: 'error',
        path: [...entry.mapping.path, 'fields', field.field],
        message: `${entry.mapping.target}.${field.field} is required, but it refers to ${[...new Set(waits)].join(', ')}, ${waits.includes(entry.mapping.source) ? 'the same object' : 'in a cycle with this one'}: such references may only be set in a second pass`,
        hint: 'map the reference into a field that allows null, or drop one lookup of the cycle',
      });
    }
  });

  if (problems.some((found) => found.severity === 'error')) return { problems };
  return {
    problems,
    mapping: { source: names.source, target: names.target, objects: order.map((i) => (present[i] as CompiledObject).mapping), users },
  };
}
