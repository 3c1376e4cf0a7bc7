/**
 * A profile tells a SQL connector what a CRM database's tables mean: which
 * columns say when a row was modified or created, how deletion is marked,
 * where users, their status and their logins are, and the relationships the
 * database does not declare. Built-in profiles: `generic`, `suitecrm`,
 * `salesforce`; a plan can override any part.
 */
import { z } from 'zod';

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const softDeleteSchema = z.union([
  z.strictObject({
    column: z.string().describe('Column that marks a row deleted.'),
    deleted: scalar.describe('Value of the column for a deleted row.'),
    active: scalar.describe('Value of the column for a live row.'),
  }),
  z.strictObject({
    column: z.string().describe('Timestamp column set when a row is deleted; NULL for a live row.'),
    kind: z.literal('timestamp'),
  }),
]);

const columnRef = z
  .string()
  .regex(/^[^.\s]+\.[^.\s]+$/, 'expected "table.column"')
  .describe('A column as "table.column".');

const relationshipSchema = z.strictObject({
  from: columnRef.describe('The referencing column, "table.column".'),
  to: columnRef.optional().describe('The referenced column, "table.column". Omit for polymorphic references.'),
  typeColumn: z.string().optional().describe('For polymorphic references: the column in the same table naming the target type. Omit when the id prefix tells (Salesforce).'),
  types: z
    .record(z.string(), z.string())
    .optional()
    .describe('For polymorphic references: type value (or 3-character id prefix, without typeColumn) → table.'),
});

const conventionSchema = z.strictObject({
  column: z.string().describe('Column name, or a pattern with "*" (e.g. "*_id").'),
  to: z.string().describe('Target "table.column"; "*" stands for what the pattern matched, pluralized with "s".'),
});

const usersSchema = z.strictObject({
  table: z.array(z.string()).min(1).describe('Candidate names of the users table; the first one present is used.'),
  id: z.string().default('id'),
  username: z.string().optional(),
  email: z.string().optional(),
  name: z.union([z.string(), z.array(z.string())]).optional().describe('Column with the full name, or columns joined with a space.'),
  status: z
    .strictObject({
      column: z.string(),
      active: z.array(scalar).min(1).describe('Values meaning the user may log in.'),
    })
    .optional(),
  freeze: z
    .strictObject({
      set: z.record(z.string(), scalar).describe('Columns and values that freeze a user.'),
    })
    .optional()
    .describe('How to stop a user from logging in. Unfreeze restores the prior values exactly.'),
  admin: z.strictObject({ column: z.string(), value: scalar }).optional(),
  role: z.string().optional(),
  lastLogin: z.string().optional(),
});

const activitySchema = z.strictObject({
  table: z.array(z.string()).min(1).describe('Candidate names of the login/action table.'),
  user: z.string().describe('Column with the user id.'),
  at: z.string().describe('Column with the moment.'),
  kind: z
    .union([z.literal('login'), z.literal('action'), z.strictObject({ column: z.string(), login: z.array(z.string()) })])
    .default('login')
    .describe('Whether rows are logins, actions, or a column tells (with the values meaning login).'),
  detail: z.string().optional(),
});

const idsSchema = z.strictObject({
  assign: z
    .enum(['database', 'uuid', 'salesforce'])
    .default('database')
    .describe('Who makes ids for inserts without one: the database (autoincrement), a UUID, or a Salesforce-style 18-character id.'),
  prefixes: z.record(z.string(), z.string().length(3)).default({}).describe('Salesforce key prefix per table, e.g. Account: "001".'),
});

const objectOverrideSchema = z.strictObject({
  id: z.string().optional(),
  modifiedAt: z.string().nullable().optional(),
  createdAt: z.string().nullable().optional(),
  softDelete: softDeleteSchema.nullable().optional(),
  kind: z.enum(['object', 'link', 'extension']).optional(),
});

/** The full, resolved profile. */
export const sqlProfileSchema = z.strictObject({
  name: z.string(),
  modifiedAt: z.array(z.string()).default([]).describe('Candidate modified-at column names, in order of preference.'),
  createdAt: z.array(z.string()).default([]).describe('Candidate created-at column names.'),
  softDelete: z.array(softDeleteSchema).default([]).describe('Candidate soft-delete rules; the first whose column exists applies.'),
  users: usersSchema.optional(),
  activity: activitySchema.optional(),
  relationships: z.array(relationshipSchema).default([]),
  conventions: z.array(conventionSchema).default([]).describe('Reference rules by column name, for databases without foreign keys.'),
  linkTables: z.array(z.string()).default([]).describe('Tables that link two objects many-to-many (e.g. accounts_contacts).'),
  extensionTables: z
    .strictObject({ suffix: z.string(), idColumn: z.string() })
    .optional()
    .describe('Custom-field tables joined one-to-one on an id column (SuiteCRM: suffix "_cstm", id_c).'),
  ids: idsSchema.default({ assign: 'database', prefixes: {} }),
  exclude: z.array(z.string()).default([]).describe('Tables to ignore (names or patterns with "*").'),
  objects: z.record(z.string(), objectOverrideSchema).default({}).describe('Per-table overrides.'),
});

/** A resolved SQL profile. */
export type SqlProfile = z.output<typeof sqlProfileSchema>;
/** A profile as written in a plan: a built-in name, or a base with overrides. */
export type SqlProfileInput = z.input<typeof sqlProfileSchema>;

/**
 * Profile overrides as a plan writes them: `base` names a built-in, the rest
 * replaces its parts. Defaults are stripped, so a part the plan leaves out
 * keeps the base's value instead of becoming an empty default.
 */
export const sqlProfileOverrideSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(sqlProfileSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
    ) as Record<string, z.ZodType>,
  )
  .extend({
    base: z.enum(['generic', 'suitecrm', 'salesforce']).default('generic').describe('The built-in profile to start from.'),
  }) as unknown as z.ZodType<SqlProfileOverride, SqlProfileOverride>;

/** A profile as a plan adjusts one: a base and the parts it replaces. */
export type SqlProfileOverride = Partial<SqlProfileInput> & { base?: 'generic' | 'suitecrm' | 'salesforce' };

const GENERIC: SqlProfileInput = {
  name: 'generic',
  modifiedAt: ['updated_at', 'modified_at', 'date_modified', 'last_modified', 'modified', 'updated', 'LastModifiedDate', 'SystemModstamp'],
  createdAt: ['created_at', 'date_entered', 'date_created', 'created', 'CreatedDate'],
  softDelete: [
    { column: 'deleted_at', kind: 'timestamp' },
    { column: 'deleted', deleted: 1, active: 0 },
    { column: 'is_deleted', deleted: 1, active: 0 },
    { column: 'IsDeleted', deleted: 1, active: 0 },
  ],
  users: {
    table: ['users', 'user', 'app_users', 'crm_users', 'User'],
    id: 'id',
    username: 'username',
    email: 'email',
    name: 'full_name',
    status: { column: 'status', active: ['active', 'Active', 'ACTIVE', 1, true] },
    freeze: { set: { status: 'locked' } },
    admin: { column: 'is_admin', value: 1 },
    role: 'role',
    lastLogin: 'last_login_at',
  },
  activity: { table: ['user_logins', 'login_history', 'logins', 'user_activity', 'audit_log'], user: 'user_id', at: 'logged_in_at', kind: 'login' },
  conventions: [{ column: '*_id', to: '*s.id' }],
  exclude: ['sqlite_*', 'cutover_*'],
};

const SUITECRM: SqlProfileInput = {
  name: 'suitecrm',
  modifiedAt: ['date_modified'],
  createdAt: ['date_entered'],
  softDelete: [{ column: 'deleted', deleted: 1, active: 0 }],
  users: {
    table: ['users'],
    id: 'id',
    username: 'user_name',
    email: 'email1',
    name: ['first_name', 'last_name'],
    status: { column: 'status', active: ['Active'] },
    freeze: { set: { status: 'Inactive' } },
    admin: { column: 'is_admin', value: 1 },
    role: 'title',
  },
  activity: {
    table: ['tracker'],
    user: 'user_id',
    at: 'date_modified',
    kind: { column: 'action', login: ['login'] },
    detail: 'item_summary',
  },
  relationships: [
    { from: 'accounts.parent_id', to: 'accounts.id' },
    { from: 'contacts.reports_to_id', to: 'contacts.id' },
    { from: 'leads.contact_id', to: 'contacts.id' },
    { from: 'leads.account_id', to: 'accounts.id' },
    { from: 'leads.opportunity_id', to: 'opportunities.id' },
    { from: 'accounts_contacts.account_id', to: 'accounts.id' },
    { from: 'accounts_contacts.contact_id', to: 'contacts.id' },
    { from: 'accounts_opportunities.account_id', to: 'accounts.id' },
    { from: 'accounts_opportunities.opportunity_id', to: 'opportunities.id' },
    { from: 'opportunities_contacts.opportunity_id', to: 'opportunities.id' },
    { from: 'opportunities_contacts.contact_id', to: 'contacts.id' },
    { from: 'email_addr_bean_rel.email_address_id', to: 'email_addresses.id' },
    {
      from: 'email_addr_bean_rel.bean_id',
      typeColumn: 'bean_module',
      types: { Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads', Users: 'users' },
    },
    {
      from: 'notes.parent_id',
      typeColumn: 'parent_type',
      types: { Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads', Opportunities: 'opportunities' },
    },
    {
      from: 'calls.parent_id',
      typeColumn: 'parent_type',
      types: { Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads', Opportunities: 'opportunities' },
    },
    {
      from: 'tasks.parent_id',
      typeColumn: 'parent_type',
      types: { Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads', Opportunities: 'opportunities' },
    },
    { from: 'tasks.contact_id', to: 'contacts.id' },
    { from: 'notes.contact_id', to: 'contacts.id' },
    { from: 'tracker.user_id', to: 'users.id' },
    {
      from: 'tracker.item_id',
      typeColumn: 'module_name',
      types: { Users: 'users', Accounts: 'accounts', Contacts: 'contacts', Leads: 'leads', Opportunities: 'opportunities' },
    },
    { from: 'users.reports_to_id', to: 'users.id' },
  ],
  conventions: [
    { column: 'assigned_user_id', to: 'users.id' },
    { column: 'created_by', to: 'users.id' },
    { column: 'modified_user_id', to: 'users.id' },
  ],
  linkTables: ['accounts_contacts', 'accounts_opportunities', 'opportunities_contacts', 'email_addr_bean_rel'],
  extensionTables: { suffix: '_cstm', idColumn: 'id_c' },
  ids: { assign: 'uuid', prefixes: {} },
  exclude: ['cutover_*'],
};

const SALESFORCE: SqlProfileInput = {
  name: 'salesforce',
  modifiedAt: ['LastModifiedDate', 'SystemModstamp'],
  createdAt: ['CreatedDate'],
  softDelete: [{ column: 'IsDeleted', deleted: true, active: false }],
  users: {
    table: ['User'],
    id: 'Id',
    username: 'Username',
    email: 'Email',
    name: ['FirstName', 'LastName'],
    status: { column: 'IsActive', active: [true, 1] },
    freeze: { set: { IsFrozen: true } },
    admin: { column: 'ProfileName', value: 'System Administrator' },
    role: 'UserRoleName',
    lastLogin: 'LastLoginDate',
  },
  activity: { table: ['LoginHistory'], user: 'UserId', at: 'LoginTime', kind: 'login', detail: 'Status' },
  relationships: [
    // Salesforce's polymorphic lookups: the referenced id's key prefix names the object.
    { from: 'Task.WhoId', types: { '003': 'Contact', '00Q': 'Lead' } },
    { from: 'Task.WhatId', types: { '001': 'Account', '006': 'Opportunity' } },
    { from: 'Note.ParentId', types: { '001': 'Account', '003': 'Contact', '006': 'Opportunity', '00Q': 'Lead' } },
  ],
  conventions: [
    { column: 'OwnerId', to: 'User.Id' },
    { column: 'CreatedById', to: 'User.Id' },
    { column: 'LastModifiedById', to: 'User.Id' },
  ],
  ids: {
    assign: 'salesforce',
    prefixes: { Account: '001', Contact: '003', Lead: '00Q', Opportunity: '006', Task: '00T', User: '005', LoginHistory: '0Ya', Note: '002' },
  },
  exclude: ['cutover_*', 'sqlite_*'],
};

/** The built-in profiles, by name. */
export const BUILT_IN_PROFILES = { generic: GENERIC, suitecrm: SUITECRM, salesforce: SALESFORCE } as const;

/** Name of a built-in profile. */
export type BuiltInProfileName = keyof typeof BUILT_IN_PROFILES;

/**
 * Resolves a profile from a plan value: a built-in name, or overrides on a
 * base. Overrides replace whole parts (lists are not merged), except
 * `relationships`, `conventions` and `objects`, which add to the base's.
 */
export function resolveProfile(input: BuiltInProfileName | SqlProfileOverride | undefined): SqlProfile {
  if (input === undefined || typeof input === 'string') {
    return sqlProfileSchema.parse(BUILT_IN_PROFILES[input ?? 'generic']);
  }
  const { base = 'generic', ...overrides } = input;
  const baseProfile = BUILT_IN_PROFILES[base];
  const merged: SqlProfileInput = {
    ...baseProfile,
    ...overrides,
    name: overrides.name ?? `${base}+plan`,
    relationships: [...(baseProfile.relationships ?? []), ...(overrides.relationships ?? [])],
    conventions: [...(baseProfile.conventions ?? []), ...(overrides.conventions ?? [])],
    objects: { ...(baseProfile.objects ?? {}), ...(overrides.objects ?? {}) },
  };
  return sqlProfileSchema.parse(merged);
}

/**
 * The built-in profile a database's tables suggest, for a system named by URL
 * without `--profile`: SuiteCRM by its tracker and e-mail link tables,
 * Salesforce-shaped by its User and LoginHistory objects, otherwise generic.
 */
export function detectProfile(tables: readonly string[]): BuiltInProfileName {
  const names = new Set(tables);
  if (names.has('users') && names.has('tracker') && names.has('email_addr_bean_rel')) return 'suitecrm';
  if (names.has('User') && names.has('LoginHistory')) return 'salesforce';
  return 'generic';
}

/** Whether a name matches a pattern where `*` stands for any text. */
export function matchesPattern(name: string, pattern: string): boolean {
  if (!pattern.includes('*')) return name === pattern;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('(.*)')}$`);
  return regex.test(name);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
