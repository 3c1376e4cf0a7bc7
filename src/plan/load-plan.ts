/**
 * Reads a plan: parse the YAML, check it against the schema, normalize it,
 * then apply the rules that span several settings, reporting every problem
 * at once with its path and line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { CutoverError } from '../core/errors.js';
import { communicationsRules } from './communications-rules.js';
import { connectorKindOf } from './system-url.js';
import { formatProblem, problemsFromIssues, type PlanProblem } from './plan-issues.js';
import { planSchema, type Plan, type SystemConfig } from './plan-schema.js';
import { parseSecretRef, urlHasPassword } from './secrets.js';

/** A plan read from a file, with the folder its relative paths start from. */
export interface LoadedPlan {
  plan: Plan;
  /** Absolute path of the plan file. */
  file: string;
  /** Folder of the plan file. */
  dir: string;
  /** Things that work but should change (inline secrets). */
  warnings: string[];
}

/** Reads and checks the plan at `file`. */
export function loadPlan(file: string): LoadedPlan {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CutoverError(missing ? 'plan.not_found' : 'io.failed', missing ? `No plan at ${absolute}.` : `Cannot read the plan ${absolute}.`, {
      hints: missing ? ['create one with `cutover init`, or name it with --plan PATH'] : ['check that the file is readable'],
      cause: error,
    });
  }
  return parsePlan(text, absolute);
}

/** Parses and checks plan text; `file` is used for messages and relative paths. */
export function parsePlan(text: string, file: string): LoadedPlan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new CutoverError('plan.yaml', `${file} is not valid YAML.`, {
      details: doc.errors.map((error) => {
        const at = error.linePos?.[0];
        const first = error.message.split('\n')[0] ?? error.message;
        return at ? `line ${at.line}, column ${at.col}: ${first.replace(/ at line \d+, column \d+:?$/, '')}` : first;
      }),
      hints: ['fix the YAML (indentation uses spaces; quote values that contain ": " or start with special characters)'],
    });
  }
  const input: unknown = doc.toJS();
  if (input === null || input === undefined || typeof input !== 'object' || Array.isArray(input)) {
    throw new CutoverError('plan.invalid', `${file} is not a plan: expected a mapping with version, project and systems.`, {
      hints: ['start from `cutover init`'],
    });
  }
  const parsed = planSchema.safeParse(input);
  const problems: PlanProblem[] = parsed.success ? [] : problemsFromIssues(parsed.error.issues, input);
  const warnings: string[] = [];
  if (parsed.success) problems.push(...planRules(parsed.data, warnings));
  if (problems.length > 0) {
    for (const problem of problems) problem.line = lineOf(doc, lineCounter, problem.path);
    throw new CutoverError('plan.invalid', `${file} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}.`, {
      details: problems.map(formatProblem),
      hints: ['fix them and run `cutover check`; the plan reference is in docs/plan.md'],
    });
  }
  const plan = normalize(parsed.data as Plan);
  return { plan, file, dir: path.dirname(file), warnings };
}

function normalize(plan: Plan): Plan {
  const systems: Record<string, SystemConfig> = {};
  for (const [name, system] of Object.entries(plan.systems)) {
    systems[name] = { ...system, environment: system.environment ?? (system.role === 'sandbox' ? 'sandbox' : 'production') };
  }
  return { ...plan, systems };
}

/** Rules that span settings. Pure; warnings are pushed for what works but should change. */
export function planRules(plan: Plan, warnings: string[]): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const entries = Object.entries(plan.systems);
  if (entries.length === 0) problems.push({ path: 'systems', message: 'name at least one system (the source CRM)' });
  for (const role of ['source', 'target'] as const) {
    const named = entries.filter(([, system]) => system.role === role).map(([name]) => name);
    if (named.length > 1) problems.push({ path: 'systems', message: `only one system can be the ${role}; found ${named.join(', ')}` });
  }
  const urls = new Map<string, string>();
  for (const [name, system] of entries) {
    const at = `systems.${name}`;
    try {
      connectorKindOf(system.url);
    } catch (error) {
      problems.push({ path: `${at}.url`, message: (error as CutoverError).message });
    }
    if (urlHasPassword(system.url)) {
      warnings.push(`${at}.url: a password is written in the URL; move it to ${at}.password as env:NAME or file:PATH`);
    }
    if (system.password && parseSecretRef(system.password).kind === 'inline') {
      warnings.push(`${at}.password: the secret is written in the plan; use env:NAME or file:PATH`);
    }
    if (system.role === 'sandbox' && system.environment === 'production') {
      problems.push({ path: `${at}.environment`, message: 'a sandbox cannot be a production system' });
    }
    if (system.sandboxOf !== undefined) {
      const original = plan.systems[system.sandboxOf];
      if (system.role !== 'sandbox') problems.push({ path: `${at}.sandboxOf`, message: 'only a system with role sandbox stands in for another' });
      else if (!original) problems.push({ path: `${at}.sandboxOf`, message: `no system named "${system.sandboxOf}" (systems: ${entries.map(([n]) => n).join(', ')})` });
      else if (original.role === 'sandbox') problems.push({ path: `${at}.sandboxOf`, message: `"${system.sandboxOf}" is itself a sandbox` });
    }
    const key = system.url.replace(/\/+$/, '');
    const other = urls.get(key);
    if (other) problems.push({ path: `${at}.url`, message: `the same URL as systems.${other}.url; every system must be its own database` });
    urls.set(key, name);
  }
  if (plan.state) {
    if (!/^postgres(ql)?:\/\//i.test(plan.state.url)) {
      problems.push({ path: 'state.url', message: 'the shared state store is a PostgreSQL database: write postgres://user@host:5432/db (leave state out for the embedded file)' });
    }
    if (urlHasPassword(plan.state.url)) warnings.push('state.url: a password is written in the URL; move it to state.password as env:NAME or file:PATH');
    if (plan.state.password && parseSecretRef(plan.state.password).kind === 'inline') warnings.push('state.password: the secret is written in the plan; use env:NAME or file:PATH');
  }
  if (plan.backup?.key && parseSecretRef(plan.backup.key).kind === 'inline') {
    warnings.push('backup.key: the key is written in the plan; use env:NAME or file:PATH');
  }
  problems.push(...communicationsRules(plan.communications, warnings));
  return problems;
}

function lineOf(doc: Document, counter: LineCounter, dotted: string): number | undefined {
  if (!dotted) return undefined;
  const segments = dotted.split('.');
  let node: unknown = doc.contents;
  let line: number | undefined;
  for (const segment of segments) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
    if (!pair) break;
    const range = (pair.key as { range?: [number, number, number] }).range;
    if (range) line = counter.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}
