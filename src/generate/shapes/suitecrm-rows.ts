/** Rows of SuiteCRM's users, tracker, currencies, accounts and contacts (with their `_cstm` rows). */
import type { WriteRecord } from '../../connectors/contract.js';
import type { GenerationContext, Stamps } from '../context.js';
import { account, accountName, type CoreAccount } from '../entities/accounts.js';
import { activityKind } from '../entities/activities.js';
import { contact, type LeadSource } from '../entities/contacts.js';
import { lead } from '../entities/leads.js';
import { opportunity, USD_RATES } from '../entities/opportunities.js';
import { date, datetime } from '../format.js';
import { intId } from '../ids.js';
import { MINUTE } from '../moments.js';
import { hash32, rngFor, tagOf, unit } from '../random.js';
import { filteredPlan, indexedPlan, streamPlan, type ObjectPlan } from '../shape.js';
import { logins, type StaffUser } from '../staff.js';
import { fit, suiteId, suiteRef } from './suitecrm-ids.js';

/** SuiteCRM's lead_source_dom values for each source. */
export const SUITE_SOURCES: Record<LeadSource, string> = {
  web: 'Web Site',
  phone: 'Cold Call',
  referral: 'Partner',
  list: 'Direct Mail',
  trade_show: 'Trade Show',
  email: 'Email',
  word_of_mouth: 'Word of mouth',
  other: 'Other',
};

const ACCOUNT_TYPES: Record<CoreAccount['type'], string> = {
  prospect: 'Prospect',
  customer: 'Customer',
  channel: 'Reseller',
  partner: 'Partner',
  competitor: 'Competitor',
  other: 'Other',
};

/** Non-base currencies; US dollars are SuiteCRM's base currency `-99`, which has no row. */
export const SUITE_CURRENCIES = [
  ['EUR', 'Euro', '€'],
  ['GBP', 'British Pound', '£'],
  ['JPY', 'Japanese Yen', '¥'],
  ['PLN', 'Polish Złoty', 'zł'],
  ['BRL', 'Brazilian Real', 'R$'],
  ['INR', 'Indian Rupee', '₹'],
] as const;

/** The currency id of an ISO code. */
export function currencyId(context: GenerationContext, iso: string): string {
  const k = SUITE_CURRENCIES.findIndex(([code]) => code === iso);
  return k < 0 ? '-99' : suiteId(context, 'currencies', k);
}

const T_TRACKER = tagOf('suitecrm.tracker');
const T_CSTM = tagOf('suitecrm.cstm');
const T_SESSION = tagOf('suitecrm.session');

/** A fake bcrypt hash: what SuiteCRM stores, and never a real password. */
function fakeHash(context: GenerationContext, u: number): string {
  const alphabet = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '$2y$10$';
  for (let k = 0; k < 53; k += 1) out += alphabet.charAt(hash32(context.base, T_SESSION, u, k + 10) % 64);
  return out;
}

function userRow(context: GenerationContext, user: StaffUser): WriteRecord {
  const creator = user.index === 0 ? null : suiteId(context, 'users', 0);
  return {
    id: suiteId(context, 'users', user.index),
    values: {
      user_name: user.username,
      user_hash: fakeHash(context, user.index),
      system_generated_password: false,
      pwd_last_changed: datetime(user.updatedAt),
      sugar_login: true,
      first_name: user.person.first,
      last_name: user.person.last,
      is_admin: user.isAdmin,
      external_auth_only: false,
      receive_notifications: true,
      description: null,
      date_entered: datetime(user.createdAt),
      date_modified: datetime(user.updatedAt),
      modified_user_id: creator,
      created_by: creator,
      title: user.title,
      department: user.department,
      phone_work: null,
      phone_mobile: null,
      email1: user.email,
      status: user.status === 'active' ? 'Active' : 'Inactive',
      address_city: user.person.culture.cities[0]?.[0] ?? null,
      address_country: user.person.culture.countries[0]?.[0] ?? null,
      employee_status: user.status === 'inactive' ? (user.index % 4 === 0 ? 'Leave of Absence' : 'Terminated') : 'Active',
      reports_to_id: suiteRef(context, 'users', user.manager),
      portal_only: false,
      show_on_employees: true,
      is_group: false,
      deleted: false,
    },
  };
}

const MODULES = [
  ['Accounts', 'accounts'],
  ['Contacts', 'contacts'],
  ['Leads', 'leads'],
  ['Opportunities', 'opportunities'],
] as const;

/** Tracker rows after a login: records the user looked at, edited and saved. */
function actionsAfter(context: GenerationContext, ordinal: number): number {
  return context.counts.accounts > 0 ? hash32(context.base, T_TRACKER, ordinal) % 5 : 0;
}

function itemSummary(context: GenerationContext, module: (typeof MODULES)[number][1], index: number): string | null {
  switch (module) {
    case 'accounts':
      return fit(accountName(context, index).name, 255);
    case 'contacts':
      return contact(context, index).person.full;
    case 'leads':
      return lead(context, index).person.full;
    case 'opportunities':
      return fit(opportunity(context, index).name, 255);
  }
}

/** A PHP session id: 26 characters of [0-9a-v]. */
function sessionId(context: GenerationContext, ordinal: number): string {
  let id = '';
  for (let k = 0; k < 26; k += 1) id += (hash32(context.base, T_SESSION ^ 0x51, ordinal, k) % 32).toString(32);
  return id;
}

function* trackerRows(context: GenerationContext): Generator<WriteRecord> {
  let id = 0;
  let ordinal = 0;
  for (const login of logins(context.base, context.staff, context.asOf)) {
    if (!login.success) continue;
    const user = context.staff[login.user] as StaffUser;
    const userId = suiteId(context, 'users', login.user);
    const session = sessionId(context, ordinal);
    const row = (module: string, itemId: string, summary: string | null, at: number, action: string): WriteRecord => ({
      id: intId(id),
      values: {
        monitor_id: suiteId(context, 'tracker.monitor', id++),
        user_id: userId,
        module_name: module,
        item_id: itemId,
        item_summary: summary,
        date_modified: datetime(at),
        action,
        session_id: session,
        visible: action !== 'login' && action !== 'save',
        deleted: false,
      },
    });
    yield row('Users', userId, user.person.full, login.at, 'login');
    const rng = rngFor(context.base, T_TRACKER, ordinal);
    let at = login.at;
    for (let k = 0, n = actionsAfter(context, ordinal); k < n; k += 1) {
      const candidates = MODULES.filter(([, table]) => context.counts[table] > 0);
      const [module, table] = rng.pick(candidates);
      const index = rng.int(context.counts[table]);
      at = Math.min(context.asOf - 1000, at + rng.between(1, 15) * MINUTE);
      const action = rng.weighted([['detailview', 60], ['editview', 20], ['save', 20]]);
      yield row(module, suiteId(context, table, index), itemSummary(context, table, index), at, action);
    }
    ordinal += 1;
  }
}

function trackerTotal(context: GenerationContext): number {
  let total = 0;
  let ordinal = 0;
  for (const login of logins(context.base, context.staff, context.asOf)) {
    if (!login.success) continue;
    total += 1 + actionsAfter(context, ordinal);
    ordinal += 1;
  }
  return total;
}

/** SuiteCRM's free-text annual revenue, typed in many ways. */
function revenueText(value: number | null, pick: number): string | null {
  if (value === null) return null;
  switch (pick % 5) {
    case 0:
      return value.toLocaleString('en-US');
    case 1:
      return `$${(value / 1e6).toFixed(1)}M`;
    case 2:
      return String(value);
    case 3:
      return `${(value / 1e6).toLocaleString('de-DE', { maximumFractionDigits: 1 })} Mio. €`;
    default:
      return `~${Math.round(value / 1e6)}M`;
  }
}

function employeesText(value: number | null, pick: number): string | null {
  if (value === null) return null;
  if (pick % 3 !== 0) return String(value).slice(0, 10);
  const bands = [10, 50, 200, 1000, 5000];
  const upper = bands.find((band) => value <= band);
  return upper === undefined ? '5000+' : `${[1, 11, 51, 201, 1001][bands.indexOf(upper)]}-${upper}`;
}

/** Audit columns every bean has. */
export function beanStamps(context: GenerationContext, stamps: Stamps): Record<'date_entered' | 'date_modified' | 'modified_user_id' | 'created_by', string | null> {
  return {
    date_entered: datetime(stamps.createdAt),
    date_modified: datetime(stamps.updatedAt),
    modified_user_id: suiteId(context, 'users', stamps.updatedBy),
    created_by: suiteId(context, 'users', stamps.createdBy),
  };
}

/** The users, tracker, currencies, accounts and contacts tables to fill. */
export function suitecrmPeoplePlans(context: GenerationContext): ObjectPlan[] {
  const { counts, staff } = context;
  const hasCstm = (i: number, lane: number): boolean => unit(context.base, T_CSTM, i, lane) < (lane === 0 ? 0.7 : 0.5);
  return [
    indexedPlan('users', staff.length, (u) => userRow(context, staff[u] as StaffUser), 'deleted'),
    streamPlan('tracker', trackerTotal(context), () => trackerRows(context), 'deleted'),
    indexedPlan('currencies', counts.accounts > 0 ? SUITE_CURRENCIES.length : 0, (k) => {
      const [iso, name, symbol] = SUITE_CURRENCIES[k] as (typeof SUITE_CURRENCIES)[number];
      const created = context.staff[0]?.createdAt ?? context.asOf;
      return {
        id: suiteId(context, 'currencies', k),
        values: { name, symbol, iso4217: iso, conversion_rate: Math.round((1 / (USD_RATES[iso] ?? 1)) * 1e6) / 1e6, status: 'Active', deleted: false, date_entered: datetime(created), date_modified: datetime(created), created_by: '1' },
      };
    }),
    indexedPlan(
      'accounts',
      counts.accounts,
      (i) => {
        const a = account(context, i);
        return {
          id: suiteId(context, 'accounts', i),
          values: {
            name: fit(a.name, 150),
            ...beanStamps(context, a),
            description: a.description,
            deleted: a.deleted,
            assigned_user_id: suiteId(context, 'users', a.owner),
            account_type: ACCOUNT_TYPES[a.type],
            industry: a.industry,
            annual_revenue: revenueText(a.annualRevenue, i),
            phone_fax: a.fax,
            billing_address_street: fit(a.billing.street, 150),
            billing_address_city: a.billing.city,
            billing_address_state: a.billing.state,
            billing_address_postalcode: a.billing.postalCode,
            billing_address_country: a.billing.country,
            rating: a.rating,
            phone_office: a.phone,
            phone_alternate: null,
            website: a.website,
            ownership: a.type === 'customer' && i % 7 === 0 ? 'Public' : null,
            employees: employeesText(a.employees, i),
            ticker_symbol: null,
            shipping_address_city: i % 4 === 0 ? a.billing.city : null,
            shipping_address_country: i % 4 === 0 ? a.billing.country : null,
            parent_id: suiteRef(context, 'accounts', a.parent),
            sic_code: null,
            campaign_id: null,
          },
        };
      },
      'deleted',
    ),
    filteredPlan('accounts_cstm', counts.accounts, (i) => hasCstm(i, 0), (i) => {
      const a = account(context, i);
      const located = a.latitude !== null;
      return {
        id: suiteId(context, 'accounts', i),
        values: {
          jjwg_maps_lng_c: a.longitude,
          jjwg_maps_lat_c: a.latitude,
          jjwg_maps_geocode_status_c: located ? 'OK' : a.billing.city === null ? null : 'ZERO_RESULTS',
          jjwg_maps_address_c: located ? fit([a.billing.street, a.billing.city, a.billing.country].filter(Boolean).join(', '), 255) : null,
          customer_tier_c: a.tier,
        },
      };
    }),
    indexedPlan(
      'contacts',
      counts.contacts,
      (i) => {
        const c = contact(context, i);
        return {
          id: suiteId(context, 'contacts', i),
          values: {
            ...beanStamps(context, c),
            description: c.description,
            deleted: c.deleted,
            assigned_user_id: suiteId(context, 'users', c.owner),
            salutation: c.salutation,
            first_name: c.person.first,
            last_name: c.person.last,
            title: c.title,
            department: c.department,
            do_not_call: c.doNotCall,
            phone_home: null,
            phone_mobile: c.mobile,
            phone_work: c.phone,
            phone_other: null,
            phone_fax: null,
            lead_source: c.leadSource === null ? null : SUITE_SOURCES[c.leadSource],
            primary_address_street: fit(c.mailing.street, 150),
            primary_address_city: c.mailing.city,
            primary_address_state: c.mailing.state,
            primary_address_postalcode: c.mailing.postalCode,
            primary_address_country: c.mailing.country,
            assistant: null,
            birthdate: date(c.birthdate),
            reports_to_id: suiteRef(context, 'contacts', c.reportsTo),
            campaign_id: null,
            alt_address_city: null,
            alt_address_country: null,
          },
        };
      },
      'deleted',
    ),
    filteredPlan('contacts_cstm', counts.contacts, (i) => hasCstm(i, 1), (i) => {
      const c = contact(context, i);
      return {
        id: suiteId(context, 'contacts', i),
        values: { jjwg_maps_lng_c: null, jjwg_maps_lat_c: null, jjwg_maps_geocode_status_c: null, preferred_language_c: c.preferredLanguage },
      };
    }),
  ];
}

/** Whether activity `i` is a call (SuiteCRM keeps calls and tasks in separate tables). */
export function isCall(context: GenerationContext, i: number): boolean {
  return activityKind(context, i) === 'call';
}
