/** transform() of compiled object mappings on the demo's real records: lookups, users, required fields, where, several errors at once. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../../src/connectors/contract.js';
import { compileMapping, type CompiledMapping, type CompiledObjectMapping, type ObjectMappingInput, type TransformContext } from '../../../src/core/mapping/index.js';
import { openDemo, readAll, type DemoSystems } from './demo-systems.js';

let demo: DemoSystems;
let records: Record<string, CrmRecord[]>;
beforeAll(async () => {
  demo = await openDemo(200, 5);
  records = {};
  for (const object of ['accounts', 'contacts', 'notes', 'activities']) records[object] = await readAll(demo.legacy, object);
});
afterAll(async () => demo?.cleanup());

function compiled(objects: ObjectMappingInput[], users: { fallback?: string } = {}): CompiledMapping {
  const result = compileMapping({ objects, users }, demo.source, demo.target, { source: 'legacy', target: 'salesforce' });
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  return result.mapping!;
}

const objectOf = (mapping: CompiledMapping, source: string): CompiledObjectMapping => mapping.objects.find((object) => object.source === source)!;

/** A ledger in a map: `migrated` holds `object:id` → target id. */
function context(migrated: Record<string, string>, failed: string[] = [], users: Record<string, string> = {}): TransformContext {
  return {
    targetIdOf: (object, id) => migrated[`${object}:${id}`],
    failed: (object, id) => failed.includes(`${object}:${id}`),
    userOf: (id) => users[id],
  };
}

const ACCOUNTS: ObjectMappingInput = {
  source: 'accounts',
  target: 'Account',
  fields: { Name: 'name', ParentId: { from: 'parent_id', lookup: 'accounts' }, OwnerId: { from: 'owner_id', user: true } },
};
const CONTACTS: ObjectMappingInput = {
  source: 'contacts',
  target: 'Contact',
  fields: { LastName: 'last_name', AccountId: { from: 'account_id', lookup: 'accounts' }, ReportsToId: { from: 'reports_to_id', lookup: 'contacts' } },
};

describe('transform', () => {
  it('resolves lookups and users through the context', () => {
    const accounts = objectOf(compiled([ACCOUNTS]), 'accounts');
    const child = records.accounts!.find((record) => record.values.parent_id !== null)!;
    const parent = String(child.values.parent_id);
    const owner = String(child.values.owner_id);
    expect(accounts.references(child)).toEqual([{ sourceObject: 'accounts', sourceId: parent }]);
    expect(accounts.users(child)).toEqual([owner]);
    expect(accounts.transform(child, context({ [`accounts:${parent}`]: '001000000000000AAA' }, [], { [owner]: '005000000000000AAA' }))).toEqual({
      ok: true,
      values: { Name: child.values.name, ParentId: '001000000000000AAA', OwnerId: '005000000000000AAA' },
      deferred: [],
    });
  });

  it('defers a reference to a record of the same object not migrated yet, and fails one whose parent failed', () => {
    const accounts = objectOf(compiled([ACCOUNTS], { fallback: '005000000000000FFF' }), 'accounts');
    const child = records.accounts!.find((record) => record.values.parent_id !== null)!;
    const result = accounts.transform(child, context({}));
    expect(result).toEqual({
      ok: true,
      values: { Name: child.values.name, ParentId: null, OwnerId: '005000000000000FFF' },
      deferred: [{ targetField: 'ParentId', sourceField: 'parent_id', sourceObject: 'accounts' }],
    });
    expect(accounts.transform(child, context({}, [`accounts:${child.values.parent_id}`]))).toEqual({
      ok: false,
      errors: [{ field: 'ParentId', rule: 'lookup', message: `reference to a parent that failed: accounts ${child.values.parent_id} was not migrated in this run` }],
    });
  });

  it('fails a reference to another object that is not migrated, and passes a null one', () => {
    const contacts = objectOf(compiled([ACCOUNTS, CONTACTS]), 'contacts');
    const linked = records.contacts!.find((record) => record.values.account_id !== null && record.values.reports_to_id === null)!;
    expect(contacts.transform(linked, context({}))).toEqual({
      ok: false,
      errors: [{ field: 'AccountId', rule: 'lookup', message: `accounts ${linked.values.account_id} is not migrated (filtered out by a where condition, soft-deleted, or missing from the source)` }],
    });
    const alone = { ...linked, values: { ...linked.values, account_id: null } };
    expect(contacts.references(alone)).toEqual([]);
    expect(contacts.transform(alone, context({}))).toEqual({ ok: true, values: { LastName: linked.values.last_name, AccountId: null, ReportsToId: null }, deferred: [] });
  });

  it('fails an owner with no target user and no fallback', () => {
    const accounts = objectOf(compiled([{ source: 'accounts', target: 'Account', fields: { Name: 'name', OwnerId: { from: 'owner_id', user: true } } }]), 'accounts');
    const record = records.accounts![0]!;
    expect(accounts.transform(record, context({}))).toEqual({
      ok: false,
      errors: [{ field: 'OwnerId', rule: 'user', message: `source user ${record.values.owner_id} has no target user (no user with the same email, not in mapping.users.table, and no mapping.users.fallback)` }],
    });
  });

  it('resolves polymorphic lookups by the type field, and first takes the first reference given', () => {
    const mapping = compiled([
      ACCOUNTS,
      CONTACTS,
      { source: 'notes', target: 'Note', fields: { Title: { value: 'n' }, ParentId: { from: 'related_id', lookup: { typeField: 'related_type', objects: { account: 'accounts', contact: 'contacts' } } } } },
      { source: 'leads', target: 'Lead', fields: { LastName: 'last_name', Company: 'company', Status: { value: 'Open - Not Contacted' } } },
      {
        source: 'activities',
        target: 'Task',
        fields: { Status: { value: 'Completed' }, Priority: { value: 'Normal' }, WhoId: { first: [{ from: 'contact_id', lookup: 'contacts' }, { from: 'lead_id', lookup: 'leads' }] } },
      },
    ]);
    const notes = objectOf(mapping, 'notes');
    const onAccount = records.notes!.find((record) => record.values.related_type === 'account')!;
    expect(notes.transform(onAccount, context({ [`accounts:${onAccount.values.related_id}`]: '001000000000000XYZ' }))).toMatchObject({ ok: true, values: { ParentId: '001000000000000XYZ' } });
    const onLead = records.notes!.find((record) => record.values.related_type === 'lead')!;
    expect(notes.references(onLead)).toEqual([]);
    expect(notes.transform(onLead, context({}))).toEqual({ ok: false, errors: [{ field: 'ParentId', rule: 'lookup', message: 'related_type is "lead", which lookup.objects does not name' }] });

    const tasks = objectOf(mapping, 'activities');
    const withContact = records.activities!.find((record) => record.values.contact_id !== null)!;
    const both: CrmRecord = { ...withContact, values: { ...withContact.values, lead_id: 4 } };
    const ledger = { [`contacts:${both.values.contact_id}`]: '003000000000000AAA', 'leads:4': '00Q000000000000AAA' };
    expect(tasks.references(both)).toEqual([
      { sourceObject: 'contacts', sourceId: String(both.values.contact_id) },
      { sourceObject: 'leads', sourceId: '4' },
    ]);
    expect(tasks.transform(both, context(ledger))).toMatchObject({ ok: true, values: { WhoId: '003000000000000AAA' } });
    expect(tasks.transform({ ...both, values: { ...both.values, contact_id: null } }, context(ledger))).toMatchObject({ ok: true, values: { WhoId: '00Q000000000000AAA' } });
    // A reference that is given but not migrated fails; first does not fall back to the next alternative.
    expect(tasks.transform(both, context({ 'leads:4': '00Q000000000000AAA' }))).toMatchObject({ ok: false, errors: [{ field: 'WhoId', rule: 'lookup' }] });
  });

  it('checks required fields, lengths and maps per record, reporting every failing field at once', () => {
    const accounts = objectOf(
      compiled([
        {
          source: 'accounts',
          target: 'Account',
          fields: {
            Name: { from: 'website', required: true },
            Phone: { from: 'description', truncate: false },
            Fax: { from: 'description', truncate: true },
            Customer_Tier__c: { from: 'billing_city', map: { Berlin: 'Gold' } },
          },
        },
      ]),
      'accounts',
    );
    const base = records.accounts![0]!;
    const record = { ...base, values: { ...base.values, website: null, description: 'x'.repeat(50), billing_city: 'Paris' } };
    expect(accounts.transform(record, context({}))).toEqual({
      ok: false,
      errors: [
        { field: 'Name', rule: 'required', message: 'no value, and the rule is marked required' },
        { field: 'Phone', rule: 'length', message: '50 characters; Phone holds at most 40 (truncate: true cuts it)' },
        { field: 'Customer_Tier__c', rule: 'map', message: 'no mapping for the value "Paris" (add it to map, or give otherwise)' },
      ],
    });
    const fine = { ...base, values: { ...base.values, website: 'acme.example', description: 'x'.repeat(40), billing_city: 'Berlin' } };
    expect(accounts.transform(fine, context({}))).toEqual({ ok: true, values: { Name: 'acme.example', Phone: 'x'.repeat(40), Fax: 'x'.repeat(40), Customer_Tier__c: 'Gold' }, deferred: [] });
  });

  it('fails null in a required target field, and leaves it out where the target has a default', () => {
    const contacts = objectOf(compiled([{ source: 'contacts', target: 'Contact', fields: { LastName: 'first_name', DoNotCall: { from: 'email', map: {}, otherwise: null } } }]), 'contacts');
    const record = records.contacts![0]!;
    const result = contacts.transform({ ...record, values: { ...record.values, first_name: null } }, context({}));
    expect(result).toEqual({ ok: false, errors: [{ field: 'LastName', rule: 'required', message: 'no value, and Contact.LastName is required (add a default)' }] });
    const named = contacts.transform({ ...record, values: { ...record.values, first_name: 'Ada' } }, context({}));
    // DoNotCall is NOT NULL with a default: a null is left out so that the database fills it.
    expect(named).toEqual({ ok: true, values: { LastName: 'Ada' }, deferred: [] });
  });

  it('takes only the records the where condition accepts, and lists the fields it reads', () => {
    const accounts = objectOf(compiled([{ ...ACCOUNTS, where: { any: [{ field: 'rating', equals: 'Hot' }, { all: [{ field: 'employees', after: 1000 }, { not: { field: 'country', isNull: true } }] }] } }]), 'accounts');
    expect(accounts.sourceFields.sort()).toEqual(['country', 'deleted', 'employees', 'id', 'name', 'owner_id', 'parent_id', 'rating']);
    for (const record of records.accounts!) {
      const { rating, employees, country } = record.values;
      const expected = rating === 'Hot' || ((employees as number | null) !== null && (employees as number) > 1000 && country !== null);
      expect(accounts.accepts(record)).toBe(expected);
    }
  });
});
