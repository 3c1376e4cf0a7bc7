/** The source record a lookup of one record points at. */
import type { Value } from '../values.js';
import type { LookupRule } from './mapping-types.js';

/**
 * The referenced source object and id of a lookup in one record's values;
 * `undefined` when the field is empty, or when a polymorphic lookup's type
 * field names no object the rule knows.
 */
export function resolveReference(lookup: LookupRule, values: Record<string, Value>): { sourceObject: string; sourceId: string } | undefined {
  const id = values[lookup.sourceField];
  if (id === null || id === undefined || id === '') return undefined;
  const spec = lookup.sourceObject;
  if (typeof spec === 'string') return { sourceObject: spec, sourceId: String(id) };
  const type = values[spec.typeField];
  const object = type === null || type === undefined ? undefined : spec.objects[String(type)];
  return object ? { sourceObject: object, sourceId: String(id) } : undefined;
}
