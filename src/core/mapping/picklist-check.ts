/**
 * Picklists across the mapping: every value a source picklist allows must
 * come out of the rule as a value the target picklist allows, and every
 * key of a value map should be a value the source can have.
 */
import type { Value } from '../values.js';
import type { DescribedField } from './described-system.js';
import type { FieldRuleObject } from './mapping-input.js';
import { problem, type PlanPath, type Produced, type RuleScope } from './rule-scope.js';
import { toTargetValue } from './target-value.js';
import { textOf } from './transform-text.js';

type Step = (value: Value) => Produced;

function run(steps: Step[], value: Value): Produced {
  let current: Produced = { ok: true, value };
  for (const step of steps) {
    if (!current.ok) return current;
    current = step(current.value);
  }
  return current;
}

const list = (values: string[]): string => values.map((value) => JSON.stringify(value)).join(', ');

/**
 * Checks a rule reading one source field: runs every value of the source
 * field's picklist through the rule's steps (`textSteps` before the map,
 * `steps` all of them) and reports values with no mapping, values that land
 * outside the target picklist, and map keys the source never has.
 */
export function checkPicklist(scope: RuleScope, source: DescribedField, rule: FieldRuleObject, path: PlanPath, textSteps: Step[], steps: Step[]): void {
  const values = source.picklistValues ?? [];
  const target = scope.field;
  if (values.length === 0 || (!rule.map && !target.picklistValues?.length)) return;
  const where = `${scope.source.name}.${source.name}`;
  const unmapped: string[] = [];
  const outside: string[] = [];
  const keys = new Set<string>();
  for (const value of values) {
    const before = run(textSteps, value);
    if (before.ok && before.value !== null) keys.add(textOf(before.value) as string);
    const result = run(steps, value);
    if (!result.ok) {
      if (result.rule === 'map') unmapped.push(value);
      continue;
    }
    if (rule.map || result.value === null) continue; // map values are checked against the target where they are written
    const written = toTargetValue(result.value, target, rule.truncate ? { truncate: true } : {});
    if (!written.ok && written.rule === 'picklist') outside.push(value === result.value ? value : `${value} → ${String(result.value)}`);
  }
  if (unmapped.length > 0) {
    problem(scope, [...path, 'map'], `${unmapped.length === 1 ? 'the value' : 'the values'} ${list(unmapped)} of ${where} ${unmapped.length === 1 ? 'has' : 'have'} no mapping`, 'add them to map, or give otherwise');
  }
  if (outside.length > 0) {
    problem(
      scope,
      path,
      `${list(outside)} of ${where} ${outside.length === 1 ? 'is' : 'are'} not among the values of ${scope.target.name}.${target.name} (${list(target.picklistValues ?? [])})`,
      'add a map from the source values to the target values',
    );
  }
  for (const key of Object.keys(rule.map ?? {})) {
    if (!keys.has(key)) problem(scope, [...path, 'map', key], `${JSON.stringify(key)} is not a value of ${where} (${list(values)}), so this entry is never used`, undefined, 'warning');
  }
}
