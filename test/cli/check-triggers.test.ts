/** `cutover check` with rollback triggers: every problem at once, with its plan path and line, exit 1 on errors. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo({ cwd, env: { ...process.env } });
  const code = await main(args, io);
  return { code, out: io.out, err: io.err };
}

describe('cutover check with triggers', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-check-triggers-'));
  const demo = path.join(dir, 'demo');

  beforeAll(async () => {
    expect((await run(['init', '--demo', '--dir', 'demo', '--records', '200'], dir)).code).toBe(0);
  });

  it("reports the demo's triggers clean, naming the checks the watch runs", async () => {
    const { code, out } = await run(['check', '--plan', path.join(demo, 'cutover.yaml')], dir);
    expect(code).toBe(0);
    expect(out).toContain(
      '✓ Triggers: 7 checks (data-loss, workflow.open-opportunities-have-owner, workflow.new-leads-assigned, workflow.legacy-opportunities-have-account, adoption, security.admins, security.findings), no problems',
    );
  });

  it('checks the message templates init copied beside the plan, failing on an unknown variable before any rollback', async () => {
    const templates = path.join(demo, 'templates');
    expect(readdirSync(templates).sort()).toEqual(['customer.md', 'drill-finished.md', 'go-live.md', 'internal-team.md', 'management-escalation.md', 'post-rollback-next-steps.md', 'rollback-completed.md', 'rollback-started.md']);
    const clean = JSON.parse((await run(['check', '--plan', path.join(demo, 'cutover.yaml'), '--json'], dir)).out);
    expect(clean.templates).toEqual({ checked: 8, problems: [] });
    const customer = path.join(templates, 'customer.md');
    const original = readFileSync(customer, 'utf8');
    writeFileSync(customer, `${original}\nWe expect to be back by {{ recovery.expected_bak_at }}.\n`);
    try {
      const { code, out } = await run(['check', '--plan', path.join(demo, 'cutover.yaml')], dir);
      expect(code).toBe(1);
      expect(out).toMatch(/error: customer:\d+: unknown variable recovery\.expected_bak_at/);
    } finally {
      writeFileSync(customer, original);
    }
  });

  it('checks the communications: a route to a template that does not exist and a channel whose secret cannot be read fail before a rollback needs them', async () => {
    const clean = JSON.parse((await run(['check', '--plan', path.join(demo, 'cutover.yaml'), '--json'], dir)).out);
    expect(clean.communications).toMatchObject({ audiences: ['team', 'management', 'customers'], channels: ['outbox'], problems: [] });
    expect(clean.communications.routes).toContain('rollback_finished: customer → customers');
    const plan = parseDocument(readFileSync(path.join(demo, 'cutover.yaml'), 'utf8'));
    plan.setIn(['communications', 'chat'], { 'team-chat': { kind: 'slack', url: 'env:CUTOVER_TEST_UNSET_WEBHOOK' } });
    plan.setIn(['communications', 'audiences', 'team', 'chat'], ['team-chat']);
    plan.setIn(['communications', 'routes'], [{ on: 'rollback_finished', template: 'all-hands', to: ['team'] }]);
    const file = path.join(demo, 'bad-communications.yaml');
    writeFileSync(file, plan.toString());
    const { code, out } = await run(['check', '--plan', file], dir);
    expect(code).toBe(1);
    expect(out).toContain('✗ Communications: 3 audiences (team, management, customers), 1 routes, channels outbox, team-chat');
    expect(out).toMatch(/error: communications\.routes\[0\]\.template: no template "all-hands" in .*templates nor built in/);
    expect(out).toContain('error: communications.chat.team-chat.url: the environment variable CUTOVER_TEST_UNSET_WEBHOOK is not set.');
  });

  it('lists every problem of the triggers with its path and line, against the systems', async () => {
    const plan = parseDocument(readFileSync(path.join(demo, 'cutover.yaml'), 'utf8'));
    plan.setIn(['triggers', 'probes'], [
      { name: 'ghost', system: 'salesforce', object: 'Opportunty', where: { field: 'OwnerId', isNull: true } },
      { name: 'both', system: 'salesforce', object: 'Lead', where: { field: 'Ownr', isNull: true }, synthetic: { values: { LastName: 'x' }, expect: { field: 'OwnerId', notNull: true } } },
      { name: 'elsewhere', system: 'hubspot', object: 'Lead', where: { field: 'OwnerId', isNull: true } },
    ]);
    plan.setIn(['triggers', 'integrations'], [
      { name: 'nothing' },
      { name: 'errors', errorRate: { system: 'salesforce', object: 'Task', at: 'Created', error: { field: 'Status', equals: 'Failed' }, max: '5%' } },
    ]);
    const file = path.join(demo, 'bad-triggers.yaml');
    writeFileSync(file, plan.toString());
    const text = readFileSync(file, 'utf8');
    const { code, out } = await run(['check', '--plan', file, '--json'], dir);
    expect(code).toBe(1);
    const result = JSON.parse(out);
    expect(result.ok).toBe(false);
    const problems = result.triggers.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^triggers\.probes\[0\]\.object: salesforce has no object "Opportunty"/),
        expect.stringMatching(/^triggers\.probes\[1\]\.(where|synthetic): /),
        expect.stringMatching(/^triggers\.probes\[1\]\.where\.field: Lead has no field "Ownr"/),
        expect.stringMatching(/^triggers\.probes\[2\]\.system: no system named "hubspot"/),
        expect.stringMatching(/^triggers\.integrations\[0\]\.url: give url/),
        expect.stringMatching(/^triggers\.integrations\[1\]\.errorRate\.at: Task has no field "Created"/),
      ]),
    );
    // Lines point into the plan: the ghost probe's object is on the line that says so.
    const ghost = result.triggers.problems.find((p: { path: string }) => p.path === 'triggers.probes[0].object');
    expect(text.split('\n')[ghost.line - 1]).toContain('Opportunty');
  });
});
