/** Rows of SuiteCRM's opportunities, leads, calls, tasks, notes, link tables and e-mail addresses. */
import type { WriteRecord } from '../../connectors/contract.js';
import type { GenerationContext } from '../context.js';
import { activity, note, type CoreActivity, type NoteParent } from '../entities/activities.js';
import { contact, contactAccount, contactHasEmail } from '../entities/contacts.js';
import { lead, leadHasEmail, type LeadStage } from '../entities/leads.js';
import { opportunity, STAGES, USD_RATES } from '../entities/opportunities.js';
import { date, datetime, money } from '../format.js';
import { MINUTE } from '../moments.js';
import { createdAtOf } from '../context.js';
import { rngFor, tagOf, unit } from '../random.js';
import { filteredPlan, indexedPlan, streamPlan, type ObjectPlan } from '../shape.js';
import type { StaffUser } from '../staff.js';
import { fit, suiteId, suiteRef, type SuiteIdKind } from './suitecrm-ids.js';
import { beanStamps, currencyId, isCall, SUITE_SOURCES } from './suitecrm-rows.js';

const LEAD_STATUS: Record<LeadStage, string> = {
  new: 'New',
  working: 'In Process',
  nurturing: 'Recycled',
  qualified: 'Assigned',
  unqualified: 'Dead',
  converted: 'Converted',
};
const MODULE_OF: Record<NoteParent, [string, SuiteIdKind]> = {
  account: ['Accounts', 'accounts'],
  contact: ['Contacts', 'contacts'],
  lead: ['Leads', 'leads'],
  opportunity: ['Opportunities', 'opportunities'],
};
const ROLES = ['Primary Decision Maker', 'Business Decision Maker', 'Business Evaluator', 'Technical Decision Maker', 'Technical Evaluator', 'Executive Sponsor', 'Influencer', 'Other'];
const T_LINK = tagOf('suitecrm.link');

/** Micro-units of US dollars in an amount, as SuiteCRM's amount_usdollar. */
function usd(cents: number | null, currency: string): string | null {
  if (cents === null) return null;
  const micros = Math.round(cents * (USD_RATES[currency] ?? 1) * 10_000);
  return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
}

/** An activity's parent: its opportunity, else account, else lead. */
function parentOf(context: GenerationContext, a: CoreActivity): { parent_type: string | null; parent_id: string | null } {
  if (a.opportunity !== null) return { parent_type: 'Opportunities', parent_id: suiteId(context, 'opportunities', a.opportunity) };
  if (a.account !== null) return { parent_type: 'Accounts', parent_id: suiteId(context, 'accounts', a.account) };
  if (a.lead !== null) return { parent_type: 'Leads', parent_id: suiteId(context, 'leads', a.lead) };
  return { parent_type: null, parent_id: null };
}

function activityBase(context: GenerationContext, a: CoreActivity, name: string) {
  return {
    name: fit(name, 50),
    ...beanStamps(context, a),
    description: a.body,
    deleted: a.deleted,
    assigned_user_id: suiteId(context, 'users', a.owner),
  };
}

function callRow(context: GenerationContext, i: number): WriteRecord {
  const a = activity(context, i);
  const minutes = a.durationMinutes ?? 15;
  return {
    id: suiteId(context, 'calls', i),
    values: {
      ...activityBase(context, a, a.subject),
      duration_hours: Math.floor(minutes / 60),
      duration_minutes: minutes % 60,
      date_start: datetime(a.dueAt),
      date_end: datetime(a.dueAt + minutes * MINUTE),
      ...parentOf(context, a),
      status: a.status === 'completed' ? 'Held' : a.status === 'cancelled' ? 'Not Held' : 'Planned',
      direction: a.direction === 'inbound' ? 'Inbound' : 'Outbound',
      reminder_time: -1,
      email_reminder_time: -1,
      email_reminder_sent: false,
      outlook_id: null,
      repeat_type: null,
    },
  };
}

function taskRow(context: GenerationContext, i: number): WriteRecord {
  const a = activity(context, i);
  const prefix = a.kind === 'email' ? 'Email: ' : a.kind === 'meeting' ? 'Meeting: ' : '';
  return {
    id: suiteId(context, 'tasks', i),
    values: {
      ...activityBase(context, a, `${prefix}${a.subject}`),
      status: { open: 'Not Started', in_progress: 'In Progress', completed: 'Completed', cancelled: 'Deferred' }[a.status],
      date_due_flag: false,
      date_due: datetime(a.dueAt),
      date_start_flag: false,
      date_start: datetime(a.createdAt),
      ...parentOf(context, a),
      contact_id: suiteRef(context, 'contacts', a.contact),
      priority: { high: 'High', normal: 'Medium', low: 'Low' }[a.priority],
    },
  };
}

function linkRow(context: GenerationContext, kind: SuiteIdKind, i: number, values: Record<string, string | null>, total: number): WriteRecord {
  return {
    id: suiteId(context, kind, i),
    values: {
      ...values,
      date_modified: datetime(createdAtOf(context, T_LINK ^ i, i, total)),
      deleted: unit(context.base, T_LINK, i, kind.length) < 0.015,
    },
  };
}

/** E-mail address rows and their bean relationships: users first, then contacts, then leads. */
function emailPlans(context: GenerationContext): ObjectPlan[] {
  const { staff, counts } = context;
  type Source = { module: 'Users' | 'Contacts' | 'Leads'; kind: 'users' | 'contacts' | 'leads'; count: number; has: (i: number) => boolean };
  const sources: Source[] = [
    { module: 'Users', kind: 'users', count: staff.length, has: () => true },
    { module: 'Contacts', kind: 'contacts', count: counts.contacts, has: (i) => contactHasEmail(context, i) },
    { module: 'Leads', kind: 'leads', count: counts.leads, has: (i) => leadHasEmail(context, i) },
  ];
  const address = (source: Source, i: number): { email: string; optOut: boolean; createdAt: number; updatedAt: number } => {
    if (source.kind === 'users') {
      const user = staff[i] as StaffUser;
      return { email: user.email, optOut: false, createdAt: user.createdAt, updatedAt: user.createdAt };
    }
    const record = source.kind === 'contacts' ? contact(context, i) : lead(context, i);
    return { email: record.email ?? '', optOut: 'emailOptOut' in record ? record.emailOptOut : record.doNotCall, createdAt: record.createdAt, updatedAt: record.updatedAt };
  };
  let total = 0;
  for (const source of sources) for (let i = 0; i < source.count; i += 1) if (source.has(i)) total += 1;
  const each = function* (make: (source: Source, i: number) => WriteRecord): Generator<WriteRecord> {
    for (const source of sources) for (let i = 0; i < source.count; i += 1) if (source.has(i)) yield make(source, i);
  };
  return [
    streamPlan('email_addresses', total, () =>
      each((source, i) => {
        const a = address(source, i);
        return {
          id: suiteId(context, `email.${source.kind}`, i),
          values: {
            email_address: a.email,
            email_address_caps: a.email.toUpperCase(),
            invalid_email: unit(context.base, T_LINK, i, 99) < 0.02,
            opt_out: a.optOut,
            date_created: datetime(a.createdAt),
            date_modified: datetime(a.updatedAt),
            deleted: false,
          },
        };
      }),
    ),
    streamPlan('email_addr_bean_rel', total, () =>
      each((source, i) => {
        const stamp = source.kind === 'users' ? (staff[i] as StaffUser).createdAt : createdAtOf(context, T_LINK, i, source.count);
        return {
          id: suiteId(context, `rel.${source.kind}`, i),
          values: {
            email_address_id: suiteId(context, `email.${source.kind}`, i),
            bean_id: suiteId(context, source.kind, i),
            bean_module: source.module,
            primary_address: true,
            reply_to_address: false,
            date_created: datetime(stamp),
            date_modified: datetime(stamp),
            deleted: false,
          },
        };
      }),
      'deleted',
    ),
  ];
}

/** The opportunities, leads, calls, tasks, notes, link and e-mail tables to fill. */
export function suitecrmDealPlans(context: GenerationContext): ObjectPlan[] {
  const { counts } = context;
  return [
    indexedPlan(
      'opportunities',
      counts.opportunities,
      (i) => {
        const o = opportunity(context, i);
        return {
          id: suiteId(context, 'opportunities', i),
          values: {
            name: fit(o.name, 50),
            ...beanStamps(context, o),
            description: o.description,
            deleted: o.deleted,
            assigned_user_id: suiteId(context, 'users', o.owner),
            opportunity_type: o.type === 'New Business' ? 'New Business' : o.type === null ? null : 'Existing Business',
            campaign_id: null,
            lead_source: o.leadSource === null ? null : SUITE_SOURCES[o.leadSource],
            amount: money(o.amountCents, 6),
            amount_usdollar: usd(o.amountCents, o.currency),
            currency_id: currencyId(context, o.currency),
            date_closed: date(o.closeDate),
            next_step: o.nextStep,
            sales_stage: STAGES[o.stage] as string,
            probability: o.probability,
          },
        };
      },
      'deleted',
    ),
    indexedPlan(
      'leads',
      counts.leads,
      (i) => {
        const l = lead(context, i);
        const conversion = l.converted;
        const o = conversion?.opportunity === null || conversion === null ? null : opportunity(context, conversion.opportunity);
        return {
          id: suiteId(context, 'leads', i),
          values: {
            ...beanStamps(context, l),
            description: l.description,
            deleted: l.deleted,
            assigned_user_id: suiteId(context, 'users', l.owner),
            salutation: l.salutation,
            first_name: l.person.first,
            last_name: l.person.last,
            title: l.title,
            department: null,
            do_not_call: l.doNotCall,
            phone_home: null,
            phone_mobile: l.mobile,
            phone_work: l.phone,
            phone_other: null,
            phone_fax: null,
            lead_source: l.source === null ? null : SUITE_SOURCES[l.source],
            primary_address_street: fit(l.address.street, 150),
            primary_address_city: l.address.city,
            primary_address_state: l.address.state,
            primary_address_postalcode: l.address.postalCode,
            primary_address_country: l.address.country,
            assistant: null,
            birthdate: null,
            converted: conversion !== null,
            refered_by: l.source === 'referral' ? 'Partner portal' : null,
            lead_source_description: null,
            status: LEAD_STATUS[l.stage],
            status_description: null,
            account_name: fit(l.company, 255),
            account_description: null,
            contact_id: suiteRef(context, 'contacts', conversion?.contact ?? null),
            account_id: suiteRef(context, 'accounts', conversion?.account ?? null),
            opportunity_id: suiteRef(context, 'opportunities', conversion?.opportunity ?? null),
            opportunity_name: o === null ? null : fit(o.name, 255),
            opportunity_amount: o === null ? null : money(o.amountCents),
            campaign_id: null,
            website: l.website,
          },
        };
      },
      'deleted',
    ),
    filteredPlan('calls', counts.activities, (i) => isCall(context, i), (i) => callRow(context, i), 'deleted'),
    filteredPlan('tasks', counts.activities, (i) => !isCall(context, i), (i) => taskRow(context, i), 'deleted'),
    indexedPlan(
      'notes',
      counts.notes,
      (i) => {
        const n = note(context, i);
        const [module, kind] = MODULE_OF[n.parentType];
        const attached = rngFor(context.base, T_LINK, i).chance(0.1);
        return {
          id: suiteId(context, 'notes', i),
          values: {
            assigned_user_id: suiteId(context, 'users', n.owner),
            ...beanStamps(context, n),
            name: n.title,
            file_mime_type: attached ? 'application/pdf' : null,
            filename: attached ? `contract_v${(i % 5) + 1}.pdf` : null,
            parent_type: module,
            parent_id: suiteId(context, kind, n.parent),
            contact_id: suiteRef(context, 'contacts', n.contact),
            portal_flag: false,
            embed_flag: false,
            description: n.body,
            deleted: n.deleted,
          },
        };
      },
      'deleted',
    ),
    filteredPlan(
      'accounts_contacts',
      counts.contacts,
      (i) => contactAccount(context, i) !== null,
      (i) => linkRow(context, 'accounts_contacts', i, { contact_id: suiteId(context, 'contacts', i), account_id: suiteRef(context, 'accounts', contactAccount(context, i)) }, counts.contacts),
      'deleted',
    ),
    indexedPlan(
      'accounts_opportunities',
      counts.opportunities,
      (i) =>
        linkRow(context, 'accounts_opportunities', i, { opportunity_id: suiteId(context, 'opportunities', i), account_id: suiteId(context, 'accounts', Math.max(0, context.opportunitiesOfAccount.parentOf(i))) }, counts.opportunities),
      'deleted',
    ),
    filteredPlan(
      'opportunities_contacts',
      counts.opportunities,
      (i) => opportunity(context, i).primaryContact !== null,
      (i) =>
        linkRow(
          context,
          'opportunities_contacts',
          i,
          {
            contact_id: suiteRef(context, 'contacts', opportunity(context, i).primaryContact),
            opportunity_id: suiteId(context, 'opportunities', i),
            contact_role: ROLES[i % ROLES.length] as string,
          },
          counts.opportunities,
        ),
      'deleted',
    ),
    ...emailPlans(context),
  ];
}
