/** Rows of the legacy CRM's tables, mapped from the shape-independent entities. */
import type { WriteRecord } from '../../connectors/contract.js';
import type { GenerationContext } from '../context.js';
import { account } from '../entities/accounts.js';
import { activity, note } from '../entities/activities.js';
import { contact } from '../entities/contacts.js';
import { lead } from '../entities/leads.js';
import { opportunity } from '../entities/opportunities.js';
import { date, datetime, money, wholeMoney } from '../format.js';
import { intId } from '../ids.js';
import { indexedPlan, streamPlan, type ObjectPlan } from '../shape.js';
import { countLogins, logins, type StaffUser } from '../staff.js';
import { LEGACY_STAGES } from './legacy-schema.js';

const ref = (index: number | null): number | null => (index === null ? null : index + 1);

/** Legacy stage of a Salesforce stage index: the in-house CRM has six stages. */
const STAGE_OF = [0, 1, 1, 2, 2, 2, 2, 3, 4, 5].map((i) => LEGACY_STAGES[i] as string);

function userRow(user: StaffUser): WriteRecord {
  return {
    id: intId(user.index),
    values: {
      username: user.username,
      email: user.email,
      full_name: user.person.full,
      title: user.title,
      role: user.role,
      is_admin: user.isAdmin,
      status: user.status,
      time_zone: user.timeZone,
      manager_id: ref(user.manager),
      last_login_at: datetime(user.lastLoginAt),
      created_at: datetime(user.createdAt),
      updated_at: datetime(Math.max(user.updatedAt, user.lastLoginAt ?? 0)),
    },
  };
}

/** The legacy CRM's tables to fill, in dependency order. */
export function legacyPlans(context: GenerationContext): ObjectPlan[] {
  const { counts, staff, asOf, base } = context;
  const successes = countLogins(base, staff, asOf, true);
  return [
    indexedPlan('users', staff.length, (u) => userRow(staff[u] as StaffUser)),
    streamPlan('user_logins', successes, function* () {
      let n = 0;
      for (const login of logins(base, staff, asOf)) {
        if (!login.success) continue;
        yield {
          id: intId(n++),
          values: { user_id: login.user + 1, logged_in_at: datetime(login.at), ip_address: login.ip, user_agent: login.userAgent },
        };
      }
    }),
    indexedPlan(
      'accounts',
      counts.accounts,
      (i) => {
        const a = account(context, i);
        return {
          id: intId(i),
          values: {
            name: a.name,
            account_type: a.type,
            industry: a.industry,
            annual_revenue: wholeMoney(a.annualRevenue),
            employees: a.employees,
            website: a.website,
            phone: a.phone,
            fax: a.fax,
            billing_street: a.billing.street,
            billing_city: a.billing.city,
            billing_state: a.billing.state,
            billing_postal_code: a.billing.postalCode,
            country: a.billing.country,
            parent_id: ref(a.parent),
            rating: a.rating,
            description: a.description,
            owner_id: a.owner + 1,
            created_at: datetime(a.createdAt),
            updated_at: datetime(a.updatedAt),
            deleted: a.deleted,
          },
        };
      },
      'deleted',
    ),
    indexedPlan(
      'contacts',
      counts.contacts,
      (i) => {
        const c = contact(context, i);
        return {
          id: intId(i),
          values: {
            account_id: ref(c.account),
            salutation: c.salutation,
            first_name: c.person.first,
            last_name: c.person.last,
            email: c.email,
            phone: c.phone,
            mobile: c.mobile,
            title: c.title,
            department: c.department,
            birthdate: date(c.birthdate),
            do_not_call: c.doNotCall,
            email_opt_out: c.emailOptOut,
            lead_source: c.leadSource,
            mailing_street: c.mailing.street,
            mailing_city: c.mailing.city,
            mailing_state: c.mailing.state,
            mailing_postal_code: c.mailing.postalCode,
            mailing_country: c.mailing.country,
            reports_to_id: ref(c.reportsTo),
            description: c.description,
            owner_id: c.owner + 1,
            created_at: datetime(c.createdAt),
            updated_at: datetime(c.updatedAt),
            deleted: c.deleted,
          },
        };
      },
      'deleted',
    ),
    indexedPlan(
      'opportunities',
      counts.opportunities,
      (i) => {
        const o = opportunity(context, i);
        return {
          id: intId(i),
          values: {
            account_id: o.account + 1,
            primary_contact_id: ref(o.primaryContact),
            name: o.name,
            stage: STAGE_OF[o.stage] as string,
            amount: money(o.amountCents),
            currency_code: o.currency,
            probability: o.probability,
            close_date: date(o.closeDate),
            type: o.type,
            lead_source: o.leadSource,
            next_step: o.nextStep,
            description: o.description,
            owner_id: o.owner + 1,
            created_at: datetime(o.createdAt),
            updated_at: datetime(o.updatedAt),
            deleted: o.deleted,
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
        return {
          id: intId(i),
          values: {
            first_name: l.person.first,
            last_name: l.person.last,
            company: l.company,
            title: l.title,
            email: l.email,
            phone: l.phone,
            status: l.stage,
            source: l.source,
            rating: l.rating,
            score: l.score,
            industry: l.industry,
            annual_revenue: wholeMoney(l.annualRevenue),
            employees: l.employees,
            city: l.address.city,
            country: l.address.country,
            converted_contact_id: ref(l.converted?.contact ?? null),
            converted_account_id: ref(l.converted?.account ?? null),
            converted_opportunity_id: ref(l.converted?.opportunity ?? null),
            converted_at: datetime(l.converted?.at ?? null),
            description: l.description,
            owner_id: l.owner + 1,
            created_at: datetime(l.createdAt),
            updated_at: datetime(l.updatedAt),
            deleted: l.deleted,
          },
        };
      },
      'deleted',
    ),
    indexedPlan(
      'activities',
      counts.activities,
      (i) => {
        const a = activity(context, i);
        return {
          id: intId(i),
          values: {
            type: a.kind,
            subject: a.subject,
            due_at: datetime(a.dueAt),
            status: a.status,
            priority: a.priority,
            direction: a.direction,
            duration_minutes: a.durationMinutes,
            account_id: ref(a.account),
            contact_id: ref(a.contact),
            lead_id: ref(a.lead),
            opportunity_id: ref(a.opportunity),
            body: a.body,
            owner_id: a.owner + 1,
            created_at: datetime(a.createdAt),
            updated_at: datetime(a.updatedAt),
            deleted: a.deleted,
          },
        };
      },
      'deleted',
    ),
    indexedPlan(
      'notes',
      counts.notes,
      (i) => {
        const n = note(context, i);
        return {
          id: intId(i),
          values: {
            related_type: n.parentType,
            related_id: n.parent + 1,
            title: n.title,
            body: n.body,
            is_private: n.isPrivate,
            owner_id: n.owner + 1,
            created_at: datetime(n.createdAt),
            updated_at: datetime(n.updatedAt),
            deleted: n.deleted,
          },
        };
      },
      'deleted',
    ),
  ];
}
