/**
 * The mapping part of `cutover check`: the plan's mapping compiled against
 * the live descriptions of the source and target systems, users matched,
 * every problem reported with its plan path and line.
 */
import { readFileSync } from 'node:fs';
import type { CrmUser, SystemDescription } from '../connectors/contract.js';
import { compileMapping, matchUsers, userMappingRule, type MappingProblem } from '../core/mapping/index.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { mappingSystems } from '../plan/mapping-schema.js';
import { planLines, planPathText, type LineFinder } from '../plan/plan-lines.js';

/** One mapping problem as check reports it. */
export interface MappingCheckProblem {
  severity: 'error' | 'warning';
  /** Dotted plan path, e.g. `mapping.objects[0].fields.Name`. */
  path: string;
  /** 1-based line in the plan, when found. */
  line?: number;
  message: string;
  hint?: string;
}

/** The mapping checked against both systems. */
export interface MappingCheck {
  source?: string;
  target?: string;
  /** `ok`: no problems; `warning`: usable with warnings; `error`: not usable as written; `skipped`: a system could not be described. */
  status: 'ok' | 'warning' | 'error' | 'skipped';
  /** Why the check was skipped. */
  reason?: string;
  /** Object mappings and target fields mapped, as written in the plan. */
  objects: number;
  fields: number;
  /** The object mappings in the order the migration takes them (when the mapping compiled). */
  order: Array<{ source: string; target: string }>;
  /** Source users with a target user (by the table, by email), of all source users; absent when users could not be listed. */
  users?: { matched: number; total: number; by: 'email' | 'table'; fallback: boolean };
  problems: MappingCheckProblem[];
}

/** What check learned about one system of the mapping. */
export interface DescribedForMapping {
  description?: SystemDescription;
  users?: CrmUser[];
  /** Why it could not be described. */
  failure?: string;
}

/** The plan's mapping systems (as written, else by role), or problems; undefined when the plan has no mapping. */
export function mappingSystemNames(loaded: LoadedPlan): ReturnType<typeof mappingSystems> | undefined {
  return loaded.plan.mapping ? mappingSystems(loaded.plan.mapping, loaded.plan.systems) : undefined;
}

function lineFinder(file: string): LineFinder {
  try {
    return planLines(readFileSync(file, 'utf8'));
  } catch {
    return () => undefined;
  }
}

function status(problems: MappingCheckProblem[]): MappingCheck['status'] {
  return problems.some((p) => p.severity === 'error') ? 'error' : problems.length > 0 ? 'warning' : 'ok';
}

/** Checks the plan's mapping; `systems` holds what check could describe of each mapping system. */
export function checkMapping(loaded: LoadedPlan, systems: Readonly<Record<string, DescribedForMapping>>): MappingCheck | undefined {
  const mapping = loaded.plan.mapping;
  const names = mappingSystemNames(loaded);
  if (!mapping || !names) return undefined;
  const lineOf = lineFinder(loaded.file);
  const located = (found: { severity: 'error' | 'warning'; path: ReadonlyArray<string | number> | string; message: string; hint?: string }): MappingCheckProblem => {
    const segments = typeof found.path === 'string' ? found.path.split('.') : found.path;
    const line = lineOf(segments);
    return {
      severity: found.severity,
      path: typeof found.path === 'string' ? found.path : planPathText(found.path),
      ...(line === undefined ? {} : { line }),
      message: found.message,
      ...(found.hint === undefined ? {} : { hint: found.hint }),
    };
  };
  const result: MappingCheck = {
    status: 'ok',
    objects: mapping.objects.length,
    fields: mapping.objects.reduce((sum, entry) => sum + Object.keys(entry.fields).length, 0),
    order: [],
    problems: names.problems.map((found) => located({ severity: 'error', ...found })),
  };
  if (names.source) result.source = names.source;
  if (names.target) result.target = names.target;
  if (!names.source || !names.target) return { ...result, status: 'error' };

  const source = systems[names.source];
  const target = systems[names.target];
  if (!source?.description || !target?.description) {
    const failed = !source?.description ? names.source : names.target;
    const why = (failed === names.source ? source : target)?.failure;
    return { ...result, status: 'skipped', reason: `${failed} could not be described${why ? `: ${why}` : ''}` };
  }
  const compiled = compileMapping(mapping, source.description, target.description, { source: names.source, target: names.target });
  const problems: MappingProblem[] = [...compiled.problems];
  if (compiled.mapping) result.order = compiled.mapping.objects.map((entry) => ({ source: entry.source, target: entry.target }));
  if (source.users && target.users) {
    const rule = userMappingRule(mapping.users);
    const matched = matchUsers(rule, source.users, target.users);
    problems.push(...matched.problems);
    result.users = { matched: matched.targets.size, total: source.users.length, by: rule.by, fallback: rule.fallback !== undefined };
  }
  result.problems.push(...problems.map(located));
  return { ...result, status: status(result.problems) };
}
