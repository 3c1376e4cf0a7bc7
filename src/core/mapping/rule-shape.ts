/**
 * Which keys of a field rule or a `where` condition go together. Checked by
 * the plan schema (so a wrong plan is rejected with every problem and its
 * line) and again by the compiler, from this one place. Each function looks
 * at one level; nested rules and conditions are checked where they are.
 */
import type { ConditionInput, FieldRuleObject } from './mapping-input.js';
import { readPatternProblem, writePatternProblem } from './transform-date.js';
import { isTimeZone } from './time-zones.js';

/** A shape problem, with its path below the rule or condition. */
export interface ShapeProblem {
  path: Array<string | number>;
  message: string;
}

const TRANSFORMS = ['map', 'otherwise', 'concat', 'split', 'trim', 'case', 'date', 'scale'] as const;

function present(rule: FieldRuleObject, key: keyof FieldRuleObject): boolean {
  return Object.hasOwn(rule, key) && (rule[key] !== undefined || key === 'value');
}

/** Problems of a written-out field rule's combination of keys. */
export function ruleShapeProblems(rule: FieldRuleObject): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const has = (key: keyof FieldRuleObject): boolean => present(rule, key);
  const sources = (['from', 'value', 'first'] as const).filter(has);
  if (sources.length === 0) problems.push({ path: [], message: 'give the source of the value: from (a source field), value (a constant) or first (alternatives)' });
  if (sources.length > 1) problems.push({ path: [sources[1] as string], message: `${sources.join(' and ')} exclude each other; give one` });

  if (has('first')) {
    for (const key of Object.keys(rule) as Array<keyof FieldRuleObject>) {
      if (!['first', 'default', 'required', 'truncate'].includes(key) && has(key)) {
        problems.push({ path: [key], message: 'beside first only default, required and truncate are allowed; put the rest inside the alternatives' });
      }
    }
  }
  if (has('value')) {
    for (const key of [...TRANSFORMS, 'lookup', 'user', 'default'] as const) {
      if (has(key)) problems.push({ path: [key], message: `a constant (value) takes no ${key}` });
    }
  }
  const reference = (['lookup', 'user'] as const).filter(has);
  if (reference.length > 1) problems.push({ path: ['user'], message: 'lookup and user exclude each other' });
  if (reference.length > 0) {
    for (const key of [...TRANSFORMS, 'truncate'] as const) {
      if (has(key)) problems.push({ path: [key], message: `${reference[0]} takes the id as it is; it cannot be combined with ${key}` });
    }
    if (Array.isArray(rule.from)) problems.push({ path: ['from'], message: `${reference[0]} reads one source field, not a list` });
  }
  if (has('concat') && !Array.isArray(rule.from)) problems.push({ path: ['concat'], message: 'concat joins several fields: give from as a list' });
  if (has('missing') && !has('lookup')) problems.push({ path: ['missing'], message: 'missing belongs to a lookup' });
  if (has('otherwise') && !has('map')) problems.push({ path: ['otherwise'], message: 'otherwise belongs to a map' });
  if (has('date') && has('scale')) problems.push({ path: ['scale'], message: 'date and scale exclude each other' });
  if (rule.scale !== undefined && (!Number.isFinite(rule.scale) || rule.scale === 0)) problems.push({ path: ['scale'], message: 'scale is a factor other than 0, e.g. 100 or 0.01' });
  if (rule.date) {
    if (rule.date.timezone !== undefined && !isTimeZone(rule.date.timezone)) {
      problems.push({ path: ['date', 'timezone'], message: `unknown time zone "${rule.date.timezone}"; use an IANA name such as UTC or Europe/Berlin` });
    }
    const format = rule.date.format === undefined ? undefined : readPatternProblem(rule.date.format);
    if (format) problems.push({ path: ['date', 'format'], message: format });
    const output = rule.date.output === undefined ? undefined : writePatternProblem(rule.date.output);
    if (output) problems.push({ path: ['date', 'output'], message: output });
  }
  return problems;
}

const OPERATORS = ['equals', 'notEquals', 'in', 'notIn', 'isNull', 'after', 'before'] as const;
const COMBINATORS = ['field', 'all', 'any', 'not'] as const;

/** Problems of one `where` condition's combination of keys (not of the conditions inside it). */
export function conditionShapeProblems(condition: ConditionInput): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const kinds = COMBINATORS.filter((key) => condition[key] !== undefined);
  if (kinds.length !== 1) {
    problems.push({ path: [], message: kinds.length === 0 ? 'a condition needs field (with an operator), all, any or not' : `${kinds.join(', ')} exclude each other; give one per condition` });
  }
  const operators = OPERATORS.filter((key) => Object.hasOwn(condition, key) && condition[key] !== undefined);
  if (condition.field !== undefined && operators.length !== 1) {
    problems.push({ path: [], message: operators.length === 0 ? `compare the field with one of ${OPERATORS.join(', ')}` : `${operators.join(', ')} exclude each other; give one per condition` });
  }
  if (condition.field === undefined && operators.length > 0) problems.push({ path: [operators[0] as string], message: `${operators[0]} compares a field: add field` });
  return problems;
}
