/**
 * One target field: its rule compiled, then the value made the field's
 * canonical type and checked against its length, picklist and nullability.
 */
import type { Value } from '../values.js';
import { compileRule } from './compile-rule.js';
import type { FieldRule, FieldRuleObject } from './mapping-input.js';
import type { FieldError, LookupRule, SourceRecord, TransformContext } from './mapping-types.js';
import { problem, type PlanPath, type RuleScope } from './rule-scope.js';
import { toTargetValue } from './target-value.js';

/** What one field gives for one record. `omit`: leave the field out so the system's default applies. */
export type FieldOutcome = { ok: true; value: Value; deferred?: LookupRule; omit?: boolean } | { ok: false; error: FieldError };

/** A compiled target field. */
export interface CompiledField {
  field: string;
  lookups: LookupRule[];
  /** The field cannot be left null (the rule is required, or the target field is not nullable), so a lookup into it cannot wait for a second pass. */
  refusesNull: boolean;
  run(record: SourceRecord, context: TransformContext): FieldOutcome;
}

/** Whether the system fills the field when a record is written without it. */
function filledBySystem(scope: RuleScope): boolean {
  const field = scope.field;
  return field.autoAssigned || field.defaultValue !== undefined || field.role === 'createdAt' || field.role === 'modifiedAt';
}

/** Compiles the rule of one target field. */
export function compileField(rule: FieldRule, scope: RuleScope, path: PlanPath): CompiledField {
  const compiled = compileRule(rule, scope, path);
  const written: FieldRuleObject = typeof rule === 'string' ? {} : rule;
  const field = scope.field;
  const name = field.name;
  const truncate = written.truncate === true;
  const required = written.required === true;
  const systemFills = filledBySystem(scope);

  if (!field.nullable && !systemFills && compiled.canBeNull && !required) {
    problem(
      scope,
      path,
      `${scope.target.name}.${name} is required, but this rule can give null (then the record fails)`,
      'add a default, e.g. default: "(none)"',
      'warning',
    );
  }

  return {
    field: name,
    lookups: compiled.lookups,
    refusesNull: required || !field.nullable,
    run(record, context) {
      const produced = compiled.produce(record, context);
      if (!produced.ok) return { ok: false, error: { field: name, rule: produced.rule, message: produced.message } };
      if (produced.deferred) return { ok: true, value: null, deferred: produced.deferred };
      const converted = toTargetValue(produced.value, field, { truncate });
      if (!converted.ok) return { ok: false, error: { field: name, rule: converted.rule, message: converted.message } };
      if (converted.value !== null) return { ok: true, value: converted.value };
      if (required) return { ok: false, error: { field: name, rule: 'required', message: `no value, and the rule is marked required` } };
      if (field.nullable) return { ok: true, value: null };
      if (systemFills) return { ok: true, value: null, omit: true };
      return { ok: false, error: { field: name, rule: 'required', message: `no value, and ${scope.target.name}.${name} is required (add a default)` } };
    },
  };
}
