/**
 * `cutover check` for the plan's `triggers` section: what the schema cannot
 * see (a probe with both or neither of where and synthetic, repeated names,
 * a body that is no regular expression) and what only the systems can tell
 * (objects and fields the probes and error rates name). Every problem at
 * once, with its plan path and line.
 */
import { readFileSync } from 'node:fs';
import type { ConditionInput } from '../core/mapping/mapping-input.js';
import type { ObjectDescription } from '../connectors/contract.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { planLines, type LineFinder } from '../plan/plan-lines.js';
import { integrationProblems } from '../watch/checks/integrations.js';
import { probeProblems } from '../watch/checks/workflows.js';
import type { DescribedForMapping, MappingCheckProblem } from './check-mapping.js';

/** The triggers checked. */
export interface TriggersCheck {
  status: 'ok' | 'warning' | 'error';
  /** The checks the watch will run, by name. */
  checks: string[];
  problems: MappingCheckProblem[];
}

/** The systems the triggers read, to be described by `cutover check`. */
export function triggerSystemNames(loaded: LoadedPlan): string[] {
  const triggers = loaded.plan.triggers;
  if (!triggers) return [];
  return [...new Set([...(triggers.probes ?? []).map((probe) => probe.system), ...(triggers.integrations ?? []).flatMap((integration) => (integration.errorRate ? [integration.errorRate.system] : []))])];
}

/** Checks the triggers; `systems` holds what check could describe of the systems they read. */
export function checkTriggers(loaded: LoadedPlan, systems: Readonly<Record<string, DescribedForMapping>>): TriggersCheck | undefined {
  const triggers = loaded.plan.triggers;
  if (!triggers) return undefined;
  const lineOf = lineFinder(loaded.file);
  const problems: MappingCheckProblem[] = [];
  const add = (severity: 'error' | 'warning', path: string, message: string, hint?: string): void => {
    const line = lineOf(path.replace(/\[(\d+)\]/g, '.$1').split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)));
    problems.push({ severity, path, ...(line === undefined ? {} : { line }), message, ...(hint ? { hint } : {}) });
  };
  const names = Object.keys(loaded.plan.systems);
  for (const problem of [...probeProblems(triggers.probes ?? []), ...integrationProblems(triggers.integrations ?? [], names)]) add('error', problem.path, problem.message);

  /** The described object, or a problem saying what exists. */
  const objectOf = (system: string, object: string, path: string): ObjectDescription | undefined => {
    const description = systems[system]?.description;
    if (!description) return undefined;
    const found = description.objects.find((candidate) => candidate.name === object);
    if (!found) add('error', path, `${system} has no object "${object}"`, `objects: ${description.objects.map((candidate) => candidate.name).join(', ')}`);
    return found;
  };
  const field = (object: ObjectDescription | undefined, name: string | undefined, path: string): void => {
    if (!object || name === undefined || object.fields.some((candidate) => candidate.name === name)) return;
    add('error', path, `${object.name} has no field "${name}"`, `fields: ${object.fields.map((candidate) => candidate.name).join(', ')}`);
  };
  const conditionFields = (object: ObjectDescription | undefined, condition: ConditionInput | undefined, path: string): void => {
    if (!condition) return;
    field(object, condition.field, `${path}.field`);
    condition.all?.forEach((part, index) => conditionFields(object, part, `${path}.all[${index}]`));
    condition.any?.forEach((part, index) => conditionFields(object, part, `${path}.any[${index}]`));
    conditionFields(object, condition.not, `${path}.not`);
  };

  (triggers.probes ?? []).forEach((probe, index) => {
    const at = `triggers.probes[${index}]`;
    if (!names.includes(probe.system)) {
      add('error', `${at}.system`, `no system named "${probe.system}" (systems: ${names.join(', ')})`);
      return;
    }
    const object = objectOf(probe.system, probe.object, `${at}.object`);
    conditionFields(object, probe.where as ConditionInput | undefined, `${at}.where`);
    for (const name of Object.keys(probe.synthetic?.values ?? {})) field(object, name, `${at}.synthetic.values.${name}`);
    field(object, probe.synthetic?.expect.field, `${at}.synthetic.expect.field`);
    const related = probe.synthetic?.expect.related;
    if (related) field(objectOf(probe.system, related.object, `${at}.synthetic.expect.related.object`), related.field, `${at}.synthetic.expect.related.field`);
  });
  (triggers.integrations ?? []).forEach((integration, index) => {
    const rate = integration.errorRate;
    if (!rate || !names.includes(rate.system)) return;
    const at = `triggers.integrations[${index}].errorRate`;
    const object = objectOf(rate.system, rate.object, `${at}.object`);
    field(object, rate.at, `${at}.at`);
    conditionFields(object, rate.error as ConditionInput, `${at}.error`);
  });
  const checks = [
    'data-loss',
    ...(triggers.probes ?? []).map((probe) => `workflow.${probe.name}`),
    ...(triggers.integrations ?? []).map((integration) => `integration.${integration.name}`),
    'adoption',
    ...((triggers.security?.newAdmins ?? true) ? ['security.admins'] : []),
    'security.findings',
  ];
  const status = problems.some((problem) => problem.severity === 'error') ? 'error' : problems.length > 0 ? 'warning' : 'ok';
  return { status, checks, problems };
}

function lineFinder(file: string): LineFinder {
  try {
    return planLines(readFileSync(file, 'utf8'));
  } catch {
    return () => undefined;
  }
}
