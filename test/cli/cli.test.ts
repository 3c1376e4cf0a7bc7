/** The CLI in process: commands, output, exit codes and error messages. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { bufferIo } from '../../src/cli/io.js';
import { planJsonSchema } from '../../src/plan/plan-schema.js';

async function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo({ cwd, env: { ...process.env, ...env } });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'cutover-cli-'));
}

describe('cutover CLI', () => {
  it('shows help with every command and the exit codes', async () => {
    const { code, out } = await run(['--help'], tempDir());
    expect(code).toBe(0);
    for (const command of ['init', 'check', 'describe', 'generate']) expect(out).toContain(command);
    expect(out).toContain('Exit codes: 0 ok · 1 the command\'s check found a problem · 2 bad usage or input · 3 an operation failed.');
  });

  it('exits 2 on an unknown command or option, saying what was wrong', async () => {
    const unknown = await run(['migrat'], tempDir());
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("error: unknown command 'migrat'");
    const badNumber = await run(['generate', '--to', 'sqlite:./x.db', '--records', 'many'], tempDir());
    expect(badNumber.code).toBe(2);
    expect(badNumber.err).toContain('--records must be a whole number of 0 or more, got "many".');
  });

  it('says where it looked when there is no plan', async () => {
    const dir = tempDir();
    const { code, err } = await run(['check'], dir);
    expect(code).toBe(2);
    expect(err).toContain(`Error: No plan at ${path.join(dir, 'cutover.yaml')}.`);
    expect(err).toContain('Hint: create one with `cutover init`, or name it with --plan PATH');
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('lists every plan problem, with no stack trace unless --debug', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'cutover.yaml'), 'version: 2\nproject: {name: x}\nsystems:\n  a: {role: source, url: "oracle://db/crm", colour: red}\n');
    const { code, err } = await run(['check'], dir);
    expect(code).toBe(2);
    expect(err).toContain(`Error: ${path.join(dir, 'cutover.yaml')} has 2 problems.`);
    expect(err).toContain('  - version (line 1): expected 1, got number 2');
    expect(err).toContain('  - systems.a.colour (line 4): unknown key');
    expect(err).not.toMatch(/\n\s+at /);
    const debug = await run(['check', '--debug'], dir);
    expect(debug.err).toMatch(/\n\s+at /);
  });

  it('prints errors as JSON with --json', async () => {
    const { code, out } = await run(['describe', 'nowhere', '--json'], tempDir());
    expect(code).toBe(2);
    expect(JSON.parse(out)).toMatchObject({ error: { code: 'system.unknown', message: '"nowhere" is neither a system of the plan nor a URL.' } });
  });

  it('writes a commented starter plan and its JSON Schema, and will not overwrite it', async () => {
    const dir = tempDir();
    const first = await run(['init', '--dir', dir], dir);
    expect(first.code).toBe(0);
    const plan = readFileSync(path.join(dir, 'cutover.yaml'), 'utf8');
    expect(plan).toContain('# yaml-language-server: $schema=./cutover.schema.json');
    expect(plan).toContain('password: env:LEGACY_DB_PASSWORD');
    expect(JSON.parse(readFileSync(path.join(dir, 'cutover.schema.json'), 'utf8'))).toEqual(planJsonSchema());
    const again = await run(['init', '--dir', dir], dir);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already has cutover.yaml');
  });

  it('keeps the committed JSON Schema up to date', () => {
    const committed = JSON.parse(readFileSync(path.join(import.meta.dirname, '../../schema/cutover.schema.json'), 'utf8'));
    expect(committed, 'run `npm run build && npm run schema`').toEqual(planJsonSchema());
  });

  describe('on the demo', () => {
    const dir = tempDir();
    const planPath = path.join(dir, 'demo', 'cutover.yaml');

    beforeAll(async () => {
      const result = await run(['init', '--demo', '--dir', 'demo', '--records', '300'], dir);
      expect(result.err).toBe('Generating the demo CRMs in ' + path.join(dir, 'demo') + ' …\n');
      expect(result.code).toBe(0);
    });

    it('checks every system of the demo plan', async () => {
      const { code, out } = await run(['check', '--plan', planPath], dir);
      expect(code).toBe(0);
      expect(out).toMatch(/✓ +legacy +source +production +sqlite +SQLite 3\.\d+\.\d+ · \d+ objects \(\d+ business\) · users: users · activity: user_logins/);
      expect(out).toMatch(/✓ +salesforce +target +sandbox +sqlite/);
      expect(out).toMatch(/· +legacy-sandbox +sandbox +sandbox +sqlite +not created yet/);
      expect(out).toContain('capabilities: transactions, assigns ids, keeps given ids, batches of 1000');
    });

    it('describes the legacy CRM as JSON with objects, counts, users and configuration', async () => {
      const { code, out } = await run(['describe', 'legacy', '--plan', planPath, '--json'], dir);
      expect(code).toBe(0);
      const report = JSON.parse(out);
      const accounts = report.description.objects.find((object: { name: string }) => object.name === 'accounts');
      expect(accounts.recordCount).toBeGreaterThan(0);
      expect(accounts.fields.find((field: { name: string }) => field.name === 'parent_id').references).toMatchObject({ object: 'accounts', source: 'constraint' });
      expect(report.users.length).toBeGreaterThan(3);
      expect(report.configuration.some((artifact: { kind: string }) => artifact.kind === 'trigger')).toBe(true);
      expect(report.seconds).toBeGreaterThan(0);
      const human = await run(['describe', 'legacy', '--plan', planPath], dir);
      expect(human.out).toMatch(/Objects \(\d+\):/);
      expect(human.out).toMatch(/Users \(\d+: \d+ active, \d+ frozen, \d+ admins\):/);
    });

    it('has a target with users and no business records', async () => {
      const { out } = await run(['describe', 'salesforce', '--plan', planPath, '--json'], dir);
      const report = JSON.parse(out);
      const counts = Object.fromEntries(report.description.objects.map((object: { name: string; recordCount: number }) => [object.name, object.recordCount]));
      expect(counts).toMatchObject({ Account: 0, Contact: 0, Opportunity: 0, Lead: 0 });
      expect(counts.User).toBeGreaterThan(3);
    });

    it('refuses to generate into a production system without --yes', async () => {
      const { code, err } = await run(['generate', '--to', 'legacy', '--plan', planPath], dir);
      expect(code).toBe(2);
      expect(err).toContain('Error: legacy is marked production in the plan; generate writes test data into it.');
    });

    it('refuses to generate into a database that already has the tables', async () => {
      const { code, err } = await run(['generate', '--to', `sqlite:${path.join(dir, 'demo', 'legacy.db')}`, '--records', '10'], dir);
      expect(code).toBe(2);
      expect(err).toMatch(/already has table\(s\) .*users/);
    });
  });

  it('reports an unreachable database and a missing table without a stack trace', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'cutover.yaml'),
      'version: 1\nproject: {name: x}\nsystems:\n  legacy: {role: source, url: "postgres://postgres@127.0.0.1:1/crm"}\n  crm: {role: target, url: "sqlite:./empty.db"}\n',
    );
    writeFileSync(path.join(dir, 'empty.db'), '');
    const { code, out } = await run(['check'], dir);
    expect(code).toBe(1);
    expect(out).toMatch(/✗ +legacy +source/);
    expect(out).toContain('error: PostgreSQL at 127.0.0.1:1 is not reachable');
    expect(out).toMatch(/! +crm +target/);
    expect(out).toContain('warning: the database has no tables');
    const described = await run(['describe', 'sqlite:./empty.db'], dir);
    expect(described.code).toBe(0);
  });
});

describe('systems named by URL', () => {
  it('detects the SuiteCRM profile from the tables, and reads a missing object with a clear error', async () => {
    const dir = tempDir();
    const generated = await run(['generate', '--to', 'sqlite:./suite.db', '--shape', 'suitecrm', '--records', '100', '--json'], dir);
    expect(generated.code, generated.err).toBe(0);
    expect(JSON.parse(generated.out)).toMatchObject({ shape: 'suitecrm', path: path.join(dir, 'suite.db') });
    const { out } = await run(['describe', 'sqlite:./suite.db', '--json'], dir);
    const report = JSON.parse(out);
    expect(report.profile).toBe('suitecrm');
    expect(report.description.objects.find((object: { name: string }) => object.name === 'accounts_contacts').kind).toBe('link');
    const generic = JSON.parse((await run(['describe', 'sqlite:./suite.db', '--profile', 'generic', '--json'], dir)).out);
    expect(generic.profile).toBe('generic');
  });

  it('warns on stderr about a password written into the plan, and never prints it', async () => {
    const dir = tempDir();
    await run(['generate', '--to', 'sqlite:./legacy.db', '--records', '20'], dir);
    writeFileSync(
      path.join(dir, 'cutover.yaml'),
      'version: 1\nproject: {name: x}\nsystems:\n  legacy: {role: source, url: "sqlite:./legacy.db"}\n  crm: {role: target, url: "postgres://app:hunter2@127.0.0.1:1/crm"}\n',
    );
    const { out, err } = await run(['check'], dir);
    expect(err).toContain('Warning: systems.crm.url: a password is written in the URL; move it to systems.crm.password as env:NAME or file:PATH');
    expect(out).toContain('crm (postgres://app:***@127.0.0.1:1/crm):');
    expect(out + err).not.toContain('hunter2');
  });

  it('warns when the profile names a users table the database lacks', async () => {
    const dir = tempDir();
    await run(['generate', '--to', 'sqlite:./legacy.db', '--records', '50'], dir);
    writeFileSync(
      path.join(dir, 'cutover.yaml'),
      'version: 1\nproject: {name: x}\nsystems:\n  legacy:\n    role: source\n    url: sqlite:./legacy.db\n    profile: {base: generic, users: {table: [people], status: {column: state, active: [on]}}}\n',
    );
    const { code, out } = await run(['check'], dir);
    expect(code).toBe(0);
    expect(out).toContain('warning: no users table (looked for people)');
    expect(out).toContain('hint: name it in the plan: systems.<name>.profile.users.table');
  });
});
