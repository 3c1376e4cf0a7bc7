/** The `map` rule: a source value, as text, picks a target value. */
import type { Value } from '../values.js';
import type { Scalar } from './mapping-input.js';

/** The key a source value is looked up by: text as is, numbers and booleans as written. */
export function mapKey(value: Exclude<Value, null | Uint8Array>): string {
  return String(value);
}

/** Outcome of {@link applyMap}. */
export type MapOutcome = { ok: true; value: Scalar } | { ok: false; message: string };

/**
 * Maps one value: the entry for its key, else `otherwise` when the plan
 * gives one, else a failure naming the value. Null is not mapped (a
 * `default` handles it).
 */
export function applyMap(value: Value, map: Readonly<Record<string, Scalar>>, otherwise?: { value: Scalar }): MapOutcome {
  if (value === null) return { ok: true, value: null };
  if (value instanceof Uint8Array) return { ok: false, message: 'binary values cannot be mapped' };
  const key = mapKey(value);
  if (Object.hasOwn(map, key)) return { ok: true, value: map[key] as Scalar };
  if (otherwise) return { ok: true, value: otherwise.value };
  return { ok: false, message: `no mapping for the value ${JSON.stringify(key)} (add it to map, or give otherwise)` };
}
