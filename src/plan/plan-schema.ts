/**
 * The schema of `cutover.yaml`, the plan of one migration. One zod schema
 * per shape, with descriptions and defaults; the JSON Schema that editors
 * use is generated from it (`schema/cutover.schema.json`).
 */
import { z } from 'zod';
import { sqlProfileOverrideSchema } from '../connectors/sql/sql-profile.js';
import { communicationsSchema } from './communications-schema.js';
import { mappingSchema } from './mapping-schema.js';
import { secretSchema } from './secret-schema.js';
import { triggersSchema } from './triggers-schema.js';

export { secretRegistry, secretSchema } from './secret-schema.js';

/** The roles a system plays in a migration. */
export const ROLES = ['source', 'target', 'sandbox'] as const;
/** A system's role. */
export type Role = (typeof ROLES)[number];

const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(s|m|h|d)$/, 'expected a duration such as 30m, 4h or 2d')
  .describe('A duration: a number and s, m, h or d (30m, 4h, 2d).');

/** One CRM system of the plan. */
export const systemSchema = z
  .strictObject({
    role: z.enum(ROLES).describe('source: the CRM being left; target: the new CRM; sandbox: a copy used for rehearsals and test restores.'),
    environment: z
      .enum(['production', 'sandbox'])
      .optional()
      .describe('production systems are never written without explicit confirmation. Default: sandbox for role sandbox, production otherwise.'),
    url: z
      .string()
      .min(1)
      .describe('Where the system is: sqlite:./crm.db, postgres://user@host:5432/db, mysql://user@host:3306/db. Relative SQLite paths are relative to the plan. Do not put a password here; use `password`.'),
    password: secretSchema.optional().describe('Database password, as env:NAME or file:PATH.'),
    profile: z
      .union([z.enum(['generic', 'suitecrm', 'salesforce']), sqlProfileOverrideSchema])
      .optional()
      .describe('What the tables mean (modified-at, soft delete, users, relationships): a built-in profile name, or { base: <name>, ...overrides }. Default generic.'),
    sandboxOf: z.string().optional().describe('For a sandbox: the system it stands in for in drills and test restores.'),
    description: z.string().optional().describe('Free text for people reading the plan.'),
  })
  .describe('A CRM system cutover connects to.');

/** Backup storage and encryption; the backup issue fills in its use. */
export const backupSchema = z
  .strictObject({
    storage: z.string().default('./backups').describe('Folder that holds backups, relative to the plan. Default ./backups.'),
    key: secretSchema.optional().describe('Encryption key for backups, as env:NAME or file:PATH. Default env:CUTOVER_KEY.'),
    retention: z
      .strictObject({
        keep: z.number().int().positive().optional().describe('Backups to keep per system.'),
        days: z.number().int().positive().optional().describe('Days to keep backups.'),
      })
      .optional()
      .describe('How many backups to keep; the newest verified one and any a go-live or rollback refers to are always kept.'),
  })
  .describe('Where backups go and how they are encrypted.');

/** Where the state store is, when not the embedded file beside the plan. */
export const stateSchema = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .describe('A PostgreSQL database a team shares for the ledger, runs and decisions: postgres://user@host:5432/db, tables in the schema ?schema=NAME (default cutover). Do not put a password here; use `password`.'),
    password: secretSchema.optional().describe('The database password, as env:NAME or file:PATH.'),
  })
  .describe('The state store. Default: the embedded SQLite file .cutover/state.db beside the plan.');

/** Rollback settings used by the runbooks and drills. */
export const rollbackSchema = z
  .strictObject({
    rto: durationSchema.default('4h').describe('Recovery time objective: how long a rollback may take. Default 4h.'),
    mode: z.enum(['immediate', 'delayed']).default('immediate').describe('Default rollback procedure.'),
    prune: z.boolean().default(false).describe('The restore deletes records created in the source after the backup (they are in the safety backup taken first). Default false: they stay.'),
    exempt: z.array(z.string()).default([]).describe('Target users (usernames, emails or ids) not frozen by a rollback, such as the integration user cutover works as.'),
    reconcile: z
      .strictObject({
        policy: z
          .enum(['target-wins', 'source-wins', 'manual'])
          .default('target-wins')
          .describe(
            'When a source record the delta writes was changed in the source after the backup: target-wins writes what people entered in the new CRM; source-wins leaves the fields the source changed alone (and skips the record when nothing else is left); manual makes it a conflict for a person. Lossy values and records that no longer exist are always conflicts. Default target-wins.',
          ),
        deletes: z
          .enum(['apply', 'conflict'])
          .default('apply')
          .describe('Records deleted in the new CRM since go-live: apply deletes them in the source too (softly where the source has a soft-delete rule); conflict leaves each one to a person. Default apply.'),
      })
      .default({ policy: 'target-wins', deletes: 'apply' })
      .describe('How the delayed rollback carries the delta back into the restored source (`cutover reconcile`).'),
  })
  .describe('How to roll back.');

/** The whole plan. */
export const planSchema = z
  .strictObject({
    version: z.literal(1).describe('Plan format version. Always 1.'),
    project: z
      .strictObject({
        name: z.string().min(1).describe('Name of the migration, shown in reports and messages.'),
        owner: z.string().optional().describe('Who is responsible (name or email).'),
        timezone: z.string().optional().describe('IANA time zone for reports, e.g. Europe/Berlin. Default UTC.'),
      })
      .describe('What this migration is.'),
    systems: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_-]*$/, 'system names are lower case letters, digits, - and _, starting with a letter'),
        systemSchema,
      )
      .describe('The CRM systems of this migration, by name.'),
    backup: backupSchema.optional(),
    state: stateSchema.optional(),
    rollback: rollbackSchema.optional(),
    mapping: mappingSchema.optional(),
    triggers: triggersSchema.optional(),
    communications: communicationsSchema.optional(),
  })
  .describe('cutover plan: the systems of one CRM migration and how to make it reversible.');

/** A plan as written. */
export type PlanInput = z.input<typeof planSchema>;
/** A parsed plan. */
export type Plan = z.output<typeof planSchema>;
/** A parsed system entry. */
export type SystemConfig = z.output<typeof systemSchema>;

/** The JSON Schema of the plan, for editors. */
export function planJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(planSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  return { ...schema, title: 'cutover plan' };
}
