/**
 * The mapping backwards: every rule kind on hand-made systems (copy, value
 * maps with otherwise and picklists, default, scale, dates in zones, trim and
 * case, concat, split, lists, users, lookups and polymorphic lookups,
 * alternatives, constants), the lossy cases with their reasons, the
 * changed-field rules for updated records, and a round trip over the demo's
 * real records: everything the reverse calls exact comes back as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmRecord } from '../../../src/connectors/contract.js';
import { compileMapping, matchUsers, type DescribedField, type DescribedObject, type DescribedSystem, type MappingInput, type TransformContext } from '../../../src/core/mapping/index.js';
import { compileReverseMapping, reverseRecord, sourceUsersByTarget, type ReverseContext, type ReverseObjectMapping } from '../../../src/core/mapping/reverse-mapping.js';
import { valuesEqual, type Value } from '../../../src/core/values.js';
import type { MappingConfig } from '../../../src/plan/mapping-schema.js';
import { openDemo, readAll, type DemoSystems } from './demo-systems.js';

const f = (name: string, type: DescribedField['type'], extra: Partial<DescribedField> = {}): DescribedField => ({ name, type, nullable: true, autoAssigned: false, ...extra });
const obj = (name: string, fields: DescribedField[], idField = fields[0]!.name): DescribedObject => ({ name, idField, fields });

const SOURCE: DescribedSystem = {
  usersObject: 'users',
  objects: [
    obj('users', [f('id', 'integer', { autoAssigned: true }), f('email', 'string')]),
    obj('companies', [f('id', 'integer', { autoAssigned: true }), f('name', 'string', { length: 100 })]),
    obj('people', [
      f('id', 'integer', { autoAssigned: true }),
      f('email', 'string', { length: 100 }),
      f('status', 'string', { nullable: false, picklistValues: ['new', 'working', 'nurturing', 'qualified', 'converted'] }),
      f('kind', 'string', { picklistValues: ['a', 'b', 'c'] }),
      f('title', 'string', { length: 20 }),
      f('minutes', 'integer'),
      f('amount', 'decimal', { precision: 12, scale: 2 }),
      f('born', 'date'),
      f('seen_at', 'datetime'),
      f('seen_text', 'string', { length: 30 }),
      f('local_at', 'datetime'),
      f('name', 'string', { length: 12 }),
      f('nickname', 'string', { length: 30 }),
      f('first', 'string', { length: 40 }),
      f('last', 'string', { length: 40 }),
      f('full', 'string', { length: 80 }),
      f('mobile', 'string'),
      f('phone', 'string'),
      f('owner_id', 'integer', { references: { object: 'users' } }),
      f('company_id', 'integer', { references: { object: 'companies' } }),
      f('partner_id', 'integer', { references: { object: 'people' } }),
      f('parent_type', 'string', { picklistValues: ['company', 'person'] }),
      f('parent_id', 'integer'),
      f('notes', 'text'),
      f('deleted', 'boolean', { nullable: false }),
    ]),
  ],
};

const TARGET: DescribedSystem = {
  usersObject: 'User',
  objects: [
    obj('User', [f('Id', 'id'), f('Email', 'string')]),
    obj('Company', [f('Id', 'id', { autoAssigned: true }), f('Name', 'string', { length: 100 })]),
    obj('Person', [
      f('Id', 'id', { autoAssigned: true }),
      f('Email', 'string', { length: 100 }),
      f('Status', 'string', { nullable: false, picklistValues: ['Open', 'Working', 'Closed', 'Archived'] }),
      f('IsConverted', 'boolean', { nullable: false }),
      f('Kind', 'string', { picklistValues: ['A', 'B', 'Other'] }),
      f('Title', 'string', { length: 20 }),
      f('Seconds', 'integer'),
      f('Cents', 'integer'),
      f('Born', 'date'),
      f('SeenAt', 'datetime'),
      f('SeenDay', 'date'),
      f('LocalAt', 'datetime'),
      f('Name', 'string', { length: 12 }),
      f('ShortName', 'string', { length: 10 }),
      f('FullName', 'string', { length: 81 }),
      f('Given', 'string', { length: 40 }),
      f('Family', 'string', { length: 80 }),
      f('Phone', 'string'),
      f('OwnerId', 'id', { references: { object: 'User' } }),
      f('CompanyId', 'id', { references: { object: 'Company' } }),
      f('RelatedId', 'id'),
      f('ParentId', 'id'),
      f('Origin', 'string'),
      f('IsDeleted', 'boolean', { nullable: false }),
    ]),
  ],
};

const MAPPING: MappingConfig = {
  users: { by: 'email', fallback: '005FALLBACK' },
  objects: [
    { source: 'companies', target: 'Company', fields: { Name: 'name' } },
    {
      source: 'people',
      target: 'Person',
      deleted: 'migrate',
      where: { field: 'kind', notEquals: 'b' },
      fields: {
        Email: 'email',
        Status: { from: 'status', map: { new: 'Open', working: 'Working', nurturing: 'Working', qualified: 'Working', converted: 'Closed' } },
        IsConverted: { from: 'status', map: { converted: true }, otherwise: false },
        Kind: { from: 'kind', map: { a: 'A', b: 'B' }, otherwise: 'Other' },
        Title: { from: 'title', default: '(none)' },
        Seconds: { from: 'minutes', scale: 60 },
        Cents: { from: 'amount', scale: 100 },
        Born: 'born',
        SeenAt: { from: 'seen_text', date: { timezone: 'Europe/Berlin', format: 'DD.MM.YYYY HH:mm' } },
        SeenDay: { from: 'seen_at', date: { timezone: 'America/New_York' } },
        LocalAt: { from: 'local_at', date: { timezone: 'Europe/Berlin', local: true } },
        Name: { from: 'name', trim: true, case: 'upper' },
        ShortName: { from: 'nickname', truncate: true },
        FullName: { from: ['first', 'last'], concat: ' ' },
        Given: { from: 'full', split: { separator: ' ', index: 0 } },
        Family: { from: 'full', split: { separator: ' ', index: 1, rest: true } },
        Phone: { from: ['mobile', 'phone'] },
        OwnerId: { from: 'owner_id', user: true },
        CompanyId: { from: 'company_id', lookup: 'companies' },
        RelatedId: { first: [{ from: 'partner_id', lookup: 'people' }, { from: 'company_id', lookup: 'companies' }] },
        ParentId: { from: 'parent_id', lookup: { typeField: 'parent_type', objects: { company: 'companies', person: 'people' } } },
        Origin: { value: 'legacy' },
        IsDeleted: 'deleted',
      },
    },
  ],
};

const reverse = compileReverseMapping(MAPPING, SOURCE, TARGET, { source: 'old', target: 'new' });
const people = reverse.objects.find((object) => object.source === 'people') as ReverseObjectMapping;

/** A ledger and user matching in maps: `migrated` is `TargetObject:targetId` → source record; `fresh` the target records created since go-live. */
function context(options: { migrated?: Record<string, [string, string]>; fresh?: string[]; users?: Record<string, string[]>; before?: Record<string, Value>; changed?: string[] } = {}): ReverseContext {
  const ctx: ReverseContext = {
    sourceOf: (object, id) => {
      const found = options.migrated?.[`${object}:${id}`];
      return found ? { sourceObject: found[0], sourceId: found[1] } : undefined;
    },
    isNew: (object, id) => options.fresh?.includes(`${object}:${id}`) ?? false,
    sourceUsersOf: (id) => options.users?.[id] ?? [],
  };
  if (options.before) ctx.before = { id: '1', deleted: false, values: options.before };
  if (options.changed) ctx.changed = new Set(options.changed);
  return ctx;
}

const PERSON: Record<string, Value> = {
  Id: '003A',
  Email: 'ada@example.com',
  Status: 'Open',
  IsConverted: false,
  Kind: 'A',
  Title: 'Countess',
  Seconds: 120,
  Cents: 12345,
  Born: '1815-12-10',
  SeenAt: '2024-03-01T10:30:00.000Z',
  SeenDay: '2024-03-01',
  LocalAt: '2024-07-01T08:00:00.000Z',
  Name: 'ADA',
  ShortName: 'Ada',
  FullName: 'Ada Lovelace',
  Given: 'Augusta',
  Family: 'Ada King',
  Phone: '+44 20 1234',
  OwnerId: '005ADA',
  CompanyId: '001C',
  RelatedId: '001C',
  ParentId: '001C',
  Origin: 'legacy',
  IsDeleted: false,
};
const LEDGER = { migrated: { 'Company:001C': ['companies', '7'] as [string, string] }, users: { '005ADA': ['3'] } };

const notesOf = (notes: Array<{ field: string; reason: string }>, field: string): string[] => notes.filter((note) => note.field === field).map((note) => note.reason);

describe('compileReverseMapping', () => {
  it('says how each source field is read back, and which fields no rule fills', () => {
    expect(reverse.objects.map((object) => `${object.source}→${object.target}`)).toEqual(['companies→Company', 'people→Person']);
    expect(people.idField).toBe('id');
    expect(people.unmapped).toEqual(['notes']);
    expect(people.fields).not.toContain('id');
    const plan = new Map(people.plan.map((entry) => [entry.field, entry]));
    expect(plan.get('email')).toEqual({ field: 'email', from: ['Email'], how: ['copy'] });
    expect(plan.get('status')).toEqual({ field: 'status', from: ['Status', 'IsConverted'], how: ['inverse map', 'inverse map'] });
    expect(plan.get('minutes')?.how).toEqual(['divide by 60']);
    expect(plan.get('company_id')).toEqual({ field: 'company_id', from: ['CompanyId', 'RelatedId'], how: ['source id through the id map', 'alternative 2 of first: source id through the id map'] });
    expect(plan.get('title')?.how[0]).toContain('default "(none)"');
    expect(people.affected(['FullName', 'Status'])).toEqual(['status', 'first', 'last']);
    expect(people.references(PERSON)).toEqual([
      { targetObjects: ['Company'], targetId: '001C' },
      { targetObjects: ['Person'], targetId: '001C' },
      { targetObjects: ['Company'], targetId: '001C' },
      { targetObjects: ['Company', 'Person'], targetId: '001C' },
    ]);
    expect(people.users(PERSON)).toEqual(['005ADA']);
    expect(people.accepts({ kind: 'b' })).toBe(false);
    expect(people.accepts({ kind: 'c' })).toBe(true);
  });
});

describe('reverse: every rule kind', () => {
  it('gives a whole record back: copies, maps, scale, dates, text rules, concat, split, lists, users and lookups', () => {
    const result = reverseRecord(people, { values: PERSON }, context(LEDGER));
    expect(result.values).toEqual({
      email: 'ada@example.com',
      status: 'new',
      kind: 'a',
      title: 'Countess',
      minutes: 2,
      amount: '123.45',
      born: '1815-12-10',
      // 10:30 UTC is 11:30 in Berlin, written in the source's pattern.
      seen_text: '01.03.2024 11:30',
      // The day in New York, at midnight there.
      seen_at: '2024-03-01T05:00:00.000Z',
      // Wall-clock time in Berlin stored as if UTC: 08:00 UTC is 10:00 in Berlin in summer.
      local_at: '2024-07-01T10:00:00.000Z',
      name: 'ADA',
      nickname: 'Ada',
      first: 'Ada',
      last: 'Lovelace',
      full: 'Augusta Ada King',
      mobile: '+44 20 1234',
      owner_id: 3,
      company_id: 7,
      partner_id: null,
      parent_id: 7,
      parent_type: 'company',
      deleted: false,
    });
    expect(result.lossy).toEqual([]);
    expect(result.links).toEqual([]);
    expect(notesOf(result.approximate, 'seen_at')).toEqual(['SeenDay holds only the day "2024-03-01": the time is midnight in America/New_York']);
    expect(notesOf(result.approximate, 'name')).toEqual([
      'Name is made upper case: the source\'s letter case is not known, the target\'s is kept',
      'Name is trimmed: white space around the source value is not known',
    ]);
    expect(notesOf(result.approximate, 'mobile')).toEqual(['Phone "+44 20 1234" is the first of mobile, phone that is not empty: it goes back to mobile']);
    expect(result.approximate.map((note) => note.field).sort()).toEqual(['mobile', 'name', 'name', 'seen_at']);
  });

  it('reports a value several source values map to, and narrows it with the other fields that read the same source field', () => {
    const working = people.reverse({ ...PERSON, Status: 'Working' }, context(LEDGER));
    expect(working.values).not.toHaveProperty('status');
    expect(notesOf(working.lossy, 'status')).toEqual(['Status "Working" maps back to "working", "nurturing" or "qualified"']);
    // Closed is only converted; IsConverted true agrees.
    expect(people.reverse({ ...PERSON, Status: 'Closed', IsConverted: true }, context(LEDGER)).values.status).toBe('converted');
  });

  it('reports a picklist value added in the target that no source value maps to', () => {
    const result = people.reverse({ ...PERSON, Status: 'Archived' }, context(LEDGER));
    expect(result.values).not.toHaveProperty('status');
    expect(notesOf(result.lossy, 'status')).toEqual(['Status "Archived" is not a value the map gives (a value added in the target?): no source value becomes it']);
  });

  it('reads otherwise back through the source picklist: the only value the map does not list', () => {
    expect(people.reverse({ ...PERSON, Kind: 'Other' }, context(LEDGER)).values.kind).toBe('c');
    expect(people.reverse({ ...PERSON, Kind: null }, context(LEDGER)).values.kind).toBeNull();
  });

  it('reports conflicting target fields, keeping the strongest', () => {
    const result = people.reverse({ ...PERSON, Status: 'Closed', IsConverted: false }, context(LEDGER));
    expect(result.values.status).toBe('converted');
    expect(notesOf(result.lossy, 'status')).toEqual([
      'Status gives "converted", but IsConverted false is what every value the map does not list becomes (otherwise): status holds one value, "converted" is kept',
    ]);
  });

  it('is lossy when the target holds the default, and exact otherwise', () => {
    const result = people.reverse({ ...PERSON, Title: '(none)' }, context(LEDGER));
    expect(result.values).not.toHaveProperty('title');
    expect(notesOf(result.lossy, 'title')).toEqual(['Title holds the default "(none)": title was "(none)" or empty']);
    expect(people.reverse({ ...PERSON, Title: null }, context(LEDGER)).values.title).toBeNull();
  });

  it('divides scaled numbers, and reports a quotient the source field cannot hold', () => {
    const result = people.reverse({ ...PERSON, Seconds: 90, Cents: 5 }, context(LEDGER));
    expect(result.values).not.toHaveProperty('minutes');
    expect(notesOf(result.lossy, 'minutes')).toEqual(['Seconds 90 cannot go back into minutes: "1.5" cannot go into minutes (integer): not a whole number (scale: 1 rounds it)']);
    expect(result.values.amount).toBe('0.05');
  });

  it('cuts text the source cannot hold, lossy, and notes text at the target length limit', () => {
    const result = people.reverse({ ...PERSON, Name: 'ADA LOVELACE KING', ShortName: 'Ada Augus.' }, context(LEDGER));
    expect(result.values.name).toBe('ADA LOVELACE');
    expect(notesOf(result.lossy, 'name')).toEqual(['"ADA LOVELACE KING" is longer than name holds (12 characters): cut to fit']);
    expect(result.values.nickname).toBe('Ada Augus.');
    expect(notesOf(result.approximate, 'nickname')).toEqual(['ShortName "Ada Augus." fills ShortName\'s 10 characters: the source text may have been longer (truncate)']);
  });

  it('splits a concat back only when the parts tell which field is which', () => {
    const one = people.reverse({ ...PERSON, FullName: 'Cher' }, context(LEDGER));
    expect(one.values).not.toHaveProperty('first');
    expect(notesOf(one.lossy, 'last')).toEqual(['FullName "Cher" joins first, last with " " but has 1 part(s) for 2 fields: which part is which cannot be told']);
    // A migrated record's fields keep their places: the one that was empty stays empty.
    const migrated = people.reverse({ ...PERSON, FullName: 'Sherilyn' }, context({ ...LEDGER, before: { first: null, last: 'Cher' } }));
    expect(migrated.values).toMatchObject({ first: null, last: 'Sherilyn' });
    expect(people.reverse({ ...PERSON, FullName: null }, context(LEDGER)).values).toMatchObject({ first: null, last: null });
  });

  it('joins split parts back, over the text the source had when it had one', () => {
    expect(people.reverse({ ...PERSON, Given: 'Ada', Family: null }, context(LEDGER)).values.full).toBe('Ada');
    const edited = people.reverse({ ...PERSON, Given: 'Augusta', Family: 'Byron' }, context({ ...LEDGER, before: { full: 'Augusta Ada King' }, changed: ['Family'] }));
    expect(edited.values).toEqual({ full: 'Augusta Byron' });
  });

  it('turns target users into the source user matched to them, and reports target users with none or several', () => {
    const users = { '005ADA': ['3'], '005TWO': ['4', '5'] };
    expect(people.reverse(PERSON, context({ ...LEDGER, users })).values.owner_id).toBe(3);
    const two = people.reverse({ ...PERSON, OwnerId: '005TWO' }, context({ ...LEDGER, users }));
    expect(two.values).not.toHaveProperty('owner_id');
    expect(notesOf(two.lossy, 'owner_id')).toEqual(['OwnerId 005TWO is the target user of the source users "4" or "5"']);
    const fallback = people.reverse({ ...PERSON, OwnerId: '005FALLBACK' }, { ...context({ ...LEDGER, users }), userLabel: () => 'boss@example.com' });
    expect(notesOf(fallback.lossy, 'owner_id')).toEqual(['OwnerId boss@example.com (005FALLBACK) (the fallback user, mapping.users.fallback) is a target user no source user is matched to']);
  });

  it('reverses the user matching itself', () => {
    const match = matchUsers({ by: 'email', table: { '9': 'T2' } }, [
      { id: '1', email: 'a@x' },
      { id: '2', email: 'B@x' },
      { id: '9', email: null },
    ], [
      { id: 'T1', email: 'a@x' },
      { id: 'T2', email: 'b@x' },
    ]);
    const back = sourceUsersByTarget(match.targets);
    expect(back('T1')).toEqual(['1']);
    expect(back('T2')).toEqual(['2', '9']);
    expect(back('T3')).toEqual([]);
  });

  it('links references to records created since go-live instead of a source id, and reports references to records it cannot place', () => {
    const fresh = people.reverse({ ...PERSON, CompanyId: '001NEW', RelatedId: '003NEW', ParentId: '003NEW' }, context({ ...LEDGER, fresh: ['Company:001NEW', 'Person:003NEW'] }));
    expect(fresh.links).toEqual([
      { field: 'company_id', targetObject: 'Company', targetId: '001NEW', sourceObject: 'companies' },
      { field: 'partner_id', targetObject: 'Person', targetId: '003NEW', sourceObject: 'people' },
      { field: 'parent_id', targetObject: 'Person', targetId: '003NEW', sourceObject: 'people' },
    ]);
    expect(fresh.values).not.toHaveProperty('company_id');
    expect(fresh.values.parent_type).toBe('person');
    expect(fresh.lossy).toEqual([]);

    const unknown = people.reverse({ ...PERSON, CompanyId: '001OLD', RelatedId: '001OLD' }, context(LEDGER));
    expect(unknown.values).not.toHaveProperty('company_id');
    expect(notesOf(unknown.lossy, 'company_id')).toEqual(['CompanyId "001OLD" is neither a migrated record nor one created since go-live (it was in the target before the migration, or it is gone)']);
  });

  it('takes the first alternative that explains a reference, the ones before it empty; a disagreeing field is reported', () => {
    const partner = people.reverse({ ...PERSON, RelatedId: '003P' }, context({ migrated: { ...LEDGER.migrated, 'Person:003P': ['people', '12'] }, users: LEDGER.users }));
    expect(partner.values).toMatchObject({ partner_id: 12, company_id: 7 });
    const company = people.reverse({ ...PERSON, RelatedId: '001D' }, context({ migrated: { ...LEDGER.migrated, 'Company:001D': ['companies', '8'] }, users: LEDGER.users }));
    expect(company.values).toMatchObject({ partner_id: null, company_id: 7 });
    expect(notesOf(company.lossy, 'company_id')).toEqual(['CompanyId gives 7, but RelatedId gives 8: company_id holds one value, 7 is kept']);
  });

  it('reads dates back from text in a pattern, from a datetime a date went into, and not from a time of day', () => {
    const source: DescribedSystem = { objects: [obj('events', [f('id', 'integer'), f('at', 'datetime'), f('day', 'date'), f('other_at', 'datetime')])] };
    const target: DescribedSystem = { objects: [obj('Event', [f('Id', 'id'), f('Text', 'string'), f('When', 'datetime'), f('Clock', 'time')])] };
    const events = compileReverseMapping(
      {
        objects: [
          {
            source: 'events',
            target: 'Event',
            fields: { Text: { from: 'at', date: { timezone: 'Europe/Berlin', output: 'DD.MM.YYYY HH:mm' } }, When: 'day', Clock: { from: 'other_at', date: { timezone: 'UTC' } } },
          },
        ],
      },
      source,
      target,
    ).objects[0]!;
    const exact = events.reverse({ Text: '01.03.2024 11:30', When: '2024-03-01T00:00:00.000Z', Clock: '10:30:00' }, context());
    expect(exact.values).toEqual({ at: '2024-03-01T10:30:00.000Z', day: '2024-03-01' });
    expect(exact.approximate).toEqual([]);
    expect(notesOf(exact.lossy, 'other_at')).toEqual(['Clock "10:30:00" holds only a time of day; the date is not in the target']);
    const timed = events.reverse({ Text: null, When: '2024-03-01T09:15:00.000Z', Clock: null }, context());
    expect(timed.values).toEqual({ at: null, day: '2024-03-01', other_at: null });
    expect(notesOf(timed.approximate, 'day')).toEqual(['the time of day of "2024-03-01T09:15:00.000Z" is dropped: day holds a date']);
  });

  it('leaves constants and fields no rule reads unset', () => {
    const result = people.reverse(PERSON, context(LEDGER));
    expect(result.values).not.toHaveProperty('notes');
    expect(result.values).not.toHaveProperty('id');
  });
});

describe('reverse: updated records', () => {
  it('gives only the source fields the changed target fields read, from the changed ones first', () => {
    const before = { status: 'new', first: 'Ada', last: 'Lovelace' };
    const result = people.reverse({ ...PERSON, FullName: 'Ada Byron' }, context({ ...LEDGER, before, changed: ['FullName'] }));
    expect(result.values).toEqual({ first: 'Ada', last: 'Byron' });
    expect(result.lossy).toEqual([]);
  });

  it('reports a changed field that disagrees with an unchanged one reading the same source field, keeping the change', () => {
    const result = people.reverse({ ...PERSON, Status: 'Closed', IsConverted: false }, context({ ...LEDGER, before: { status: 'new' }, changed: ['Status'] }));
    expect(result.values).toEqual({ status: 'converted' });
    expect(notesOf(result.lossy, 'status')[0]).toMatch(/^Status gives "converted", but IsConverted false is what/);
  });

  it('lets an unchanged field narrow an ambiguous change', () => {
    const result = people.reverse({ ...PERSON, Status: 'Working', IsConverted: false }, context({ ...LEDGER, before: { status: 'new' }, changed: ['Status'] }));
    expect(notesOf(result.lossy, 'status')).toEqual(['Status "Working" maps back to "working", "nurturing" or "qualified"']);
  });
});

describe('reverse: the demo mapping round trip', () => {
  let demo: DemoSystems;
  beforeAll(async () => {
    demo = await openDemo(300, 9);
  });
  afterAll(async () => demo?.cleanup());

  it('gives back every source field it calls exact, for every record of every object mapping', async () => {
    const input = demo.loaded.plan.mapping as MappingInput;
    const compiled = compileMapping(input, demo.source, demo.target, { source: 'legacy', target: 'salesforce' });
    expect(compiled.mapping).toBeDefined();
    const back = compileReverseMapping(input, demo.source, demo.target);
    const match = matchUsers(compiled.mapping!.users, demo.sourceUsers, demo.targetUsers);
    const sourceUsersOf = sourceUsersByTarget(match.targets);
    // Target ids made of the source ids: `T-<object>-<id>`.
    const targetId = (object: string, id: string): string => `T-${object}-${id}`;
    const forward: TransformContext = { targetIdOf: targetId, failed: () => false, userOf: match.userOf };
    const ctx: ReverseContext = {
      sourceOf: (object, id) => {
        const [, sourceObject, sourceId] = id.split('-');
        return input.objects.some((entry) => entry.source === sourceObject && entry.target === object) ? { sourceObject: sourceObject!, sourceId: sourceId! } : undefined;
      },
      isNew: () => false,
      sourceUsersOf,
    };
    const lossyFields = new Map<string, number>();
    let checked = 0;
    for (const mapping of compiled.mapping!.objects) {
      const reverseObject = back.objects.find((object) => object.source === mapping.source && object.target === mapping.target)!;
      for (const record of (await readAll(demo.legacy, mapping.source)) as CrmRecord[]) {
        if (!mapping.accepts(record)) continue;
        const transformed = mapping.transform(record, forward);
        if (!transformed.ok) continue;
        const result = reverseObject.reverse(transformed.values, ctx);
        const noted = new Set([...result.lossy, ...result.approximate].map((note) => note.field));
        for (const note of result.lossy) lossyFields.set(`${mapping.source}.${note.field}`, (lossyFields.get(`${mapping.source}.${note.field}`) ?? 0) + 1);
        for (const field of reverseObject.fields) {
          if (noted.has(field) || !Object.hasOwn(result.values, field)) continue;
          const original = record.values[field] ?? null;
          // Owners the user mapping gave the fallback come back as the fallback's own source user.
          if (field === 'owner_id' && original !== null && match.userOf(String(original)) === undefined) continue;
          checked += 1;
          if (!valuesEqual(result.values[field] ?? null, original)) throw new Error(`${mapping.source} ${record.id}.${field}: ${JSON.stringify(original)} came back as ${JSON.stringify(result.values[field])}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(4_000);
    // What the demo mapping cannot carry back: statuses several legacy values share, defaults, activity types Salesforce folds together.
    expect([...lossyFields.keys()].sort()).toEqual(expect.arrayContaining(['activities.priority', 'activities.type', 'leads.status']));
    for (const key of lossyFields.keys()) expect(['activities.type', 'activities.priority', 'activities.status', 'leads.status', 'notes.title', 'opportunities.stage']).toContain(key);
  });
});
