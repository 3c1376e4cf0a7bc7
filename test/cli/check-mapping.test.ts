/** `cutover check` with a mapping: checked against both live systems, every problem with its plan line, exit 1 on errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo({ cwd, env: { ...process.env } });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

/** The 1-based line of the first line of `text` that contains `fragment`, searching from `after`. */
function lineOf(text: string, fragment: string, after = ''): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  return lines.findIndex((line, i) => i >= start && line.includes(fragment)) + 1;
}

describe('cutover check with a mapping', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-check-mapping-'));
  const demo = path.join(dir, 'demo');
  let plan: string;

  beforeAll(async () => {
    const result = await run(['init', '--demo', '--dir', 'demo', '--records', '300'], dir);
    expect(result.code).toBe(0);
    plan = readFileSync(path.join(demo, 'cutover.yaml'), 'utf8');
  });

  /** Writes a variant of the demo plan next to it and checks it. */
  async function checkVariant(name: string, edit: (text: string) => string, json = false) {
    const text = edit(plan);
    expect(text).not.toBe(plan);
    writeFileSync(path.join(demo, name), text);
    return { ...(await run(['check', '--plan', path.join(demo, name), ...(json ? ['--json'] : [])], dir)), text };
  }

  it('reports the demo mapping clean, with its order and users', async () => {
    const { code, out } = await run(['check', '--plan', path.join(demo, 'cutover.yaml')], dir);
    expect(code).toBe(0);
    expect(out).toContain('✓ Mapping legacy → salesforce: 6 objects, 113 fields, no problems');
    expect(out).toContain('  order: accounts → Account, contacts → Contact, opportunities → Opportunity, leads → Lead, activities → Task, notes → Note');
    expect(out).toContain('  users: 8 of 8 source users matched by email or the table, the rest get the fallback');
    const json = JSON.parse((await run(['check', '--plan', path.join(demo, 'cutover.yaml'), '--json'], dir)).out);
    expect(json.ok).toBe(true);
    expect(json.mapping).toMatchObject({ source: 'legacy', target: 'salesforce', status: 'ok', objects: 6, fields: 113, problems: [], users: { matched: 8, total: 8, by: 'email', fallback: true } });
    expect(json.mapping.order[2]).toEqual({ source: 'opportunities', target: 'Opportunity' });
  });

  it('lists every mapping problem with its path and line, and exits 1', async () => {
    const { code, out, text } = await checkVariant('broken.yaml', (t) =>
      t.replace('        Name: name\n', '        Name: nme\n').replace('            closed_lost: Closed Lost\n', '            closed_lost: Lost\n').replace('        Amount: amount\n', '        Amount: name\n'),
    );
    expect(code).toBe(1);
    expect(out).toContain('✗ Mapping legacy → salesforce: 6 objects, 113 fields, 3 errors');
    expect(out).toContain(`  error: mapping.objects[0].fields.Name (line ${lineOf(text, 'Name: nme')}): accounts has no field "nme"\n    hint: did you mean name?`);
    expect(out).toContain(`  error: mapping.objects[3].fields.StageName.map.closed_lost (line ${lineOf(text, 'closed_lost: Lost')}): the map value "Lost" is not a value of Opportunity.StageName`);
    expect(out).toContain(`  error: mapping.objects[3].fields.Amount (line ${lineOf(text, 'Amount: name')}): opportunities.name (string) cannot go into Opportunity.Amount (decimal) as it is`);
    expect(out).toContain('Fix the errors above and run `cutover check` again.');
    expect(out).toContain('Plan ' + path.join(demo, 'broken.yaml') + ': 4 systems, problems found');
  });

  it('reports warnings without failing', async () => {
    const { code, out, text } = await checkVariant('warned.yaml', (t) => t.replace('Title: { from: title, default: "(untitled)", truncate: true }', 'Title: { from: title, truncate: true }'));
    expect(code).toBe(0);
    expect(out).toContain('! Mapping legacy → salesforce: 6 objects, 113 fields, 1 warning');
    expect(out).toContain(`  warning: mapping.objects[5].fields.Title (line ${lineOf(text, 'Title: { from: title, truncate: true }')}): Note.Title is required, but this rule can give null (then the record fails)\n    hint: add a default`);
    expect(out).toContain('  order: accounts → Account');
  });

  it('reports a mapping system the plan does not have', async () => {
    const { code, out, text } = await checkVariant('nowhere.yaml', (t) => t.replace('  source: legacy\n  target: salesforce\n  users:', '  source: nowhere\n  target: salesforce\n  users:'));
    expect(code).toBe(1);
    expect(out).toContain(`  error: mapping.source (line ${lineOf(text, 'source: nowhere')}): no system named "nowhere" (systems: legacy, salesforce, legacy-sandbox, salesforce-sandbox)`);
  });

  it('says when the mapping could not be checked because a system is not reachable', async () => {
    const { code, out } = await checkVariant('unreachable.yaml', (t) => t.replace('url: sqlite:./salesforce.db', 'url: sqlite:./missing.db'));
    expect(code).toBe(1);
    expect(out).toMatch(/· Mapping legacy → salesforce \(6 objects, 113 fields\) not checked: salesforce could not be described: The SQLite file .*missing\.db does not exist\./);
  });
});
