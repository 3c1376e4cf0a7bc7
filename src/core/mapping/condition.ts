/**
 * The `where` condition of an object mapping: a small, safe language over
 * one record's values (field comparisons combined with all/any/not), never
 * code. Compiled once against the source object, then evaluated per record.
 */
import { canonicalDate, canonicalDatetime, canonicalDecimal, type FieldType, type Value } from '../values.js';
import type { DescribedObject } from './described-system.js';
import type { ConditionInput, Scalar } from './mapping-input.js';
import type { MappingProblem, SourceRecord } from './mapping-types.js';
import { conditionShapeProblems } from './rule-shape.js';
import { isNumberType } from './type-compat.js';

/** A compiled condition. */
export type RecordPredicate = (record: SourceRecord) => boolean;

type Comparable = string | number | boolean | null;

/** A value in the form comparisons use for a field of `type`; throws when it cannot be one. */
function comparable(value: Value | Scalar, type: FieldType): Comparable {
  if (value === null) return null;
  if (value instanceof Uint8Array) throw new TypeError('binary values cannot be compared');
  if (isNumberType(type)) {
    if (typeof value === 'boolean') throw new TypeError(`${String(value)} is not a number`);
    return canonicalDecimal(typeof value === 'string' ? value.trim() : value);
  }
  if (type === 'boolean') {
    if (typeof value === 'boolean') return value;
    if (value === 1 || value === 'true') return true;
    if (value === 0 || value === 'false') return false;
    throw new TypeError(`${JSON.stringify(value)} is not true or false`);
  }
  if (type === 'date') return canonicalDate(String(value));
  if (type === 'datetime') return canonicalDatetime(String(value));
  return String(value);
}

function ordered(a: Comparable, b: Comparable, type: FieldType): number {
  if (isNumberType(type)) return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

const always: RecordPredicate = () => true;

/**
 * Compiles a condition against the source object, pushing a problem (with
 * its plan path) for every unknown field, wrong combination of keys or
 * constant that cannot be compared with the field; collects the fields it
 * reads into `reads`.
 */
export function compileCondition(
  condition: ConditionInput,
  object: DescribedObject,
  path: Array<string | number>,
  problems: MappingProblem[],
  reads: Set<string>,
): RecordPredicate {
  const shape = conditionShapeProblems(condition);
  for (const problem of shape) problems.push({ severity: 'error', path: [...path, ...problem.path], message: problem.message });
  if (shape.length > 0) return always;
  if (condition.all) {
    const parts = condition.all.map((part, i) => compileCondition(part, object, [...path, 'all', i], problems, reads));
    return (record) => parts.every((part) => part(record));
  }
  if (condition.any) {
    const parts = condition.any.map((part, i) => compileCondition(part, object, [...path, 'any', i], problems, reads));
    return (record) => parts.some((part) => part(record));
  }
  if (condition.not) {
    const inner = compileCondition(condition.not, object, [...path, 'not'], problems, reads);
    return (record) => !inner(record);
  }
  const name = condition.field as string;
  const field = object.fields.find((candidate) => candidate.name === name);
  if (!field) {
    problems.push({ severity: 'error', path: [...path, 'field'], message: `${object.name} has no field "${name}"`, hint: `fields of ${object.name}: ${object.fields.map((f) => f.name).join(', ')}` });
    return always;
  }
  reads.add(name);
  const type = field.type;
  const constant = (value: Value | Scalar, at: Array<string | number>): Comparable | undefined => {
    try {
      const result = comparable(value, type);
      if (typeof result === 'string' && field.picklistValues?.length && (type === 'string' || type === 'text') && !field.picklistValues.includes(result)) {
        problems.push({ severity: 'warning', path: [...path, ...at], message: `"${result}" is not a value of ${object.name}.${name} (${field.picklistValues.join(', ')}), so it never matches` });
      }
      return result;
    } catch (error) {
      problems.push({ severity: 'error', path: [...path, ...at], message: `${JSON.stringify(value)} cannot be compared with ${object.name}.${name} (${type}): ${(error as Error).message}` });
      return undefined;
    }
  };
  const valueOf = (record: SourceRecord): Comparable => {
    const value = record.values[name];
    if (value === undefined || value === null || value instanceof Uint8Array) return null;
    try {
      return comparable(value, type);
    } catch {
      return String(value);
    }
  };
  if (condition.isNull !== undefined) {
    const wanted = condition.isNull;
    return (record) => (valueOf(record) === null) === wanted;
  }
  if (condition.equals !== undefined || condition.notEquals !== undefined) {
    const negate = condition.equals === undefined;
    const target = constant((negate ? condition.notEquals : condition.equals) as Scalar, [negate ? 'notEquals' : 'equals']);
    return (record) => (valueOf(record) === target) !== negate;
  }
  if (condition.in !== undefined || condition.notIn !== undefined) {
    const negate = condition.in === undefined;
    const list = (negate ? condition.notIn : condition.in) as Scalar[];
    const values = new Set(list.map((value, i) => constant(value, [negate ? 'notIn' : 'in', i])));
    return (record) => values.has(valueOf(record)) !== negate;
  }
  const key = condition.after !== undefined ? 'after' : 'before';
  if (!isNumberType(type) && type !== 'date' && type !== 'datetime') {
    problems.push({ severity: 'error', path: [...path, key], message: `${key} compares dates, datetimes and numbers; ${object.name}.${name} is ${type}` });
    return always;
  }
  const bound = constant(condition[key] as string | number, [key]);
  if (bound === undefined) return always;
  const sign = key === 'after' ? 1 : -1;
  return (record) => {
    const value = valueOf(record);
    return value !== null && ordered(value, bound, type) * sign > 0;
  };
}
