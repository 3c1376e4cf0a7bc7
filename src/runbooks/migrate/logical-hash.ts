/**
 * The hash a migration records of what it wrote to one target record: the
 * target values with every reference written as the source record it points
 * to (`Account:42`) rather than the target id it resolved to. Whether a
 * reference was set in the first pass or in the second, and whatever id the
 * target gave the parent, the same source record gives the same hash, so a
 * re-run finds it unchanged and writes nothing.
 */
import { resolveReference, type LookupRule, type SourceRecord } from '../../core/mapping/index.js';
import { recordHash } from '../../core/record-hash.js';
import type { Value } from '../../core/values.js';

/** The hash of target values, references as source references (see the module comment). */
export function logicalHash(values: Record<string, Value>, lookups: readonly LookupRule[], record: SourceRecord): string {
  const logical: Record<string, Value> = { ...values };
  for (const rule of lookups) {
    const reference = resolveReference(rule, record.values);
    const raw = record.values[rule.sourceField];
    // A reference whose type names no known object still counts, as an unknown one.
    logical[rule.targetField] = reference ? `${reference.sourceObject}:${reference.sourceId}` : raw === null || raw === undefined || raw === '' ? null : `?:${String(raw)}`;
  }
  return recordHash({ id: record.id, deleted: false, values: logical }).toString('hex');
}
