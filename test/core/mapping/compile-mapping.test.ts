/** Every problem compileMapping reports, with its plan path, against the demo's real SQLite databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMapping, type MappingInput, type MappingProblem, type ObjectMappingInput } from '../../../src/core/mapping/index.js';
import { openDemo, type DemoSystems } from './demo-systems.js';

let demo: DemoSystems;
beforeAll(async () => {
  demo = await openDemo(100, 3);
});
afterAll(async () => demo?.cleanup());

const names = { source: 'legacy', target: 'salesforce' };
/** Required fields of the demo's targets, so that a test only shows the problem it is about. */
const ACCOUNT = { Name: 'name' };
const OPPORTUNITY = { Name: 'name', StageName: { value: 'Prospecting' }, CloseDate: 'close_date' };

function compile(objects: ObjectMappingInput[], more: Partial<MappingInput> = {}) {
  return compileMapping({ objects, ...more }, demo.source, demo.target, names);
}

/** The problems as `severity path: message`, for short assertions. */
function problems(objects: ObjectMappingInput[], more: Partial<MappingInput> = {}): string[] {
  return compile(objects, more).problems.map((p: MappingProblem) => `${p.severity} ${p.path.join('.')}: ${p.message}`);
}

describe('compileMapping', () => {
  it('compiles a correct mapping with no problem', () => {
    const result = compile([{ source: 'accounts', target: 'Account', fields: { ...ACCOUNT, Rating: 'rating' } }]);
    expect(result.problems).toEqual([]);
    expect(result.mapping?.objects[0]).toMatchObject({ source: 'accounts', target: 'Account', path: ['mapping', 'objects', 0], lookups: [] });
    expect(result.mapping?.objects[0]?.sourceFields.sort()).toEqual(['deleted', 'id', 'name', 'rating']);
  });

  it('reports unknown objects and fields, with near names', () => {
    const result = compile([
      { source: 'acounts', target: 'Account', fields: ACCOUNT },
      { source: 'accounts', target: 'Acount', fields: ACCOUNT },
      { source: 'accounts', target: 'Account', fields: { Name: 'nmae', Phonee: 'phone', Fax: { from: ['fax', 'faxx'] } } },
    ]);
    expect(result.mapping).toBeUndefined();
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { severity: 'error', path: ['mapping', 'objects', 0, 'source'], message: 'legacy has no object "acounts"', hint: 'did you mean accounts?' },
        { severity: 'error', path: ['mapping', 'objects', 1, 'target'], message: 'salesforce has no object "Acount"', hint: 'did you mean Account?' },
        { severity: 'error', path: ['mapping', 'objects', 2, 'fields', 'Name'], message: 'accounts has no field "nmae"', hint: 'did you mean name?' },
        { severity: 'error', path: ['mapping', 'objects', 2, 'fields', 'Phonee'], message: 'Account has no field "Phonee"', hint: 'did you mean Phone?' },
        { severity: 'error', path: ['mapping', 'objects', 2, 'fields', 'Fax', 'from', 1], message: 'accounts has no field "faxx"', hint: 'did you mean fax?' },
      ]),
    );
    // A field that is not there gives one problem, not a cascade.
    expect(result.problems.filter((p) => p.path.join('.') === 'mapping.objects.2.fields.Name')).toHaveLength(1);
  });

  it('reports types that do not go together without a conversion, saying which rule converts them', () => {
    const result = compile([
      {
        source: 'activities',
        target: 'Task',
        fields: {
          Status: { value: 'Completed' },
          Priority: { value: 'Normal' },
          CallDurationInSeconds: 'subject',
          ActivityDate: 'due_at',
          IsClosed: 'status',
          Subject: { from: 'duration_minutes', trim: true },
          Description: { from: 'subject', scale: 2 },
          TaskSubtype: { from: 'deleted', date: {} },
        },
      },
    ]);
    expect(result.problems).toEqual([
      { severity: 'error', path: ['mapping', 'objects', 0, 'fields', 'CallDurationInSeconds'], message: 'activities.subject (string) cannot go into Task.CallDurationInSeconds (integer) as it is', hint: 'add scale: 1 to read numbers written as text, or a map' },
      { severity: 'error', path: ['mapping', 'objects', 0, 'fields', 'ActivityDate'], message: 'activities.due_at (datetime) cannot go into Task.ActivityDate (date) as it is', hint: 'add a date rule, e.g. date: { timezone: UTC }' },
      { severity: 'error', path: ['mapping', 'objects', 0, 'fields', 'IsClosed'], message: 'activities.status (string) cannot go into Task.IsClosed (boolean) as it is', hint: 'add a map from the source values to target values, or give a constant with value:' },
      { severity: 'error', path: ['mapping', 'objects', 0, 'fields', 'Subject', 'trim'], message: 'trim works on text; the value here is integer' },
      { severity: 'error', path: ['mapping', 'objects', 0, 'fields', 'Description', 'scale'], message: 'scale gives a number; Task.Description is text' },
      { severity: 'error', path: ['mapping', 'objects', 0, 'fields', 'TaskSubtype', 'date'], message: 'date reads text, dates and datetimes; the value here is boolean' },
    ]);
    expect(problems([{ source: 'activities', target: 'Task', fields: { Status: { value: 'Completed' }, Priority: { value: 'Normal' }, IsClosed: { from: 'due_at', date: {} } } }])).toEqual([
      'error mapping.objects.0.fields.IsClosed.date: date writes dates, datetimes, times or text; Task.IsClosed is boolean',
    ]);
  });

  it('reports required target fields left unmapped, and rules that can give them null', () => {
    expect(problems([{ source: 'notes', target: 'Note', fields: { Body: 'body' } }])).toEqual(['error mapping.objects.0.fields: Note.Title is required (no null, no default) but not mapped']);
    const result = compile([{ source: 'notes', target: 'Note', fields: { Title: 'title' } }]);
    expect(result.problems).toEqual([
      {
        severity: 'warning',
        path: ['mapping', 'objects', 0, 'fields', 'Title'],
        message: 'Note.Title is required, but this rule can give null (then the record fails)',
        hint: 'add a default, e.g. default: "(none)"',
      },
    ]);
    expect(result.mapping).toBeDefined();
    expect(problems([{ source: 'notes', target: 'Note', fields: { Title: { from: 'title', default: '(untitled)' } } }])).toEqual([]);
  });

  it('reports picklist values with no place in the target', () => {
    const stage = (rule: object) => problems([{ source: 'opportunities', target: 'Opportunity', fields: { ...OPPORTUNITY, StageName: rule as never } }]);
    expect(stage({ from: 'stage' })).toEqual([
      'error mapping.objects.0.fields.StageName: "prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost" of opportunities.stage are not among the values of Opportunity.StageName ("Prospecting", "Qualification", "Needs Analysis", "Value Proposition", "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote", "Negotiation/Review", "Closed Won", "Closed Lost")',
    ]);
    expect(stage({ from: 'stage', case: 'title' })[0]).toMatch(/^error mapping\.objects\.0\.fields\.StageName: "qualification → Qualification"|"proposal → Proposal"/);
    expect(stage({ from: 'stage', map: { prospecting: 'Prospecting', qualification: 'Qualification', proposal: 'Proposal', negotiation: 'Negotiation/Review', closed_won: 'Closed Won', lost: 'Closed Lost' } })).toEqual([
      'error mapping.objects.0.fields.StageName.map.proposal: the map value "Proposal" is not a value of Opportunity.StageName',
      'error mapping.objects.0.fields.StageName.map: the value "closed_lost" of opportunities.stage has no mapping',
      'warning mapping.objects.0.fields.StageName.map.lost: "lost" is not a value of opportunities.stage ("prospecting", "qualification", "proposal", "negotiation", "closed_won", "closed_lost"), so this entry is never used',
    ]);
    expect(stage({ from: 'stage', map: { closed_won: 'Closed Won' }, otherwise: 'Prospecting' })).toEqual([]);
    expect(stage({ from: 'stage', map: { closed_won: 'Closed Won' }, otherwise: 'Open' })).toEqual(['error mapping.objects.0.fields.StageName.otherwise: otherwise "Open" is not a value of Opportunity.StageName']);
  });

  it('checks constants and defaults against the target field', () => {
    expect(problems([{ source: 'opportunities', target: 'Opportunity', fields: { ...OPPORTUNITY, IsClosed: { value: 'maybe' }, Amount: { from: 'amount', default: 'none' }, CurrencyIsoCode: { value: 'EURO' } } }])).toEqual([
      'error mapping.objects.0.fields.IsClosed.value: the constant "maybe" cannot go into IsClosed (boolean): expected true/false or 1/0',
      'error mapping.objects.0.fields.Amount.default: the default "none" cannot go into Amount (decimal): not a decimal: none',
      'error mapping.objects.0.fields.CurrencyIsoCode.value: the constant "EURO" is too long for Opportunity.CurrencyIsoCode: 4 characters; CurrencyIsoCode holds at most 3 (truncate: true cuts it)',
    ]);
  });

  it('reports lookups of objects that are not mapped, unknown or pointing at the wrong target', () => {
    const contacts = (fields: ObjectMappingInput['fields']): ObjectMappingInput => ({ source: 'contacts', target: 'Contact', fields: { LastName: 'last_name', ...fields } });
    expect(problems([contacts({ AccountId: { from: 'account_id', lookup: 'accounts' } })])).toEqual([
      'error mapping.objects.0.fields.AccountId.lookup: accounts is not mapped, so its records have no target ids to look up',
    ]);
    expect(problems([contacts({ AccountId: { from: 'account_id', lookup: 'acounts' } })])).toEqual(['error mapping.objects.0.fields.AccountId.lookup: the source has no object "acounts"']);
    expect(problems([contacts({ AccountId: { from: 'reports_to_id', lookup: 'contacts' } })])).toEqual([
      'error mapping.objects.0.fields.AccountId.lookup: Contact.AccountId points at Account, but contacts is mapped to Contact',
    ]);
    expect(problems([contacts({ Birthdate: { from: 'account_id', lookup: 'contacts' } })])).toEqual([
      'error mapping.objects.0.fields.Birthdate: Contact.Birthdate is date; lookup writes an id, so it needs an id, text or integer field',
    ]);
    expect(problems([contacts({ AccountId: 'account_id' }), { source: 'accounts', target: 'Account', fields: ACCOUNT }])).toEqual([
      'warning mapping.objects.0.fields.AccountId: contacts.account_id holds ids of accounts in the source; copied as they are they point nowhere in the target',
    ]);
  });

  it('checks polymorphic lookups', () => {
    const result = problems([
      { source: 'notes', target: 'Note', fields: { Title: { value: 'x' }, ParentId: { from: 'related_id', lookup: { typeField: 'related_type', objects: { account: 'accounts', contact: 'contacts' } } } } },
      { source: 'accounts', target: 'Account', fields: ACCOUNT },
    ]);
    expect(result).toEqual([
      'error mapping.objects.0.fields.ParentId.lookup.objects.contact: contacts is not mapped, so its records have no target ids to look up',
      'warning mapping.objects.0.fields.ParentId.lookup.objects: records whose related_type is "lead", "opportunity" would fail: no object is given for them',
    ]);
    expect(problems([{ source: 'notes', target: 'Note', fields: { Title: { value: 'x' }, ParentId: { from: 'related_id', lookup: { typeField: 'kind', objects: {} } } } }])).toEqual([
      'error mapping.objects.0.fields.ParentId.lookup.typeField: notes has no field "kind"',
    ]);
  });

  it('checks user rules', () => {
    expect(problems([{ source: 'accounts', target: 'Account', fields: { ...ACCOUNT, ParentId: { from: 'owner_id', user: true } } }])).toEqual([
      'error mapping.objects.0.fields.ParentId: Account.ParentId points at Account, not at the users (User)',
    ]);
    expect(problems([{ source: 'accounts', target: 'Account', fields: { ...ACCOUNT, OwnerId: 'owner_id' } }])).toEqual([
      'warning mapping.objects.0.fields.OwnerId: accounts.owner_id holds ids of users in the source; copied as they are they point nowhere in the target',
    ]);
  });

  it('refuses a reference that may wait for a second pass in a required field', () => {
    expect(problems([{ source: 'accounts', target: 'Account', fields: { Name: { from: 'parent_id', lookup: 'accounts', required: true } } }])).toEqual([
      'error mapping.objects.0.fields.Name: Account.Name is required, but it refers to accounts, the same object: such references may only be set in a second pass',
    ]);
  });

  it('checks where conditions', () => {
    const where = (condition: object) => problems([{ source: 'accounts', target: 'Account', fields: ACCOUNT, where: condition as never }]);
    expect(where({ field: 'rating', in: ['Hot', 'Warm'] })).toEqual([]);
    expect(where({ all: [{ field: 'ratng', equals: 'Hot' }, { any: [{ field: 'employees', after: 'many' }, { not: { field: 'name', before: 'x' } }] }] })).toEqual([
      'error mapping.objects.0.where.all.0.field: accounts has no field "ratng"',
      'error mapping.objects.0.where.all.1.any.0.after: "many" cannot be compared with accounts.employees (integer): not a decimal: many',
      'error mapping.objects.0.where.all.1.any.1.not.before: before compares dates, datetimes and numbers; accounts.name is string',
    ]);
    expect(where({ field: 'rating', equals: 'hot' })).toEqual(['warning mapping.objects.0.where.equals: "hot" is not a value of accounts.rating (Hot, Warm, Cold), so it never matches']);
    expect(where({ field: 'rating', equals: 'Hot', isNull: true })).toEqual(['error mapping.objects.0.where: equals, isNull exclude each other; give one per condition']);
  });

  it('checks which keys of a rule go together', () => {
    expect(problems([{ source: 'accounts', target: 'Account', fields: { ...ACCOUNT, Phone: { from: 'phone', value: 'x' }, Fax: { from: 'fax', concat: ' ' }, Website: { from: 'website', lookup: 'accounts', trim: true } } }])).toEqual([
      'error mapping.objects.0.fields.Phone.value: from and value exclude each other; give one',
      'error mapping.objects.0.fields.Fax.concat: concat joins several fields: give from as a list',
      'error mapping.objects.0.fields.Website.trim: lookup takes the id as it is; it cannot be combined with trim',
    ]);
  });

  it('warns about a source object mapped twice without where conditions', () => {
    expect(problems([
      { source: 'accounts', target: 'Account', fields: ACCOUNT },
      { source: 'accounts', target: 'Account', fields: ACCOUNT },
    ])).toEqual(['warning mapping.objects.1.source: accounts is mapped 2 times (objects 0, 1); records every entry takes are migrated once per entry']);
  });
});
