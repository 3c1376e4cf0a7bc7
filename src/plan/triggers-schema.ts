/**
 * The plan's `triggers` section: the measured criteria that recommend a
 * rollback after go-live, each a kind of check with thresholds and a
 * severity (`critical` recommends rolling back, `warning` asks people to
 * look). `cutover watch` evaluates them; see docs/plan.md.
 */
import { z } from 'zod';
import { conditionSchema } from './mapping-schema.js';

const severitySchema = z.enum(['critical', 'warning']).describe('critical: recommends a rollback when it fires; warning: reported, recommends nothing.');

/** A duration: a number and ms, s, m, h or d. */
export const spanSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d)$/, 'expected a duration such as 500ms, 30s, 5m, 4h or 2d')
  .describe('A duration: a number and ms, s, m, h or d (500ms, 30s, 5m, 4h, 2d).');

/** A limit as a count (`3`) or a share (`1%`, `0.5%`). */
export const limitSchema = z
  .union([z.number().int().nonnegative(), z.string().regex(/^\d+(\.\d+)?%$/, 'expected a count such as 10 or a share such as 1%')])
  .describe('A count (10) or a share of the records concerned (1%).');

/** Records lost or damaged since the migration. */
export const dataLossSchema = z
  .strictObject({
    severity: severitySchema.default('critical'),
    missing: limitSchema.default(0).describe('Most migrated records missing in the target (verify-migration). Default 0.'),
    corrupted: limitSchema.default(0).describe('Most migrated records whose mapped values differ (verify-migration). Default 0.'),
    deleted: limitSchema.default('1%').describe('Most migrated records deleted in the target since go-live, per object. Default 1%.'),
  })
  .describe('Data loss or corruption: the verify-migration comparison and records deleted since go-live.');

/** A workflow probe: a query expectation, or a synthetic transaction. */
export const probeSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'names are lower case letters, digits, - and _').describe('Unique among the probes.'),
    system: z.string().describe('The plan system it runs against (usually the target).'),
    severity: severitySchema.default('critical'),
    object: z.string().describe('The object queried, or created by the synthetic transaction.'),
    where: conditionSchema
      .optional()
      .describe('Query expectation: which records count. Values may be relative times: now, now-30m, today, today-1d.'),
    expect: z
      .strictObject({
        max: z.number().int().nonnegative().optional().describe('At most this many records match.'),
        min: z.number().int().nonnegative().optional().describe('At least this many records match.'),
      })
      .optional()
      .describe('Query expectation: how many records may match. Default max 0.'),
    synthetic: z
      .strictObject({
        values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('Field values of the test record; cutover marks it as its own.'),
        wait: spanSchema.default('30s').describe('How long the automation has to do its part. Default 30s.'),
        expect: z
          .strictObject({
            field: z.string().optional().describe('A field of the test record the automation sets.'),
            notNull: z.boolean().optional().describe('The field has a value.'),
            equals: z.union([z.string(), z.number(), z.boolean()]).optional().describe('The field has this value.'),
            related: z
              .strictObject({
                object: z.string(),
                field: z.string().describe('The field of the related record that points at the test record.'),
                min: z.number().int().positive().default(1),
              })
              .optional()
              .describe('Records the automation creates pointing at the test record.'),
          })
          .describe('What the automation must have done.'),
      })
      .optional()
      .describe('Synthetic transaction: create a marked test record, wait, check, clean up.'),
    timeout: spanSchema.default('60s').describe('The probe is unknown when it takes longer. Default 60s.'),
  })
  .describe('A core business workflow, checked by a query expectation (where + expect) or a synthetic transaction.');

/** An integration: an HTTP health check, or an error rate over a log object. */
export const integrationSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'names are lower case letters, digits, - and _'),
    severity: severitySchema.default('critical'),
    url: z.string().url().optional().describe('HTTP health check: the URL requested.'),
    method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
    headers: z.record(z.string(), z.string()).optional().describe('Request headers; secret values as env:NAME or file:PATH.'),
    status: z.union([z.number().int(), z.array(z.number().int()).min(1)]).default(200).describe('Expected status code(s). Default 200.'),
    maxLatency: spanSchema.optional().describe('Fires when the answer takes longer.'),
    body: z.string().optional().describe('A regular expression the body must match.'),
    timeout: spanSchema.default('10s').describe('A request that takes longer is cut off, and the integration counts as down. Default 10s.'),
    errorRate: z
      .strictObject({
        system: z.string(),
        object: z.string().describe('The object holding integration log entries.'),
        at: z.string().describe('The field with the entry time.'),
        error: conditionSchema.describe('Which entries are errors.'),
        window: spanSchema.default('1h').describe('How far back to look. Default 1h.'),
        max: z.string().regex(/^\d+(\.\d+)?%$/).describe('Fires above this share of errors, e.g. 5%.'),
        minEntries: z.number().int().nonnegative().default(1).describe('Fewer entries in the window: unknown (too little traffic to tell). Default 1.'),
      })
      .optional()
      .describe('Error rate over an integration log object of a system.'),
  })
  .describe('An integration the CRM depends on: url (HTTP health check) or errorRate.');

/** Users taking up the new CRM. */
export const adoptionSchema = z
  .strictObject({
    severity: severitySchema.default('critical'),
    min: z.string().regex(/^\d+(\.\d+)?%$/).default('50%').describe('Fires below this share of expected users active since go-live. Default 50%.'),
    after: spanSchema.default('3d').describe('Measured only this long after go-live (before, people are still starting). Default 3d.'),
    within: spanSchema.default('7d').describe('And only until this long after go-live. Default 7d.'),
    expected: z
      .union([z.literal('active'), z.array(z.string()).min(1)])
      .default('active')
      .describe("Who is expected to use the target: its active users ('active'), or a list of usernames or emails."),
  })
  .describe('User adoption: active users in the target since go-live divided by the users expected to use it.');

/** Security and compliance. */
export const securitySchema = z
  .strictObject({
    severity: severitySchema.default('critical'),
    newAdmins: z.boolean().default(true).describe('Fires for users with admin rights in the target who did not have them in the source.'),
    findings: severitySchema.optional().describe('Which recorded findings fire (`cutover finding add`): critical (default) or warning and above.'),
  })
  .describe('Security or compliance: new admins in the target, and findings recorded by people.');

/** The whole `triggers` section. */
export const triggersSchema = z
  .strictObject({
    windows: z
      .strictObject({
        immediate: spanSchema.default('24h').describe('Up to this long after go-live the immediate rollback is recommended. Default 24h.'),
        delayed: spanSchema.default('7d').describe('Up to this long, the delayed rollback; after it, fixing forward. Default 7d.'),
      })
      .optional(),
    dataLoss: dataLossSchema.optional(),
    probes: z.array(probeSchema).optional(),
    integrations: z.array(integrationSchema).optional(),
    adoption: adoptionSchema.optional(),
    security: securitySchema.optional(),
  })
  .describe('Rollback triggers: what `cutover watch` measures after go-live.');

export type TriggersConfig = z.output<typeof triggersSchema>;
export type DataLossConfig = z.output<typeof dataLossSchema>;
export type AdoptionConfig = z.output<typeof adoptionSchema>;
export type SecurityConfig = z.output<typeof securitySchema>;
export type ProbeConfig = z.output<typeof probeSchema>;
export type IntegrationConfig = z.output<typeof integrationSchema>;

/** Milliseconds of a duration written as 500ms, 30s, 5m, 4h or 2d. */
export function spanMs(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) throw new TypeError(`"${text}" is not a duration`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}
