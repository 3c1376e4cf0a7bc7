/**
 * The plan's `mapping` section: how records of the source system become
 * records of the target system. The shape is checked here (every key, and
 * which keys go together); `cutover check` then checks it against both
 * systems' live descriptions (src/core/mapping).
 */
import { z } from 'zod';
import type { ConditionInput, FieldRuleObject, MappingInput } from '../core/mapping/mapping-input.js';
import { conditionShapeProblems, ruleShapeProblems, type ShapeProblem } from '../core/mapping/rule-shape.js';

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const fieldName = z.string().min(1);
const userId = z.union([z.string().min(1), z.number()]).transform(String);

function report(problems: ShapeProblem[], context: z.core.$RefinementCtx): void {
  for (const problem of problems) context.addIssue({ code: 'custom', message: problem.message, path: problem.path });
}

const dateRuleSchema = z
  .strictObject({
    timezone: z.string().optional().describe('IANA time zone of every wall-clock value: source text without an offset, source dates, the day a date field gets, the time text is written in. Default UTC.'),
    format: z.string().optional().describe('Pattern of source text, e.g. DD.MM.YYYY HH:mm (tokens YYYY MM M DD D HH H mm ss SSS Z). Default ISO 8601.'),
    output: z.string().optional().describe('Pattern for a text target. Default ISO 8601 with the offset (YYYY-MM-DDTHH:mm:ssZ), or YYYY-MM-DD for a date.'),
    local: z.boolean().optional().describe('The source datetime holds wall-clock time in `timezone` though stored as if UTC (common in old CRMs). Default false.'),
  })
  .describe('Reads text, dates and datetimes and writes dates, canonical UTC datetimes, times or text.');

/** One target field's rule: a source field name, or a rule written out. */
export const fieldRuleSchema: z.ZodType<string | FieldRuleObject> = z
  .union([
    fieldName.describe('The source field whose value is copied (converted to the target type).'),
    z
      .strictObject({
        from: z.union([fieldName, z.array(fieldName).min(1)]).optional().describe('Source field, or fields: joined by concat, else the first that is not null.'),
        value: scalarSchema.optional().describe('A constant for every record (null clears the field).'),
        get first(): z.ZodOptional<z.ZodArray<z.ZodType<string | FieldRuleObject>>> {
          return z.array(fieldRuleSchema).min(1).optional().describe('Alternatives, each a rule; the first that gives a value wins.');
        },
        default: scalarSchema.optional().describe('Used when the rule gives null.'),
        map: z.record(z.string(), scalarSchema).optional().describe('Value map: source value (as text) → target value. Unlisted values fail unless otherwise is given.'),
        otherwise: scalarSchema.optional().describe('Target value for source values the map does not list.'),
        concat: z.string().optional().describe('Joins the from fields with this separator, skipping empty ones.'),
        split: z
          .strictObject({
            separator: z.string().min(1).describe('Where to cut the text, e.g. " ".'),
            index: z.number().int().describe('Which part: 0 the first, -1 the last.'),
            rest: z.boolean().optional().describe('That part and every part after it. Default false.'),
          })
          .optional()
          .describe('Takes one part of the text; empty parts are ignored.'),
        trim: z.boolean().optional().describe('Removes surrounding white space; empty text becomes null.'),
        case: z.enum(['upper', 'lower', 'title']).optional().describe('Changes the letter case.'),
        date: dateRuleSchema.optional(),
        scale: z.number().optional().describe('Multiplies a number (or numeric text) exactly and rounds to the target scale (half away from zero): 60 turns minutes into seconds, 1 reads numbers written as text.'),
        lookup: z
          .union([
            fieldName.describe('The source object the referenced record belongs to.'),
            z.strictObject({
              typeField: fieldName.describe('The source field naming the referenced object.'),
              objects: z.record(z.string(), fieldName).describe('Source object per value of the type field.'),
            }),
          ])
          .optional()
          .describe('The source field holds the id of another source record; the target field gets the id that record was migrated to.'),
        missing: z
          .enum(['fail', 'null'])
          .optional()
          .describe('For a lookup: a reference to a source record that is not migrated (soft-deleted, left out by a where condition) fails the record (fail, the default) or leaves the field empty (null).'),
        user: z.boolean().optional().describe('The source field holds a source user id; the target field gets the matching target user (mapping.users).'),
        truncate: z.boolean().optional().describe('Cuts text to the target field length instead of failing the record. Default false.'),
        required: z.boolean().optional().describe('The record fails when the rule gives null, even where the target allows null. Default false.'),
      })
      .superRefine((rule, context) => report(ruleShapeProblems(rule as FieldRuleObject), context)),
  ])
  .meta({ id: 'fieldRule', description: 'How one target field gets its value: a source field name, or a rule.' });

/** A `where` condition: field comparisons combined with all / any / not. */
export const conditionSchema: z.ZodType<ConditionInput> = z
  .strictObject({
    field: fieldName.optional().describe('The source field compared.'),
    equals: scalarSchema.optional().describe('Equal to this value (null: the field is null).'),
    notEquals: scalarSchema.optional().describe('Not equal to this value (a null field is not equal to any value).'),
    in: z.array(scalarSchema).min(1).optional().describe('One of these values.'),
    notIn: z.array(scalarSchema).min(1).optional().describe('None of these values.'),
    isNull: z.boolean().optional().describe('true: the field is null; false: it has a value.'),
    after: z.union([z.string(), z.number()]).optional().describe('Dates, datetimes, numbers: strictly after / greater.'),
    before: z.union([z.string(), z.number()]).optional().describe('Dates, datetimes, numbers: strictly before / less.'),
    get all(): z.ZodOptional<z.ZodArray<z.ZodType<ConditionInput>>> {
      return z.array(conditionSchema).min(1).optional().describe('Every condition holds.');
    },
    get any(): z.ZodOptional<z.ZodArray<z.ZodType<ConditionInput>>> {
      return z.array(conditionSchema).min(1).optional().describe('At least one condition holds.');
    },
    get not(): z.ZodOptional<z.ZodType<ConditionInput>> {
      return conditionSchema.optional().describe('The condition does not hold.');
    },
  })
  .superRefine((condition, context) => report(conditionShapeProblems(condition as ConditionInput), context))
  .meta({ id: 'condition', description: 'Which source records are migrated: { field, equals | notEquals | in | notIn | isNull | after | before }, or all / any / not.' });

/** One source object into one target object. */
export const objectMappingSchema = z
  .strictObject({
    source: fieldName.describe('Source object (table), e.g. accounts.'),
    target: fieldName.describe('Target object, e.g. Account.'),
    where: conditionSchema.optional(),
    deleted: z
      .enum(['skip', 'migrate'])
      .optional()
      .describe('Records soft-deleted in the source: skip them (default), or migrate them (map the deleted flag onto the target, e.g. IsDeleted: deleted) so that nothing is lost and references to them hold.'),
    fields: z.record(z.string().min(1), fieldRuleSchema).describe('Target field → rule. Target fields left out get null or their default; required ones must be mapped.'),
  })
  .describe('How records of one source object become records of one target object.');

/** How source users are matched to target users. */
export const usersMappingSchema = z
  .strictObject({
    by: z.enum(['email', 'table']).optional().describe('email: equal email, case-insensitive (default); table: only the table.'),
    table: z.record(z.string(), userId).optional().describe('Source user id → target user id; wins over email.'),
    fallback: userId.optional().describe('Target user id for source users with no match; without it their records fail on user fields.'),
  })
  .describe('How owners and other user references are matched between the systems.');

/** The `mapping` section. */
export const mappingSchema = z
  .strictObject({
    source: z.string().optional().describe('Source system name. Default the system with role source.'),
    target: z.string().optional().describe('Target system name. Default the system with role target.'),
    users: usersMappingSchema.optional(),
    objects: z.array(objectMappingSchema).min(1).describe('Object mappings; they are migrated parents first (by their lookups), then in this order.'),
  })
  .describe('How records of the source system become records of the target system. Checked against both systems by `cutover check`.');

/** The mapping as parsed; the core's {@link MappingInput} by construction. */
export type MappingConfig = z.output<typeof mappingSchema>;
// Fails to compile if the schema and the core's input types drift apart.
const _sameShape: (config: MappingConfig) => MappingInput = (config) => config;
void _sameShape;

/** A plan problem found while resolving the mapping's systems. */
export interface MappingSystemsProblem {
  path: string;
  message: string;
}

/**
 * The mapping's source and target system names: as written, else the
 * systems with role source and target. Problems name a system that is
 * missing, or one with the wrong role.
 */
export function mappingSystems(
  mapping: Pick<MappingConfig, 'source' | 'target'>,
  systems: Readonly<Record<string, { role: string }>>,
): { source?: string; target?: string; problems: MappingSystemsProblem[] } {
  const problems: MappingSystemsProblem[] = [];
  const result: { source?: string; target?: string; problems: MappingSystemsProblem[] } = { problems };
  for (const role of ['source', 'target'] as const) {
    const named = mapping[role];
    if (named !== undefined) {
      if (!systems[named]) problems.push({ path: `mapping.${role}`, message: `no system named "${named}" (systems: ${Object.keys(systems).join(', ')})` });
      else result[role] = named;
      continue;
    }
    const byRole = Object.entries(systems).find(([, system]) => system.role === role)?.[0];
    if (byRole) result[role] = byRole;
    else problems.push({ path: 'mapping', message: `no system has role ${role}; add one under systems, or name it with mapping.${role}` });
  }
  return result;
}
