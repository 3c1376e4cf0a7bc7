import { describe, expect, it } from 'vitest';
import { diffSources, formatDiffReport, formatValue, type DiffReport } from '../../src/diff/index.js';
import { ACCOUNT_FIELDS, accounts, arraySource, record } from './array-source.js';

const base = { a: 'legacy (sqlite:crm.db)', b: 'backup 2026-06-30 of legacy', seconds: 1.234, measuredAt: '2026-06-30T10:00:00.000Z' };

describe('formatDiffReport', () => {
  it('shows counts, then examples with both values, and cuts long values only in the text', () => {
    const long = 'x'.repeat(500);
    const report: DiffReport = {
      ...base,
      equal: false,
      records: { a: 1_005, b: 1_004 },
      objects: [
        {
          object: 'accounts',
          onlyInA: 25,
          onlyInB: 1,
          changed: 2,
          same: 978,
          onlyInAIds: Array.from({ length: 20 }, (_, i) => String(i + 1)),
          onlyInBIds: ['5000'],
          changes: [
            { id: '42', fields: [{ field: 'name', a: 'Acme', b: 'ACME' }, { field: 'amount', a: '10.00', b: '12.00' }] },
            { id: '43', fields: [{ field: 'notes', a: null, b: long }, { field: 'logo', a: new Uint8Array([1, 2, 3]), b: null }, { field: 'memo', a: "it's\nhere", b: 'ok' }] },
          ],
          fieldsOnlyInA: ['fax'],
          fieldsOnlyInB: [],
        },
        { object: 'contacts', onlyInA: 0, onlyInB: 0, changed: 0, same: 3, onlyInAIds: [], onlyInBIds: [], changes: [], fieldsOnlyInA: [], fieldsOnlyInB: [] },
        { object: 'tasks', onlyInA: 0, onlyInB: 2, changed: 0, same: 0, onlyInAIds: [], onlyInBIds: ['t1', 't2'], changes: [], missingOn: 'a', fieldsOnlyInA: [], fieldsOnlyInB: [] },
      ],
    };
    const text = formatDiffReport(report, { limit: 3 });
    expect(text.split('\n')).toEqual([
      'a: legacy (sqlite:crm.db)',
      'b: backup 2026-06-30 of legacy',
      'accounts: 2 changed, 25 missing from b, 1 extra in b, 978 same',
      '  fields only in a (not compared): fax',
      "  - id 42: name 'Acme' → 'ACME'; amount '10.00' → '12.00'",
      `  - id 43: notes null → '${'x'.repeat(59)}…'; logo <3 bytes 010203> → null; memo 'it\\'s\\nhere' → 'ok'`,
      '  missing from b: 1, 2, 3 … and 22 more',
      '  extra in b: 5000',
      'contacts: equal, 3 records',
      'tasks: missing from a (2 records in b)',
      '  only in b: t1, t2',
      'Different: 30 records differ in 2 of 3 objects (1,005 records in a, 1,004 in b). Measured 2026-06-30T10:00:00.000Z in 1.23 s.',
    ]);
    // The report itself keeps the whole value.
    expect(report.objects[0]?.changes[1]?.fields[0]?.b).toBe(long);
  });

  it('says equal in one line when nothing differs', async () => {
    const a = arraySource('a', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(1200) }]);
    const b = arraySource('b', [{ name: 'accounts', fields: ACCOUNT_FIELDS, records: accounts(1200) }]);
    const text = formatDiffReport(await diffSources(a, b));
    expect(text).toMatch(/^a: a\nb: b\naccounts: equal, 1,200 records\nEqual: 1 object, 1,200 records on each side\. Measured \S+ in \d+\.\d\d s\.$/);
  });

  it('formats a real report of changes', async () => {
    const a = arraySource('a', [{ name: 'notes', fields: ['id', 'body'], records: [record(1, { body: 'old' }), record(2, { body: 'gone' })] }]);
    const b = arraySource('b', [{ name: 'notes', fields: ['id', 'body'], records: [record(1, { body: 'new' })] }]);
    expect(formatDiffReport(await diffSources(a, b))).toContain("notes: 1 changed, 1 missing from b, 0 same\n  - id 1: body 'old' → 'new'\n  missing from b: 2");
  });

  it('shows no example lines when the report kept none', async () => {
    const a = arraySource('a', [{ name: 'notes', fields: ['id', 'body'], records: [record(1, { body: 'old' }), record(2, { body: 'gone' })] }]);
    const b = arraySource('b', [{ name: 'notes', fields: ['id', 'body'], records: [record(1, { body: 'new' })] }]);
    const text = formatDiffReport(await diffSources(a, b, { limit: 0 }));
    expect(text.split('\n').slice(2, -1)).toEqual(['notes: 1 changed, 1 missing from b, 0 same']);
  });

  it('formats values by type, never cutting a character in half', () => {
    expect(formatValue(12.5)).toBe('12.5');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(new Uint8Array(20))).toBe('<20 bytes 0000000000000000…>');
    expect(formatValue('🚀'.repeat(100), { valueWidth: 5 })).toBe(`'${'🚀'.repeat(4)}…'`);
  });
});
