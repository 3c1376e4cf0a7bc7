/**
 * Checks a reconciliation plan file, as people edited it, against the
 * source's description: its shape, every entry's action, objects, fields,
 * value types, the ids updates and deletes name, and the links between
 * entries. Every problem is reported at once, with its entry index and field.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Connector, FieldDescription, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import { CutoverError } from '../../core/errors.js';
import { RECONCILE_KIND, RECONCILE_VERSION, type ReconcileEntry, type ReconcileProblem, type ReconciliationPlan } from './reconcile-types.js';

/** What a plan is checked against. */
export interface CheckContext {
  /** The source's description (objects, fields, types). */
  description: SystemDescription;
  /** The source: which records exist. */
  source: Pick<Connector, 'get'>;
  /** Indexes of entries already applied: their ids need not exist any more (a record deleted for good). */
  applied?: ReadonlySet<number>;
}

/** The outcome of a check: the plan when it could be read, and every problem found. */
export interface CheckResult {
  plan: ReconciliationPlan | undefined;
  problems: ReconcileProblem[];
}

const noteSchema = z.object({ kind: z.string(), field: z.string().optional(), reason: z.string() });
const entrySchema = z.object({
  action: z.enum(['create', 'update', 'delete', 'skip', 'conflict']),
  proposed: z.enum(['create', 'update', 'delete']),
  object: z.string().min(1),
  id: z.string().min(1).nullable(),
  from: z.object({ object: z.string(), id: z.string(), change: z.enum(['created', 'updated', 'deleted']), at: z.string().nullable(), by: z.string().nullable() }),
  values: z.record(z.string(), z.unknown()),
  before: z.record(z.string(), z.unknown()).optional(),
  sourceNow: z.record(z.string(), z.unknown()).optional(),
  links: z.array(z.object({ field: z.string().min(1), entry: z.number().int(), targetObject: z.string(), targetId: z.string() })),
  notes: z.array(noteSchema),
});
const planSchema = z.object({
  version: z.literal(RECONCILE_VERSION),
  kind: z.literal(RECONCILE_KIND),
  createdAt: z.string(),
  source: z.string().min(1),
  target: z.string().min(1),
  goLive: z.object({ id: z.string(), at: z.string() }),
  backup: z.string(),
  export: z.object({ id: z.string(), archive: z.string() }),
  policy: z.object({ policy: z.enum(['target-wins', 'source-wins', 'manual']), deletes: z.enum(['apply', 'conflict']) }),
  entries: z.array(entrySchema),
});

/** Ids per existence query. */
const IDS_PER_GET = 500;

/** Reads a plan file: its shape problems (with entry index and field), and the plan when the shape is right. */
export async function readReconciliation(file: string): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CutoverError('usage', `Cannot read the reconciliation plan ${file}.`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { plan: undefined, problems: [{ message: `not JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const parsed = planSchema.safeParse(raw);
  if (parsed.success) return { plan: parsed.data as ReconciliationPlan, problems: [] };
  return {
    plan: undefined,
    problems: parsed.error.issues.map((issue) => {
      const [head, index, ...rest] = issue.path;
      if (head === 'entries' && typeof index === 'number') return { entry: index, ...(rest.length > 0 ? { field: rest.join('.') } : {}), message: issue.message };
      return { ...(issue.path.length > 0 ? { field: issue.path.join('.') } : {}), message: issue.message };
    }),
  };
}

/** Reads and checks a plan file. */
export async function checkReconciliation(file: string, context: CheckContext): Promise<CheckResult> {
  const read = await readReconciliation(file);
  if (!read.plan) return read;
  return { plan: read.plan, problems: await checkPlan(read.plan, context) };
}

/** Every problem of a parsed plan, in entry order. */
export async function checkPlan(plan: ReconciliationPlan, context: CheckContext): Promise<ReconcileProblem[]> {
  const problems: ReconcileProblem[] = [];
  const objects = new Map(context.description.objects.map((object) => [object.name, object]));
  const wanted = new Map<string, Map<string, number[]>>();
  plan.entries.forEach((entry, index) => {
    const add = (problem: Omit<ReconcileProblem, 'entry'>): void => {
      problems.push({ entry: index, ...problem });
    };
    if (entry.action === 'conflict') add({ field: 'action', message: `a conflict is left: set action to ${entry.proposed} or skip` });
    else if (entry.action !== 'skip' && entry.action !== entry.proposed) add({ field: 'action', message: `action ${entry.action} does not fit this entry: it can be ${entry.proposed} or skip` });
    if (entry.action === 'skip') return;
    const object = objects.get(entry.object);
    if (!object) return add({ field: 'object', message: `${context.description.connector} source has no object ${entry.object}` });
    if (object.unsupported) return add({ field: 'object', message: `${entry.object} cannot be written: ${object.unsupported}` });
    const change = entry.proposed;
    if (change === 'create') {
      if (entry.id !== null) add({ field: 'id', message: 'a created record has no id yet: it must be null' });
      checkValues(entry, object, add);
      checkLinks(plan, entry, object, add);
      const given = new Set([...Object.keys(entry.values), ...entry.links.map((link) => link.field)]);
      for (const field of object.fields) {
        if (field.name === object.idField || field.nullable || field.autoAssigned || field.defaultValue !== undefined || given.has(field.name)) continue;
        add({ field: `values.${field.name}`, message: `${entry.object}.${field.name} is required and has no value` });
      }
      return;
    }
    if (entry.id === null) return add({ field: 'id', message: `an ${change} needs the id of the source record` });
    if (change === 'update') {
      if (Object.keys(entry.values).length === 0) add({ field: 'values', message: 'an update writes at least one field' });
      checkValues(entry, object, add);
    } else if (Object.keys(entry.values).length > 0) add({ field: 'values', message: 'a delete writes no values' });
    if (entry.links.length > 0) add({ field: 'links', message: 'only created records have links' });
    if (!context.applied?.has(index)) {
      const ids = wanted.get(entry.object) ?? new Map<string, number[]>();
      ids.set(entry.id, [...(ids.get(entry.id) ?? []), index]);
      wanted.set(entry.object, ids);
    }
  });
  for (const [object, ids] of wanted) {
    const list = [...ids.keys()];
    const found = new Set<string>();
    for (let start = 0; start < list.length; start += IDS_PER_GET) for (const record of await context.source.get(object, list.slice(start, start + IDS_PER_GET))) found.add(record.id);
    for (const [id, indexes] of ids) {
      if (!found.has(id)) for (const entry of indexes) problems.push({ entry, field: 'id', message: `${object} ${id} does not exist in the source` });
    }
  }
  return problems.sort((a, b) => (a.entry ?? -1) - (b.entry ?? -1));
}

function checkValues(entry: ReconcileEntry, object: ObjectDescription, add: (problem: Omit<ReconcileProblem, 'entry'>) => void): void {
  const fields = new Map(object.fields.map((field) => [field.name, field]));
  for (const [name, value] of Object.entries(entry.values)) {
    const field = fields.get(name);
    if (!field) add({ field: `values.${name}`, message: `${entry.object} has no field ${name}` });
    else if (name === object.idField) add({ field: `values.${name}`, message: `${name} is the id field: the record's id is not a value to write` });
    else {
      const problem = valueProblem(field, value);
      if (problem) add({ field: `values.${name}`, message: problem });
    }
  }
}

function checkLinks(plan: ReconciliationPlan, entry: ReconcileEntry, object: ObjectDescription, add: (problem: Omit<ReconcileProblem, 'entry'>) => void): void {
  entry.links.forEach((link, position) => {
    const where = `links.${position}`;
    const field = object.fields.find((candidate) => candidate.name === link.field);
    if (!field) return add({ field: where, message: `${entry.object} has no field ${link.field}` });
    if (link.field in entry.values) add({ field: where, message: `${link.field} is both a value and a link: keep one` });
    const target = plan.entries[link.entry];
    if (!target) return add({ field: where, message: `points at entry ${link.entry}, which the plan does not have` });
    if (target.proposed !== 'create') return add({ field: where, message: `points at entry ${link.entry}, which does not create a record` });
    if (target.action !== 'create') add({ field: where, message: `points at entry ${link.entry}, which is ${target.action === 'skip' ? 'skipped' : `a ${target.action}`}: set ${link.field} as a value instead, or create that record too` });
    const references = field.references;
    if (references && !references.polymorphic && references.object !== target.object) add({ field: where, message: `${link.field} refers to ${references.object}, but entry ${link.entry} creates a ${target.object}` });
  });
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const TIME = /^\d{2}:\d{2}:\d{2}(\.\d+)?$/;

/** Why a JSON value does not fit a field, or undefined when it does. */
export function valueProblem(field: FieldDescription, value: unknown): string | undefined {
  if (value === null) return field.nullable || field.autoAssigned ? undefined : `${field.name} cannot be empty`;
  const expected = (what: string): string => `${field.name} is ${field.type}: expected ${what}, got ${JSON.stringify(value)}`;
  switch (field.type) {
    case 'id':
      return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)) ? undefined : expected('an id');
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return expected('text');
      if (field.length !== undefined && [...value].length > field.length) return `${field.name} holds at most ${field.length} characters, got ${[...value].length}`;
      if (field.picklistValues && field.picklistValues.length > 0 && !field.picklistValues.includes(value)) return `${field.name} allows ${field.picklistValues.join(', ')}; got ${JSON.stringify(value)}`;
      return undefined;
    }
    case 'integer':
      return (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && INTEGER.test(value)) ? undefined : expected('a whole number');
    case 'decimal':
      return (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && DECIMAL.test(value)) ? undefined : expected('a decimal number');
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : expected('a number');
    case 'boolean':
      return typeof value === 'boolean' ? undefined : expected('true or false');
    case 'date':
      return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : expected('a date YYYY-MM-DD');
    case 'datetime':
      return typeof value === 'string' && DATETIME.test(value) && !Number.isNaN(Date.parse(value)) ? undefined : expected('a UTC date-time such as 2026-01-31T09:30:00.000Z');
    case 'time':
      return typeof value === 'string' && TIME.test(value) ? undefined : expected('a time HH:MM:SS');
    case 'json': {
      if (typeof value !== 'string') return expected('JSON text');
      try {
        JSON.parse(value);
        return undefined;
      } catch {
        return expected('JSON text');
      }
    }
    case 'binary':
      return typeof value === 'object' && typeof (value as { $b?: unknown }).$b === 'string' ? undefined : expected('{"$b": base64}');
  }
}
