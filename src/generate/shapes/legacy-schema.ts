/**
 * Tables of the in-house ("legacy") CRM: integer ids, snake_case, real
 * foreign keys, CHECK-constrained picklists, a `deleted` flag, and
 * `created_at`/`updated_at` on every business table.
 */
import type { FieldDefinition, ObjectDefinition } from '../../connectors/contract.js';
import { INDUSTRIES } from '../vocabulary/companies.js';

/** Values of `opportunities.stage`. */
export const LEGACY_STAGES = ['prospecting', 'qualification', 'proposal', 'negotiation', 'closed_won', 'closed_lost'] as const;
/** Values of `leads.status`. */
export const LEGACY_LEAD_STATUSES = ['new', 'working', 'nurturing', 'qualified', 'unqualified', 'converted'] as const;
/** Values of `leads.source`. */
export const LEGACY_SOURCES = ['web', 'phone', 'referral', 'list', 'trade_show', 'email', 'word_of_mouth', 'other'] as const;
/** Values of `users.status`. */
export const LEGACY_USER_STATUSES = ['active', 'inactive', 'locked'] as const;

const id: FieldDefinition = { name: 'id', type: 'integer', autoAssigned: true };
const ref = (name: string, object: string, nullable = true): FieldDefinition => ({
  name,
  type: 'integer',
  nullable,
  references: { object, field: 'id', constraint: true },
});
const text = (name: string, length: number, nullable = true): FieldDefinition => ({ name, type: 'string', length, nullable });
const picklist = (name: string, values: readonly string[], nullable = true): FieldDefinition => ({
  name,
  type: 'string',
  length: Math.max(...values.map((value) => value.length)),
  nullable,
  picklistValues: [...values],
});
const flag = (name: string): FieldDefinition => ({ name, type: 'boolean', nullable: false, defaultValue: false });
const timestamps: FieldDefinition[] = [
  { name: 'created_at', type: 'datetime', nullable: false },
  { name: 'updated_at', type: 'datetime', nullable: false },
];
const owned: FieldDefinition[] = [ref('owner_id', 'users'), ...timestamps, flag('deleted')];

/** The legacy CRM's tables, in dependency order. */
export function legacyDefinitions(): ObjectDefinition[] {
  return [
    {
      name: 'users',
      kind: 'users',
      idField: 'id',
      fields: [
        id,
        text('username', 64, false),
        text('email', 254, false),
        text('full_name', 200, false),
        text('title', 100),
        text('role', 32, false),
        flag('is_admin'),
        { ...picklist('status', LEGACY_USER_STATUSES, false), defaultValue: 'active' },
        text('time_zone', 64),
        ref('manager_id', 'users'),
        { name: 'last_login_at', type: 'datetime' },
        ...timestamps,
      ],
      uniques: [['username'], ['email']],
    },
    {
      name: 'user_logins',
      kind: 'activity',
      idField: 'id',
      fields: [id, ref('user_id', 'users', false), { name: 'logged_in_at', type: 'datetime', nullable: false }, text('ip_address', 45), text('user_agent', 500)],
      indexes: [['user_id'], ['logged_in_at']],
    },
    {
      name: 'accounts',
      idField: 'id',
      fields: [
        id,
        text('name', 150, false),
        picklist('account_type', ['prospect', 'customer', 'channel', 'partner', 'competitor', 'other']),
        picklist('industry', INDUSTRIES),
        { name: 'annual_revenue', type: 'decimal', precision: 15, scale: 2 },
        { name: 'employees', type: 'integer' },
        text('website', 255),
        text('phone', 40),
        text('fax', 40),
        text('billing_street', 255),
        text('billing_city', 80),
        text('billing_state', 80),
        text('billing_postal_code', 20),
        text('country', 80),
        ref('parent_id', 'accounts'),
        picklist('rating', ['Hot', 'Warm', 'Cold']),
        { name: 'description', type: 'text' },
        ...owned,
      ],
      indexes: [['name'], ['owner_id'], ['parent_id']],
    },
    {
      name: 'contacts',
      idField: 'id',
      fields: [
        id,
        ref('account_id', 'accounts'),
        text('salutation', 10),
        text('first_name', 80),
        text('last_name', 80, false),
        text('email', 254),
        text('phone', 40),
        text('mobile', 40),
        text('title', 128),
        text('department', 80),
        { name: 'birthdate', type: 'date' },
        flag('do_not_call'),
        flag('email_opt_out'),
        picklist('lead_source', LEGACY_SOURCES),
        text('mailing_street', 255),
        text('mailing_city', 80),
        text('mailing_state', 80),
        text('mailing_postal_code', 20),
        text('mailing_country', 80),
        ref('reports_to_id', 'contacts'),
        { name: 'description', type: 'text' },
        ...owned,
      ],
      indexes: [['account_id'], ['last_name', 'first_name'], ['email']],
    },
    {
      name: 'opportunities',
      idField: 'id',
      fields: [
        id,
        ref('account_id', 'accounts', false),
        ref('primary_contact_id', 'contacts'),
        text('name', 255, false),
        picklist('stage', LEGACY_STAGES, false),
        { name: 'amount', type: 'decimal', precision: 15, scale: 2 },
        { name: 'currency_code', type: 'string', length: 3, nullable: false, defaultValue: 'USD' },
        { name: 'probability', type: 'integer' },
        { name: 'close_date', type: 'date', nullable: false },
        text('type', 40),
        picklist('lead_source', LEGACY_SOURCES),
        text('next_step', 255),
        { name: 'description', type: 'text' },
        ...owned,
      ],
      indexes: [['account_id'], ['stage']],
    },
    {
      name: 'leads',
      idField: 'id',
      fields: [
        id,
        text('first_name', 80),
        text('last_name', 80, false),
        text('company', 150, false),
        text('title', 128),
        text('email', 254),
        text('phone', 40),
        picklist('status', LEGACY_LEAD_STATUSES, false),
        picklist('source', LEGACY_SOURCES),
        picklist('rating', ['Hot', 'Warm', 'Cold']),
        { name: 'score', type: 'integer' },
        text('industry', 40),
        { name: 'annual_revenue', type: 'decimal', precision: 15, scale: 2 },
        { name: 'employees', type: 'integer' },
        text('city', 80),
        text('country', 80),
        ref('converted_contact_id', 'contacts'),
        ref('converted_account_id', 'accounts'),
        ref('converted_opportunity_id', 'opportunities'),
        { name: 'converted_at', type: 'datetime' },
        { name: 'description', type: 'text' },
        ...owned,
      ],
      indexes: [['status'], ['email']],
    },
    {
      name: 'activities',
      idField: 'id',
      fields: [
        id,
        picklist('type', ['call', 'email', 'meeting', 'task'], false),
        text('subject', 255, false),
        { name: 'due_at', type: 'datetime' },
        picklist('status', ['open', 'in_progress', 'completed', 'cancelled'], false),
        picklist('priority', ['high', 'normal', 'low']),
        picklist('direction', ['inbound', 'outbound']),
        { name: 'duration_minutes', type: 'integer' },
        ref('account_id', 'accounts'),
        ref('contact_id', 'contacts'),
        ref('lead_id', 'leads'),
        ref('opportunity_id', 'opportunities'),
        { name: 'body', type: 'text' },
        ...owned,
      ],
      indexes: [['account_id'], ['contact_id'], ['due_at']],
    },
    {
      name: 'notes',
      idField: 'id',
      fields: [
        id,
        picklist('related_type', ['account', 'contact', 'lead', 'opportunity'], false),
        { name: 'related_id', type: 'integer', nullable: false },
        text('title', 255),
        { name: 'body', type: 'text', nullable: false },
        flag('is_private'),
        ...owned,
      ],
      indexes: [['related_type', 'related_id']],
    },
  ];
}

/** Business tables with `updated_at` maintained by a trigger. */
export const LEGACY_TOUCHED_TABLES = ['users', 'accounts', 'contacts', 'opportunities', 'leads', 'activities', 'notes'];
