import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { loadPlan, parsePlan } from '../../src/plan/load-plan.js';
import { demoPlan, starterPlan } from '../../src/operations/plan-templates.js';
import { resolveSecret } from '../../src/plan/secrets.js';
import { resolveSystem } from '../../src/plan/systems.js';

function problemOf(text: string): CutoverError {
  try {
    parsePlan(text, '/plans/cutover.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    return error as CutoverError;
  }
  throw new Error('expected the plan to be rejected');
}

const minimal = (systems: string): string => `version: 1\nproject:\n  name: Test\nsystems:\n${systems}`;

describe('plan loading', () => {
  it('accepts the starter and the demo plans', () => {
    expect(Object.keys(parsePlan(starterPlan(), '/p/cutover.yaml').plan.systems)).toEqual(['legacy', 'legacy-sandbox']);
    const demo = parsePlan(demoPlan({ records: 10, seed: 1 }), '/p/cutover.yaml');
    expect(demo.plan.systems.salesforce?.role).toBe('target');
    expect(demo.plan.systems['legacy-sandbox']?.environment).toBe('sandbox');
    expect(demo.plan.systems.legacy?.environment).toBe('production');
    expect(demo.warnings).toEqual([]);
  });

  it('keeps the parts of the base profile that a plan override leaves out', () => {
    const demo = parsePlan(demoPlan({ records: 10, seed: 1 }), '/p/cutover.yaml');
    const legacy = resolveSystem('legacy', { plan: demo, cwd: '/' });
    expect(legacy.profile.softDelete.map((rule) => rule.column)).toEqual(['deleted_at', 'deleted', 'is_deleted', 'IsDeleted']);
    expect(legacy.profile.users?.table).toContain('users');
    expect(legacy.profile.relationships).toEqual([{ from: 'notes.related_id', typeColumn: 'related_type', types: { account: 'accounts', contact: 'contacts', lead: 'leads', opportunity: 'opportunities' } }]);
    const sandbox = resolveSystem('legacy-sandbox', { plan: demo, cwd: '/' });
    expect(sandbox.profile).toEqual(legacy.profile);
  });

  it('reports every problem at once, each with its path and line', () => {
    const error = problemOf(
      minimal(`  legacy:
    role: origin
    urll: sqlite:./a.db
  crm:
    role: target
    url: sqlite:./b.db
    profile: hubspot
extra: 1
`),
    );
    expect(error.code).toBe('plan.invalid');
    expect(error.message).toBe('/plans/cutover.yaml has 5 problems.');
    expect(error.details).toEqual(
      expect.arrayContaining([
        'systems.legacy.role (line 6): expected "source" or "target" or "sandbox", got "origin"',
        'systems.legacy.url (line 5): required (string)',
        'systems.legacy.urll (line 7): unknown key',
        'systems.crm.profile (line 11): expected "generic" or "suitecrm" or "salesforce" or a mapping',
        'extra (line 12): unknown key',
      ]),
    );
  });

  it('reports malformed YAML with its line', () => {
    const error = problemOf('version: 1\nproject:\n  name: x\n   bad: indent\nsystems: {}\n');
    expect(error.code).toBe('plan.yaml');
    expect(error.message).toBe('/plans/cutover.yaml is not valid YAML.');
    expect(error.details[0]).toBe('line 3, column 9: Nested mappings are not allowed in compact mappings');
  });

  it('rejects a plan that is not a mapping, and a missing file', () => {
    expect(problemOf('- a\n- b\n').message).toMatch(/is not a plan: expected a mapping with version, project and systems/);
    try {
      loadPlan('/no/such/dir/cutover.yaml');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as CutoverError).code).toBe('plan.not_found');
      expect((error as CutoverError).message).toBe('No plan at /no/such/dir/cutover.yaml.');
      expect((error as CutoverError).hints[0]).toMatch(/cutover init/);
    }
  });

  it('rejects unknown URL schemes, two sources, the same database twice and bad sandboxes', () => {
    const error = problemOf(
      minimal(`  a:
    role: source
    url: mongodb://db/crm
  b:
    role: source
    url: sqlite:./x.db
  c:
    role: sandbox
    environment: production
    sandboxOf: nowhere
    url: sqlite:./x.db
`),
    );
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^systems\.a\.url \(line 7\): unknown URL scheme "mongodb:" in "mongodb:\/\/db\/crm"\.$/),
        'systems (line 4): only one system can be the source; found a, b',
        'systems.c.environment (line 13): a sandbox cannot be a production system',
        'systems.c.sandboxOf (line 14): no system named "nowhere" (systems: a, b, c)',
        'systems.c.url (line 15): the same URL as systems.b.url; every system must be its own database',
      ]),
    );
  });

  it('warns about secrets written into the plan', () => {
    const loaded = parsePlan(
      minimal(`  legacy:
    role: source
    url: postgres://crm:hunter2@db:5432/crm
  crm:
    role: target
    url: mysql://crm@db/crm
    password: hunter2
backup:
  key: s3cr3t
`),
      '/p/cutover.yaml',
    );
    expect(loaded.warnings).toEqual([
      'systems.legacy.url: a password is written in the URL; move it to systems.legacy.password as env:NAME or file:PATH',
      'systems.crm.password: the secret is written in the plan; use env:NAME or file:PATH',
      'backup.key: the key is written in the plan; use env:NAME or file:PATH',
    ]);
  });
});

describe('secrets and systems', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-plan-'));

  it('reads env: and file: secrets, and says which setting lacks one', () => {
    writeFileSync(path.join(dir, 'pw.txt'), 'from-file\n');
    expect(resolveSecret('env:DB_PW', 'systems.a.password', dir, { DB_PW: 'from-env' })).toBe('from-env');
    expect(resolveSecret('file:pw.txt', 'systems.a.password', dir)).toBe('from-file');
    expect(() => resolveSecret('env:DB_PW', 'systems.a.password', dir, {})).toThrow('systems.a.password: the environment variable DB_PW is not set.');
    expect(() => resolveSecret('file:nope.txt', 'systems.a.password', dir)).toThrow(`systems.a.password: cannot read the secret file ${path.join(dir, 'nope.txt')}.`);
  });

  it('names systems by plan name or URL, and explains what it could not find', () => {
    const loaded = parsePlan(minimal('  legacy:\n    role: source\n    url: sqlite:./legacy.db\n'), path.join(dir, 'cutover.yaml'));
    expect(resolveSystem('legacy', { plan: loaded, cwd: '/' })).toMatchObject({ name: 'legacy', kind: 'sqlite', baseDir: dir, inPlan: true });
    expect(resolveSystem('postgres://u:pw@h/db', { plan: loaded, cwd: '/' })).toMatchObject({ name: 'postgres://u:***@h/db', kind: 'postgres', inPlan: false });
    expect(() => resolveSystem('crm', { plan: loaded, cwd: '/' })).toThrow('"crm" is neither a system of the plan nor a URL.');
    expect(() => resolveSystem('ftp://x', { plan: undefined, cwd: '/' })).toThrow('unknown URL scheme "ftp:"');
  });
});
