/** Rows of the Salesforce-like objects, mapped from the shape-independent entities. */
import type { WriteRecord } from '../../connectors/contract.js';
import type { GenerationContext, Stamps } from '../context.js';
import { account, type CoreAccount } from '../entities/accounts.js';
import { activity, note, type NoteParent } from '../entities/activities.js';
import { contact, type LeadSource } from '../entities/contacts.js';
import { lead, type LeadStage } from '../entities/leads.js';
import { LOST, opportunity, STAGES, WON } from '../entities/opportunities.js';
import { date, datetime, money, wholeMoney } from '../format.js';
import { salesforceIdOf } from '../ids.js';
import { hash32, tagOf } from '../random.js';
import { indexedPlan, streamPlan, type ObjectPlan } from '../shape.js';
import { countLogins, logins, type Login, type StaffUser } from '../staff.js';
import { SF_PREFIXES, SF_SOURCES } from './salesforce-schema.js';

type SfObject = keyof typeof SF_PREFIXES;

const SOURCE: Record<LeadSource, (typeof SF_SOURCES)[number]> = {
  web: 'Web',
  phone: 'Phone Inquiry',
  referral: 'Partner Referral',
  list: 'Purchased List',
  trade_show: 'Trade Show',
  email: 'Email',
  word_of_mouth: 'Word of Mouth',
  other: 'Other',
};
const LEAD_STATUS: Record<LeadStage, string> = {
  new: 'Open - Not Contacted',
  working: 'Working - Contacted',
  nurturing: 'Working - Contacted',
  qualified: 'Working - Contacted',
  unqualified: 'Closed - Not Converted',
  converted: 'Closed - Converted',
};
const ACCOUNT_TYPE: Record<CoreAccount['type'], string> = {
  prospect: 'Prospect',
  customer: 'Customer - Direct',
  channel: 'Customer - Channel',
  partner: 'Channel Partner / Reseller',
  competitor: 'Competitor',
  other: 'Other',
};
const PARENT_OBJECT: Record<NoteParent, SfObject> = { account: 'Account', contact: 'Contact', lead: 'Lead', opportunity: 'Opportunity' };
const T_MODSTAMP = tagOf('salesforce.modstamp');

/** The id of record `index` of an object, or null. */
function sfId(context: GenerationContext, object: SfObject, index: number | null): string | null {
  return index === null ? null : salesforceIdOf(context.base, SF_PREFIXES[object], index);
}

function idOf(context: GenerationContext, object: SfObject, index: number): string {
  return salesforceIdOf(context.base, SF_PREFIXES[object], index);
}

/** Owner, deletion flag and audit fields; SystemModstamp is sometimes later than LastModifiedDate (system updates). */
function recordFields(context: GenerationContext, stamps: Stamps, tagIndex: number) {
  const systemTouch = hash32(context.base, T_MODSTAMP, tagIndex) % 10 === 0 ? Math.min(context.asOf - 1000, stamps.updatedAt + 3_600_000) : stamps.updatedAt;
  return {
    OwnerId: idOf(context, 'User', stamps.owner),
    IsDeleted: stamps.deleted,
    CreatedDate: datetime(stamps.createdAt),
    CreatedById: idOf(context, 'User', stamps.createdBy),
    LastModifiedDate: datetime(stamps.updatedAt),
    LastModifiedById: idOf(context, 'User', stamps.updatedBy),
    SystemModstamp: datetime(systemTouch),
  };
}

function roleName(user: StaffUser): string | null {
  switch (user.role) {
    case 'manager':
      return user.index === 1 ? 'VP, North American Sales' : 'Director, Direct Sales';
    case 'sales':
      return user.offsetMinutes <= -360 ? 'Western Sales Team' : 'Eastern Sales Team';
    case 'support':
      return 'Customer Support, International';
    case 'marketing':
      return 'Marketing Team';
    default:
      return null;
  }
}

function userRow(context: GenerationContext, user: StaffUser): WriteRecord {
  const admin = idOf(context, 'User', 0);
  return {
    id: idOf(context, 'User', user.index),
    values: {
      Username: user.email,
      FirstName: user.person.first,
      LastName: user.person.last,
      Email: user.email,
      Alias: user.alias,
      IsActive: user.status !== 'inactive',
      IsFrozen: user.status === 'locked',
      ProfileName: user.isAdmin ? 'System Administrator' : user.role === 'marketing' ? 'Marketing User' : user.role === 'read_only' ? 'Read Only' : 'Standard User',
      UserRoleName: roleName(user),
      Title: user.title,
      Department: user.department,
      TimeZoneSidKey: user.timeZone,
      LocaleSidKey: user.locale,
      LanguageLocaleKey: user.locale.startsWith('en') || user.locale.startsWith('ar') || user.locale.startsWith('iw') ? 'en_US' : user.locale,
      ManagerId: sfId(context, 'User', user.manager),
      LastLoginDate: datetime(user.lastLoginAt),
      CreatedDate: datetime(user.createdAt),
      CreatedById: admin,
      LastModifiedDate: datetime(user.updatedAt),
      LastModifiedById: admin,
      SystemModstamp: datetime(Math.max(user.updatedAt, user.lastLoginAt ?? 0)),
    },
  };
}

function loginRow(context: GenerationContext, login: Login, n: number): WriteRecord {
  const user = context.staff[login.user] as StaffUser;
  const agent = login.userAgent;
  const outlook = agent.startsWith('CRM-Outlook');
  const mobile = agent.includes('iPhone');
  const browser = outlook ? 'Unknown' : /Edg\//.test(agent) ? 'Edge 124' : /Firefox/.test(agent) ? 'Firefox 125' : /Chrome/.test(agent) ? 'Chrome 124' : 'Safari 17';
  const failed = login.success ? 'Success' : user.status === 'locked' && login.at > user.loginsUntil ? 'Password Lockout' : 'Invalid Password';
  return {
    id: idOf(context, 'LoginHistory', n),
    values: {
      UserId: idOf(context, 'User', login.user),
      LoginTime: datetime(login.at),
      LoginType: outlook || mobile ? 'Remote Access 2.0' : 'Application',
      Status: failed,
      SourceIp: login.ip,
      Browser: browser,
      Platform: mobile ? 'iPhone iOS' : /Mac OS X/.test(agent) ? 'Mac OSX' : 'Windows 10',
      Application: outlook ? 'Salesforce for Outlook' : mobile ? 'Salesforce for iOS' : 'Browser',
      LoginUrl: `${context.domain.replace('.example', '')}.my.salesforce.example`,
    },
  };
}

/** The Salesforce-like objects to fill, in dependency order. */
export function salesforcePlans(context: GenerationContext): ObjectPlan[] {
  const { counts, staff, base, asOf } = context;
  const attempts = countLogins(base, staff, asOf, false);
  return [
    indexedPlan('User', staff.length, (u) => userRow(context, staff[u] as StaffUser)),
    streamPlan('LoginHistory', attempts, function* () {
      let n = 0;
      for (const login of logins(base, staff, asOf)) yield loginRow(context, login, n++);
    }),
    indexedPlan(
      'Account',
      counts.accounts,
      (i) => {
        const a = account(context, i);
        return {
          id: idOf(context, 'Account', i),
          values: {
            Name: a.name,
            Type: ACCOUNT_TYPE[a.type],
            ParentId: sfId(context, 'Account', a.parent),
            BillingStreet: a.billing.street,
            BillingCity: a.billing.city,
            BillingState: a.billing.state,
            BillingPostalCode: a.billing.postalCode,
            BillingCountry: a.billing.country,
            Phone: a.phone,
            Fax: a.fax,
            Website: a.website,
            Industry: a.industry,
            AnnualRevenue: wholeMoney(a.annualRevenue),
            NumberOfEmployees: a.employees,
            Rating: a.rating,
            Description: a.description,
            Customer_Tier__c: a.tier,
            Legacy_Id__c: null,
            ...recordFields(context, a, i),
          },
        };
      },
      'IsDeleted',
    ),
    indexedPlan(
      'Contact',
      counts.contacts,
      (i) => {
        const c = contact(context, i);
        return {
          id: idOf(context, 'Contact', i),
          values: {
            AccountId: sfId(context, 'Account', c.account),
            Salutation: c.salutation,
            FirstName: c.person.first,
            LastName: c.person.last,
            Title: c.title,
            Department: c.department,
            Email: c.email,
            Phone: c.phone,
            MobilePhone: c.mobile,
            Birthdate: date(c.birthdate),
            LeadSource: c.leadSource === null ? null : SOURCE[c.leadSource],
            DoNotCall: c.doNotCall,
            HasOptedOutOfEmail: c.emailOptOut,
            MailingStreet: c.mailing.street,
            MailingCity: c.mailing.city,
            MailingState: c.mailing.state,
            MailingPostalCode: c.mailing.postalCode,
            MailingCountry: c.mailing.country,
            ReportsToId: sfId(context, 'Contact', c.reportsTo),
            Description: c.description,
            Legacy_Id__c: null,
            ...recordFields(context, c, i),
          },
        };
      },
      'IsDeleted',
    ),
    indexedPlan(
      'Opportunity',
      counts.opportunities,
      (i) => {
        const o = opportunity(context, i);
        return {
          id: idOf(context, 'Opportunity', i),
          values: {
            AccountId: idOf(context, 'Account', o.account),
            ContactId: sfId(context, 'Contact', o.primaryContact),
            Name: Array.from(o.name).slice(0, 120).join(''),
            StageName: STAGES[o.stage] as string,
            Amount: money(o.amountCents),
            Probability: String(o.probability),
            CloseDate: date(o.closeDate),
            Type: o.type,
            LeadSource: o.leadSource === null ? null : SOURCE[o.leadSource],
            NextStep: o.nextStep,
            ForecastCategoryName: o.forecastCategory,
            IsClosed: o.stage === WON || o.stage === LOST,
            IsWon: o.stage === WON,
            CurrencyIsoCode: o.currency,
            Description: o.description,
            ...recordFields(context, o, i),
          },
        };
      },
      'IsDeleted',
    ),
    indexedPlan(
      'Lead',
      counts.leads,
      (i) => {
        const l = lead(context, i);
        return {
          id: idOf(context, 'Lead', i),
          values: {
            Salutation: l.salutation,
            FirstName: l.person.first,
            LastName: l.person.last,
            Company: l.company,
            Title: l.title,
            Email: l.email,
            Phone: l.phone,
            MobilePhone: l.mobile,
            Website: l.website,
            Street: l.address.street,
            City: l.address.city,
            State: l.address.state,
            PostalCode: l.address.postalCode,
            Country: l.address.country,
            Status: LEAD_STATUS[l.stage],
            LeadSource: l.source === null ? null : SOURCE[l.source],
            Industry: l.industry,
            Rating: l.rating,
            AnnualRevenue: wholeMoney(l.annualRevenue),
            NumberOfEmployees: l.employees,
            Description: l.description,
            DoNotCall: l.doNotCall,
            IsConverted: l.converted !== null,
            ConvertedDate: date(l.converted?.at ?? null),
            ConvertedAccountId: sfId(context, 'Account', l.converted?.account ?? null),
            ConvertedContactId: sfId(context, 'Contact', l.converted?.contact ?? null),
            ConvertedOpportunityId: sfId(context, 'Opportunity', l.converted?.opportunity ?? null),
            ...recordFields(context, l, i),
          },
        };
      },
      'IsDeleted',
    ),
    indexedPlan(
      'Task',
      counts.activities,
      (i) => {
        const a = activity(context, i);
        return {
          id: idOf(context, 'Task', i),
          values: {
            WhoId: a.contact !== null ? idOf(context, 'Contact', a.contact) : sfId(context, 'Lead', a.lead),
            WhatId: a.opportunity !== null ? idOf(context, 'Opportunity', a.opportunity) : sfId(context, 'Account', a.account),
            AccountId: sfId(context, 'Account', a.account),
            Subject: a.subject,
            ActivityDate: date(a.dueAt),
            Status: { open: 'Not Started', in_progress: 'In Progress', completed: 'Completed', cancelled: 'Deferred' }[a.status],
            Priority: { high: 'High', normal: 'Normal', low: 'Low' }[a.priority],
            IsClosed: a.status === 'completed' || a.status === 'cancelled',
            TaskSubtype: a.kind === 'call' ? 'Call' : a.kind === 'email' ? 'Email' : 'Task',
            CallType: a.kind === 'call' ? (a.direction === 'inbound' ? 'Inbound' : 'Outbound') : null,
            CallDurationInSeconds: a.kind === 'call' && a.durationMinutes !== null ? a.durationMinutes * 60 : null,
            Description: a.body,
            ...recordFields(context, a, i),
          },
        };
      },
      'IsDeleted',
    ),
    indexedPlan(
      'Note',
      counts.notes,
      (i) => {
        const n = note(context, i);
        return {
          id: idOf(context, 'Note', i),
          values: {
            ParentId: idOf(context, PARENT_OBJECT[n.parentType], n.parent),
            Title: Array.from(n.title).slice(0, 80).join(''),
            Body: n.body,
            IsPrivate: n.isPrivate,
            ...recordFields(context, n, i),
          },
        };
      },
      'IsDeleted',
    ),
  ];
}
