/**
 * Compiles one field rule into a function of a source record, checking it
 * against both systems: source fields exist, each step fits the type it is
 * given, constants fit the target field, and the result's type goes into
 * the target field.
 */
import type { FieldType, Value } from '../values.js';
import { compileLookup, compileUser } from './compile-reference.js';
import type { FieldRule, FieldRuleObject, Scalar } from './mapping-input.js';
import { checkPicklist } from './picklist-check.js';
import { problem, sourceField, type CompiledRule, type PlanPath, type Produced, type RuleScope } from './rule-scope.js';
import { ruleShapeProblems } from './rule-shape.js';
import { toTargetValue } from './target-value.js';
import { conversionHint, convertsImplicitly, isNumberType, isTextType } from './type-compat.js';
import { applyMap } from './transform-map.js';
import { changeCase, concatValues, splitPart, textOf, trimText } from './transform-text.js';
import { readDate, writeDate } from './transform-date.js';
import { scaleNumber } from './transform-number.js';

/** One step of a value rule. */
export type Step = (value: Value) => Produced;

// What a rule with problems compiles to; it claims no null so that no warning follows from the error already reported.
const nothing: CompiledRule = { canBeNull: false, lookups: [], produce: () => ({ ok: true, value: null }) };

/** Checks a constant against the target field, reporting at `at`. */
function checkConstant(scope: RuleScope, value: Scalar, at: PlanPath, what: string, truncate: boolean): void {
  if (value === null) return;
  const result = toTargetValue(value, scope.field, { truncate });
  if (result.ok) return;
  const field = `${scope.target.name}.${scope.field.name}`;
  if (result.rule === 'picklist') {
    problem(scope, at, `${what} ${JSON.stringify(value)} is not a value of ${field}`, `its values: ${(scope.field.picklistValues ?? []).map((v) => JSON.stringify(v)).join(', ')}`);
  } else if (result.rule === 'length') problem(scope, at, `${what} ${JSON.stringify(value)} is too long for ${field}: ${result.message}`);
  else problem(scope, at, `${what} ${result.message}`);
}

/** The text steps, map, date and scale of a rule, in the order they run. */
export function valueSteps(rule: FieldRuleObject, scope: RuleScope, path: PlanPath, inputType: FieldType): { steps: Step[]; textSteps: Step[] } {
  const steps: Step[] = [];
  const text = (name: string, fn: (text: string) => string | null): Step => (value) => {
    if (value === null) return { ok: true, value };
    try {
      return { ok: true, value: fn(textOf(value) as string) };
    } catch (error) {
      return { ok: false, rule: name, message: (error as Error).message };
    }
  };
  let type = inputType;
  for (const key of ['split', 'trim', 'case'] as const) {
    if (rule[key] === undefined || rule[key] === false) continue;
    if (!isTextType(type) && type !== 'string') problem(scope, [...path, key], `${key} works on text; the value here is ${type}`);
  }
  if (rule.split) {
    const { separator, index, rest } = rule.split;
    steps.push(text('split', (value) => splitPart(value, separator, index, rest ?? false)));
    type = 'string';
  }
  if (rule.trim) {
    steps.push(text('trim', trimText));
    type = 'string';
  }
  if (rule.case) {
    const mode = rule.case;
    steps.push(text('case', (value) => changeCase(value, mode)));
    type = 'string';
  }
  const textSteps = [...steps];
  const convertsLater = rule.date !== undefined || rule.scale !== undefined;
  if (rule.map) {
    const map = rule.map;
    const otherwise = Object.hasOwn(rule, 'otherwise') && rule.otherwise !== undefined ? { value: rule.otherwise } : undefined;
    if (!convertsLater) {
      for (const [key, value] of Object.entries(map)) checkConstant(scope, value, [...path, 'map', key], 'the map value', rule.truncate === true);
      if (otherwise) checkConstant(scope, otherwise.value, [...path, 'otherwise'], 'otherwise', rule.truncate === true);
    }
    steps.push((value) => {
      const mapped = applyMap(value, map, otherwise);
      return mapped.ok ? { ok: true, value: mapped.value } : { ok: false, rule: 'map', message: mapped.message };
    });
    type = 'string';
  }
  if (rule.date) {
    const dateRule = rule.date;
    const readAs = type;
    if (!isTextType(type) && type !== 'date' && type !== 'datetime') problem(scope, [...path, 'date'], `date reads text, dates and datetimes; the value here is ${type}`);
    const target = scope.field.type;
    if (!['date', 'datetime', 'time', 'string', 'text', 'id'].includes(target)) {
      problem(scope, [...path, 'date'], `date writes dates, datetimes, times or text; ${scope.target.name}.${scope.field.name} is ${target}`);
    }
    steps.push((value) => {
      if (value === null) return { ok: true, value };
      if (typeof value !== 'string') return { ok: false, rule: 'date', message: `${JSON.stringify(value)} is not a date` };
      const read = readDate(value, readAs, dateRule);
      if (!read.ok) return { ok: false, rule: 'date', message: read.message };
      const written = writeDate(read.value, target, dateRule);
      return written.ok ? { ok: true, value: written.value } : { ok: false, rule: 'date', message: written.message };
    });
  }
  if (rule.scale !== undefined) {
    const factor = rule.scale;
    if (!isNumberType(type) && !isTextType(type)) problem(scope, [...path, 'scale'], `scale multiplies numbers; the value here is ${type}`);
    const target = scope.field.type;
    if (!isNumberType(target)) problem(scope, [...path, 'scale'], `scale gives a number; ${scope.target.name}.${scope.field.name} is ${target}`);
    const places = target === 'integer' ? 0 : target === 'decimal' ? scope.field.scale : undefined;
    steps.push((value) => {
      if (value === null) return { ok: true, value };
      const scaled = scaleNumber(value, factor, places);
      return scaled.ok ? { ok: true, value: scaled.value } : { ok: false, rule: 'scale', message: scaled.message };
    });
  }
  return { steps, textSteps };
}

function runSteps(steps: Step[], value: Value): Produced {
  let current: Produced = { ok: true, value };
  for (const step of steps) {
    current = step(current.ok ? current.value : null);
    if (!current.ok) return current;
  }
  return current;
}

function compileFrom(rule: FieldRuleObject, scope: RuleScope, path: PlanPath, shorthand: boolean): CompiledRule {
  const names = Array.isArray(rule.from) ? rule.from : [rule.from as string];
  // A rule written as a bare field name has no `from` key to point at.
  const fromPath = (i: number): PlanPath => (shorthand ? path : Array.isArray(rule.from) ? [...path, 'from', i] : [...path, 'from']);
  const fields = names.map((name, i) => sourceField(scope, name, fromPath(i)));
  if (fields.some((field) => field === undefined)) return nothing;
  const sources = fields as NonNullable<(typeof fields)[number]>[];
  const concat = rule.concat;
  let inputType: FieldType = sources[0]!.type;
  if (concat !== undefined) inputType = 'string';
  else if (sources.some((field) => field.type !== inputType)) {
    if (sources.every((field) => isTextType(field.type))) inputType = 'string';
    else problem(scope, [...path, 'from'], `the fields of from have different types (${sources.map((f) => `${f.name}: ${f.type}`).join(', ')}); the first that is not null is taken, so they must agree`);
  }
  const { steps, textSteps } = valueSteps(rule, scope, path, inputType);
  const converted = rule.map !== undefined || rule.date !== undefined || rule.scale !== undefined;
  if (!converted && !convertsImplicitly(inputType, scope.field.type)) {
    const what = sources.length === 1 && steps.length === 0 ? `${scope.source.name}.${sources[0]!.name} (${inputType})` : `the value (${inputType})`;
    problem(scope, path, `${what} cannot go into ${scope.target.name}.${scope.field.name} (${scope.field.type}) as it is`, conversionHint(inputType, scope.field.type));
  }
  if (sources.length === 1 && rule.date === undefined && rule.scale === undefined) {
    checkPicklist(scope, sources[0]!, rule, path, textSteps, steps);
  }
  const only = sources.length === 1 ? sources[0]! : undefined;
  if (only?.references && scope.field.references && !converted) {
    problem(
      scope,
      path,
      `${scope.source.name}.${only.name} holds ids of ${only.references.object} in the source; copied as they are they point nowhere in the target`,
      scope.targetUsersObject && scope.field.references.object === scope.targetUsersObject ? 'add user: true' : `add lookup: ${only.references.object}`,
      'warning',
    );
  }
  const read =
    concat !== undefined
      ? (values: Record<string, Value>): Value => concatValues(names.map((name) => values[name] ?? null), concat)
      : names.length === 1
        ? (values: Record<string, Value>): Value => values[names[0] as string] ?? null
        : (values: Record<string, Value>): Value => {
            for (const name of names) {
              const value = values[name];
              if (value !== null && value !== undefined) return value;
            }
            return null;
          };
  const mapGivesNull = rule.map !== undefined && (Object.values(rule.map).includes(null) || rule.otherwise === null);
  return {
    canBeNull: sources.every((field) => field.nullable) || rule.split !== undefined || rule.trim === true || mapGivesNull || concat !== undefined,
    lookups: [],
    produce: steps.length === 0 ? (record) => ({ ok: true, value: read(record.values) }) : (record) => runSteps(steps, read(record.values)),
  };
}

function compileFirst(rule: FieldRuleObject, scope: RuleScope, path: PlanPath): CompiledRule {
  const alternatives = (rule.first ?? []).map((alternative, i) => compileRule(alternative, scope, [...path, 'first', i], true));
  return {
    canBeNull: alternatives.every((alternative) => alternative.canBeNull),
    lookups: alternatives.flatMap((alternative) => alternative.lookups),
    produce: (record, context) => {
      for (const alternative of alternatives) {
        const result = alternative.produce(record, context);
        if (!result.ok || result.value !== null || result.deferred) return result;
      }
      return { ok: true, value: null };
    },
  };
}

/**
 * Compiles a rule (a source field name or a written-out rule) for the scope's
 * target field, pushing every problem found. `nested` is set for the
 * alternatives of `first`, where field-wide keys do not belong.
 */
export function compileRule(input: FieldRule, scope: RuleScope, path: PlanPath, nested = false): CompiledRule {
  const rule: FieldRuleObject = typeof input === 'string' ? { from: input } : input;
  const shape = ruleShapeProblems(rule);
  for (const found of shape) problem(scope, [...path, ...found.path], found.message);
  if (shape.length > 0) return nothing;
  if (nested) {
    for (const key of ['truncate', 'required'] as const) {
      if (rule[key] !== undefined) problem(scope, [...path, key], `${key} applies to the whole field: put it beside first`, undefined, 'warning');
    }
  }
  let compiled: CompiledRule;
  if (rule.first) compiled = compileFirst(rule, scope, path);
  else if (rule.lookup !== undefined) compiled = compileLookup(rule, scope, path);
  else if (rule.user) compiled = compileUser(rule, scope, path);
  else if (Object.hasOwn(rule, 'value')) {
    const value = rule.value ?? null;
    checkConstant(scope, value, [...path, 'value'], 'the constant', rule.truncate === true);
    compiled = { canBeNull: value === null, lookups: [], produce: () => ({ ok: true, value }) };
  } else compiled = compileFrom(rule, scope, path, typeof input === 'string');
  if (rule.default === undefined || rule.default === null) return compiled;
  const fallback = rule.default;
  checkConstant(scope, fallback, [...path, 'default'], 'the default', rule.truncate === true);
  const inner = compiled.produce;
  return {
    ...compiled,
    canBeNull: false,
    produce: (record, context) => {
      const result = inner(record, context);
      return result.ok && result.value === null && !result.deferred ? { ok: true, value: fallback } : result;
    },
  };
}
