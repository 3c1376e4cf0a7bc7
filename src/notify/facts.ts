/**
 * The facts a message is rendered with: what templates may use, by name.
 * Keys are snake_case because they are the vocabulary of the people who edit
 * the templates (`{{ go_live.at }}`, `{{ runbook.total_seconds }}`), as in
 * the plan. The schema is also what `templateProblems` checks variable
 * paths against, so a name added here is usable in templates at once.
 *
 * Required: `project.name`, `systems.source` and `systems.target` and
 * `generated_at`. Everything else may be missing; lists default to empty.
 * Before rendering, missing optional facts become `null` (see
 * {@link normalizeFacts}), so `{% if decision %}` works in strict mode and a
 * missing fact never stops a rollback.
 */
import { z } from 'zod';
import { contactSchema, MOMENTS } from '../plan/communications-schema.js';

const isoTime = z.string().min(1).describe('A moment as ISO 8601 (2025-03-01T02:14:00Z).');

/** One system as a message names it. */
export const systemFactsSchema = z
  .strictObject({
    name: z.string().min(1).describe('Its name in the plan.'),
    kind: z.string().optional().describe('What it is: sqlite, postgres, mysql, salesforce…'),
    environment: z.enum(['production', 'sandbox']).optional().describe('production or sandbox.'),
    description: z.string().optional().describe('A human name, such as "Salesforce (EU org)".'),
  })
  .describe('A system of the plan.');

/** One trigger evaluation behind a recommendation or decision. */
export const triggerFactsSchema = z
  .strictObject({
    name: z.string().optional().describe('The trigger name in the plan.'),
    check: z.string().min(1).describe('What was checked (error_rate, record_count…).'),
    status: z.enum(['fired', 'ok', 'unknown']).default('fired').describe('fired, ok or unknown. Default fired.'),
    measured: z.string().nullable().describe('The measured value as shown to people, or null when it could not be measured.'),
    threshold: z.string().optional().describe('The threshold it was compared with.'),
    reason: z.string().optional().describe('Why it fired, in words.'),
    at: isoTime.optional().describe('When it was measured.'),
  })
  .describe('A trigger evaluation with its evidence.');

/** A recorded go / no-go decision. */
export const decisionFactsSchema = z
  .strictObject({
    decision: z.string().min(1).describe('What was decided: go, rollback…'),
    reason: z.string().describe('Why, as recorded.'),
    by: z.string().min(1).describe('Who decided.'),
    at: isoTime.describe('When.'),
  })
  .describe('The decision.');

/** One step of a runbook, as run. */
export const stepFactsSchema = z
  .strictObject({
    name: z.string().min(1).describe('Step name (restore, export-delta…).'),
    title: z.string().optional().describe('What it does, in words.'),
    status: z.enum(['not_run', 'running', 'succeeded', 'failed', 'skipped']).describe('How it ended.'),
    seconds: z.number().nonnegative().nullable().describe('How long it took, or null when it did not run.'),
    summary: z.string().optional().describe('What it did, measured.'),
  })
  .describe('A runbook step.');

/** A runbook run (a rollback, a drill). */
export const runbookFactsSchema = z
  .strictObject({
    id: z.string().min(1).describe('The run id (cutover run <id>).'),
    name: z.string().optional().describe('Which runbook: rollback, drill, reset…'),
    mode: z.string().optional().describe('immediate or delayed for a rollback.'),
    status: z.enum(['running', 'succeeded', 'failed']).optional().describe('How the run stands.'),
    started_at: isoTime.optional(),
    finished_at: isoTime.optional(),
    steps: z.array(stepFactsSchema).default([]).describe('Every step, in order.'),
    total_seconds: z.number().nonnegative().nullable().default(null).describe('Seconds from start to end, or null while it runs.'),
  })
  .describe('The runbook run.');

/** Counts of one object. */
export const objectCountsSchema = z
  .strictObject({
    object: z.string().min(1),
    restored: z.number().int().nonnegative().optional(),
    exported: z.number().int().nonnegative().optional(),
  })
  .describe('Counts of one object.');

/** What a run restored and exported, measured. */
export const countsFactsSchema = z
  .strictObject({
    restored: z.number().int().nonnegative().optional().describe('Records restored into the source.'),
    exported: z.number().int().nonnegative().optional().describe('Records exported from the target (the delta).'),
    objects: z.array(objectCountsSchema).default([]).describe('The same per object.'),
  })
  .describe('Counts restored and exported.');

/** The recovery time objective and when things are expected back to normal. */
export const recoveryFactsSchema = z
  .strictObject({
    rto: z.string().min(1).describe('The plan recovery time objective as written (4h).'),
    rto_seconds: z.number().nonnegative().describe('The same in seconds.'),
    expected_back_at: isoTime.optional().describe('Start of the rollback plus the RTO.'),
  })
  .describe('Recovery time.');

/** Someone to contact: as the plan's communications name them. */
export const contactFactsSchema = contactSchema;

/** Everything a template may use. */
export const factsSchema = z
  .strictObject({
    event: z
      .enum([...MOMENTS, 'manual'])
      .optional()
      .describe('The moment the message is sent at.'),
    generated_at: isoTime.describe('When these facts were gathered.'),
    project: z
      .strictObject({
        name: z.string().min(1).describe('The migration name.'),
        owner: z.string().optional().describe('Who is responsible.'),
        timezone: z.string().optional().describe('IANA time zone of the project.'),
      })
      .describe('The project.'),
    systems: z
      .strictObject({
        source: systemFactsSchema.describe('The CRM being left.'),
        target: systemFactsSchema.describe('The new CRM.'),
      })
      .describe('The systems.'),
    go_live: z
      .strictObject({
        id: z.string().optional(),
        at: isoTime.describe('When the target went live.'),
      })
      .optional()
      .describe('The recorded go-live.'),
    triggers: z.array(triggerFactsSchema).default([]).describe('Trigger evaluations (those fired first).'),
    decision: decisionFactsSchema.optional(),
    runbook: runbookFactsSchema.optional(),
    counts: countsFactsSchema.optional(),
    recovery: recoveryFactsSchema.optional(),
    next_steps: z.array(z.string()).default([]).describe('What happens next, one line each.'),
    contacts: z.array(contactFactsSchema).default([]).describe('Whom to contact.'),
  })
  .describe('The facts of a message.');

/** Facts as a caller gives them (optional facts may be left out). */
export type FactsInput = z.input<typeof factsSchema>;
/** Facts after validation, with defaults applied. */
export type Facts = z.output<typeof factsSchema>;

/** Result of {@link parseFacts}: the facts, or every problem with its path. */
export type ParsedFacts = { ok: true; facts: Facts } | { ok: false; problems: string[] };

/** Validates facts, reporting all problems at once with their path. */
export function parseFacts(input: unknown): ParsedFacts {
  const result = factsSchema.safeParse(input);
  if (result.success) return { ok: true, facts: result.data };
  return { ok: false, problems: result.error.issues.map((issue) => `${issue.path.join('.') || '(facts)'}: ${issue.message}`) };
}

/**
 * The facts as templates see them: every optional fact the schema knows is
 * present, `null` when missing, so that a strict render fails only on names
 * the schema does not have.
 */
export function normalizeFacts(facts: Facts): Record<string, unknown> {
  return fillMissing(factsSchema, facts) as Record<string, unknown>;
}

function fillMissing(schema: z.ZodType, value: unknown): unknown {
  const inner = unwrap(schema);
  if (value === undefined || value === null) return null;
  if (inner instanceof z.ZodObject && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(inner.shape as Record<string, z.ZodType>)) out[key] = fillMissing(field, record[key]);
    return out;
  }
  if (inner instanceof z.ZodArray && Array.isArray(value)) return value.map((item) => fillMissing(inner.element as z.ZodType, item));
  return value;
}

/** The schema under optional, nullable and default wrappers. */
export function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
    else return current;
  }
}

/**
 * The recovery facts from the plan's RTO and the moment a rollback started:
 * expected back to normal = start + RTO.
 */
export function recoveryFacts(rto: string, startedAt?: Date): z.input<typeof recoveryFactsSchema> {
  const seconds = durationSeconds(rto);
  return {
    rto,
    rto_seconds: seconds,
    ...(startedAt ? { expected_back_at: new Date(startedAt.getTime() + seconds * 1000).toISOString() } : {}),
  };
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** Seconds of a plan duration (30m, 4h, 2d); throws on anything else, which the plan schema already refuses. */
export function durationSeconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)$/.exec(duration.trim());
  if (!match) throw new RangeError(`not a duration: ${duration} (expected 30m, 4h or 2d)`);
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}
