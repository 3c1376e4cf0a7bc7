/**
 * The hash a migration records of what it wrote to one target record: the
 * target values with every reference written as the source record it points
 * to (`Account:42`) rather than the target id it resolved to. Whether a
 * reference was set in the first pass or in the second, and whatever id the
 * target gave the parent, the same source record gives the same hash, so a
 * re-run finds it unchanged and writes nothing.
 */
import type { LookupRule, SourceRecord } from '../../core/mapping/mapping-types.js';
import { recordHash } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';

/** The source object a lookup of this record points into, or `undefined` when its type field names none. */
export function lookupObject(rule: LookupRule, record: SourceRecord): string | undefined {
  if (typeof rule.sourceObject === 'string') return rule.sourceObject;
  const type = record.values[rule.sourceObject.typeField];
  return type === null || type === undefined ? undefined : rule.sourceObject.objects[String(type)];
}

/** The source id a lookup of this record holds, or `undefined` when it is empty. */
export function lookupSourceId(rule: LookupRule, record: SourceRecord): string | undefined {
  const value = record.values[rule.sourceField];
  return value === null || value === undefined || value === '' ? undefined : String(value);
}

/** The hash of target values, references as source references (see the module comment). */
export function logicalHash(values: Record<string, Value>, lookups: readonly LookupRule[], record: SourceRecord): string {
  const logical: Record<string, Value> = { ...values };
  for (const rule of lookups) {
    const id = lookupSourceId(rule, record);
    logical[rule.targetField] = id === undefined ? null : `${lookupObject(rule, record) ?? '?'}:${id}`;
  }
  return recordHash({ id: record.id, deleted: false, values: logical }).toString('hex');
}
