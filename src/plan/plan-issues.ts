/**
 * Turns zod issues into one line per problem, prefixed with its path in the
 * plan (`systems.legacy.url: …`) and, when known, its line.
 */
import type { z } from 'zod';

/** One problem in a plan. */
export interface PlanProblem {
  /** Dotted path, e.g. `systems.legacy.url`; empty for the whole plan. */
  path: string;
  message: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
}

/** Formats a problem as `path (line N): message`. */
export function formatProblem(problem: PlanProblem): string {
  const where = problem.path || '(plan)';
  return `${where}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`;
}

/** A dotted path from zod's path segments. */
export function dottedPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : String(segment))).join('.').replace(/\.\[/g, '[');
}

type Issue = z.core.$ZodIssue;

/**
 * Flattens zod issues. For a union, only the branch that came closest is
 * reported (a plan author wrote one of the shapes, not all of them).
 */
export function problemsFromIssues(issues: readonly Issue[], input: unknown, base: PropertyKey[] = []): PlanProblem[] {
  const problems: PlanProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const value = valueAt(input, path);
      const branches = issue.errors.filter((branch) => !(typeof value === 'object' && value !== null && branch.every((i) => i.code === 'invalid_type' && i.path.length === 0)));
      const candidates = branches.length > 0 ? branches : issue.errors;
      const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
      if (typeof value === 'object' && value !== null) {
        problems.push(...problemsFromIssues(best, input, path));
      } else {
        problems.push({ path: dottedPath(path), message: unionMessage(issue.errors) });
      }
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: dottedPath([...path, key]), message: 'unknown key' });
      }
      continue;
    }
    problems.push({ path: dottedPath(path), message: describeIssue(issue, valueAt(input, path)) });
  }
  return problems;
}

function unionMessage(branches: Issue[][]): string {
  const literals = branches.flatMap((branch) => branch.flatMap((issue) => (issue.code === 'invalid_value' ? issue.values.map(String) : [])));
  const objects = branches.some((branch) => branch.some((issue) => issue.code === 'invalid_type' && issue.expected === 'object'));
  const options = [...literals.map((l) => `"${l}"`), ...(objects ? ['a mapping'] : [])];
  return options.length > 0 ? `expected ${options.join(' or ')}` : 'does not match any allowed form';
}

function describeIssue(issue: Issue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${describeValue(value)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(value)}`;
    default:
      return issue.message;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
}

/** The value at a path of a parsed YAML document. */
export function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}
