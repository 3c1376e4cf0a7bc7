/** The plan's mapping section: its shape, with every problem at its path and line, and which systems it maps. */
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { parsePlan } from '../../src/plan/load-plan.js';
import { mappingSystems } from '../../src/plan/mapping-schema.js';
import { planLines } from '../../src/plan/plan-lines.js';

const PLAN = `version: 1
project:
  name: Test
systems:
  old:
    role: source
    url: sqlite:./old.db
  new:
    role: target
    url: sqlite:./new.db
`;

function rejected(mapping: string): CutoverError {
  try {
    parsePlan(PLAN + mapping, '/p/cutover.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  throw new Error('expected the plan to be rejected');
}

describe('mapping in the plan', () => {
  it('accepts every kind of rule and condition', () => {
    const { plan } = parsePlan(
      `${PLAN}mapping:
  users: { by: email, table: { 7: 0051, 8: "0052" }, fallback: 0059 }
  objects:
    - source: accounts
      target: Account
      where:
        all:
          - { field: deleted_at, isNull: true }
          - any: [{ field: rating, in: [Hot, Warm] }, { not: { field: created_at, before: "2020-01-01" } }]
      fields:
        Name: name
        Phone: { from: [phone, mobile] }
        Street: { from: [street1, street2], concat: ", ", trim: true, case: title }
        FirstName: { from: full_name, split: { separator: " ", index: 0 } }
        LastName: { from: full_name, split: { separator: " ", index: 1, rest: true }, truncate: true, required: true }
        Type: { from: kind, map: { c: Customer, "1": Partner }, otherwise: Other, default: Other }
        Since: { from: since, date: { timezone: Europe/Berlin, format: DD.MM.YYYY, output: YYYY-MM-DD, local: false } }
        Cents: { from: amount, scale: 100 }
        Source: { value: legacy }
        Cleared: { value: null }
        ParentId: { from: parent_id, lookup: accounts }
        WhatId: { first: [{ from: deal_id, lookup: deals }, { from: related_id, lookup: { typeField: related_type, objects: { a: accounts } } }], default: null }
        OwnerId: { from: owner_id, user: true }
`,
      '/p/cutover.yaml',
    );
    expect(plan.mapping?.users).toEqual({ by: 'email', table: { '7': '51', '8': '0052' }, fallback: '59' });
    expect(plan.mapping?.objects[0]?.fields.Cleared).toEqual({ value: null });
    expect(plan.mapping?.objects[0]?.fields.Name).toBe('name');
  });

  it('reports every shape problem with its path and line', () => {
    const error = rejected(`mapping:
  objects:
    - source: accounts
      target: Account
      where: { field: rating, equals: Hot, in: [Warm] }
      fields:
        Name: { from: name, value: x }
        Phone: { from: phone, cas: upper }
        Fax: { from: fax, case: shout }
        Street: { from: street, concat: " " }
        Since: { from: since, date: { timezone: Mars/Olympus, format: DD.MM } }
        ParentId: { from: parent_id, lookup: accounts, map: { a: b } }
        Owner: { from: [a, b], user: true }
        Empty: {}
        Alternatives: { first: [name, { from: x, otherwise: y }], trim: true }
        Bad: 12
`);
    expect(error.message).toBe('/p/cutover.yaml has 13 problems.');
    // Lines inside lists are not found by the plan loader yet: every problem gets the line of \`mapping:\`.
    expect(error.details.every((detail) => detail.includes(' (line 11): '))).toBe(true);
    expect(error.details.map((detail) => detail.replace(/ \(line \d+\)/, ''))).toEqual([
      'mapping.objects[0].where: equals, in exclude each other; give one per condition',
      'mapping.objects[0].fields.Name.value: from and value exclude each other; give one',
      'mapping.objects[0].fields.Phone.cas: unknown key',
      'mapping.objects[0].fields.Fax.case: expected "upper" or "lower" or "title", got "shout"',
      'mapping.objects[0].fields.Street.concat: concat joins several fields: give from as a list',
      'mapping.objects[0].fields.Since.date.timezone: unknown time zone "Mars/Olympus"; use an IANA name such as UTC or Europe/Berlin',
      'mapping.objects[0].fields.Since.date.format: the pattern "DD.MM" must contain YYYY, MM (or M) and DD (or D)',
      'mapping.objects[0].fields.ParentId.map: lookup takes the id as it is; it cannot be combined with map',
      'mapping.objects[0].fields.Owner.from: user reads one source field, not a list',
      'mapping.objects[0].fields.Empty: give the source of the value: from (a source field), value (a constant) or first (alternatives)',
      'mapping.objects[0].fields.Alternatives.first[1].otherwise: otherwise belongs to a map',
      'mapping.objects[0].fields.Alternatives.trim: beside first only default, required and truncate are allowed; put the rest inside the alternatives',
      'mapping.objects[0].fields.Bad: expected a mapping',
    ]);
  });

  it('requires objects, and source and target in each', () => {
    const error = rejected(`mapping:
  objects:
    - source: accounts
      fields: {}
`);
    expect(error.details).toEqual(['mapping.objects[0].target (line 11): required (string)']);
    expect(rejected('mapping: { objects: [] }\n').details).toEqual(['mapping.objects (line 11): Too small: expected array to have >=1 items']);
  });
});

describe('mapping systems', () => {
  const systems = { old: { role: 'source' }, new: { role: 'target' }, copy: { role: 'sandbox' } };

  it('defaults to the systems with role source and target', () => {
    expect(mappingSystems({}, systems)).toEqual({ source: 'old', target: 'new', problems: [] });
    expect(mappingSystems({ target: 'copy' }, systems)).toEqual({ source: 'old', target: 'copy', problems: [] });
  });

  it('names systems that are missing', () => {
    expect(mappingSystems({ source: 'legacy' }, systems)).toEqual({ target: 'new', problems: [{ path: 'mapping.source', message: 'no system named "legacy" (systems: old, new, copy)' }] });
    expect(mappingSystems({}, { copy: { role: 'sandbox' } }).problems).toEqual([
      { path: 'mapping', message: 'no system has role source; add one under systems, or name it with mapping.source' },
      { path: 'mapping', message: 'no system has role target; add one under systems, or name it with mapping.target' },
    ]);
  });
});

describe('plan lines', () => {
  it('finds lines through mappings and lists, or the deepest part that is there', () => {
    const lineOf = planLines(`${PLAN}mapping:
  objects:
    - source: a
      target: b
      fields:
        Name: name
    - source: c
      target: d
      fields: { X: y }
`);
    expect(lineOf(['mapping', 'objects', 0, 'fields', 'Name'])).toBe(16);
    expect(lineOf(['mapping', 'objects', 1])).toBe(17);
    expect(lineOf(['mapping', 'objects', 1, 'fields', 'X'])).toBe(19);
    expect(lineOf(['mapping', 'objects', 1, 'fields', 'Missing', 'map'])).toBe(19);
    expect(lineOf(['systems', 'new', 'url'])).toBe(10);
    expect(lineOf([])).toBeUndefined();
  });
});
