/**
 * The rollback triggers on the demo plan after go-live, through the CLI in
 * process: healthy at first; then data corrupted, records deleted, adoption
 * stuck at 30% after day 3 (time injected with --at), a critical finding;
 * each makes `watch --once` exit 1 naming the right trigger with its
 * evidence, and the recommendation follows the time since go-live.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { bufferIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import type { Connector } from '../../src/connectors/contract.js';
import { openSystem } from '../../src/operations/open-system.js';
import { loadPlan } from '../../src/plan/load-plan.js';
import { systemFromPlan } from '../../src/plan/systems.js';
import { runCli, type CliRun } from '../support/cli-run.js';

const HOUR = 3_600_000;

const run = (dir: string, args: string[]): Promise<CliRun> => runCli(dir, [...args, '--plan', 'demo/cutover.yaml']);

/** The demo migrated and live, in a fresh folder. */
async function liveDemo(): Promise<{ dir: string; goLive: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cutover-watch-'));
  const io = bufferIo({ cwd: dir, env: { ...process.env } });
  expect(await main(['init', '--demo', '--dir', 'demo', '--records', '400'], io)).toBe(0);
  for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes']]) {
    const step = await run(dir, args);
    expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
  }
  const live = await run(dir, ['go-live', '--yes']);
  expect(live.code, live.err).toBe(0);
  return { dir, goLive: live.json.at };
}

async function withTarget<T>(dir: string, fn: (target: Connector) => Promise<T>): Promise<T> {
  const target = await openSystem(systemFromPlan(loadPlan(path.join(dir, 'demo', 'cutover.yaml')), 'salesforce'));
  try {
    return await fn(target);
  } finally {
    await target.close();
  }
}

async function ids(target: Connector, object: string, count: number): Promise<string[]> {
  for await (const batch of target.read(object, { batchSize: count })) return batch.records.slice(0, count).map((record) => record.id);
  return [];
}

const checkOf = (result: { json: any }, name: string) => result.json.evaluations.find((e: { check: string }) => e.check === name);

describe('watch on the demo after go-live', () => {
  let dir: string;
  let goLive: string;
  beforeEach(async () => {
    ({ dir, goLive } = await liveDemo());
  });

  it('reports every check healthy right after go-live, edits people make included, and stores the round', async () => {
    await withTarget(dir, async (target) => {
      const contacts = await ids(target, 'Contact', 3);
      expect((await target.write('Contact', 'update', contacts.map((id) => ({ id, values: { Title: 'Head of Purchasing' } })))).every((r) => r.ok)).toBe(true);
    });
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code, watch.err).toBe(0);
    expect(watch.json.verdict).toBe('healthy');
    expect(watch.json.evaluations.map((e: { check: string; status: string }) => `${e.check} ${e.status}`)).toEqual([
      'data-loss ok',
      'workflow.open-opportunities-have-owner ok',
      'workflow.new-leads-assigned ok',
      'workflow.legacy-opportunities-have-account ok',
      'adoption ok',
      'security.admins ok',
      'security.findings ok',
    ]);
    expect(checkOf(watch, 'data-loss').evidence.totals).toMatchObject({ deleted: 0, missing: 0, corrupted: 0, edited: 3 });
    expect(watch.json.recommendation).toMatchObject({ action: 'continue', procedure: 'immediate' });
    const status = await run(dir, ['status']);
    expect(status.json.watch).toMatchObject({ id: watch.json.id, verdict: 'healthy', fired: [] });
  });

  it('fires data-loss on silently altered records, names them, and recommends the immediate rollback', async () => {
    const damaged = await withTarget(dir, async (target) => {
      const accounts = await ids(target, 'Account', 5);
      // Damage that leaves the modified-at alone (a job writing the database directly): edits people make move it.
      const before = await target.get('Account', accounts);
      const results = await target.write('Account', 'update', before.map((record) => ({ id: record.id, values: { Name: 'garbled by a sync job', LastModifiedDate: record.values.LastModifiedDate ?? null } })));
      expect(results.every((r) => r.ok)).toBe(true);
      return accounts;
    });
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code).toBe(1);
    expect(watch.json.verdict).toBe('critical');
    const dataLoss = checkOf(watch, 'data-loss');
    expect(dataLoss.status).toBe('fired');
    expect(dataLoss.measured).toContain('Account: 5 corrupted');
    const account = dataLoss.evidence.objects.find((o: { target: string }) => o.target === 'Account');
    expect(account.corrupted).toBe(5);
    expect(account.corruptions.map((c: { targetId: string }) => c.targetId).sort()).toEqual([...damaged].sort());
    expect(account.corruptions[0].fields).toEqual(['Name']);
    expect(watch.json.recommendation).toMatchObject({ action: 'rollback', procedure: 'immediate' });
    expect(watch.json.recommendation.next).toContain('cutover rollback --mode immediate');
  });

  it('fires on records deleted since go-live, and recommends by the time since: delayed after a day, fixing forward after a week', async () => {
    await withTarget(dir, async (target) => {
      const contacts = await ids(target, 'Contact', 12);
      expect((await target.delete('Contact', contacts, { mode: 'soft' })).every((r) => r.ok)).toBe(true);
    });
    const at = (hours: number) => new Date(Date.parse(goLive) + hours * HOUR).toISOString();
    const day2 = await run(dir, ['watch', '--once', '--at', at(36)]);
    expect(day2.code).toBe(1);
    expect(checkOf(day2, 'data-loss').evidence.objects.find((o: { target: string }) => o.target === 'Contact').deleted).toBe(12);
    expect(day2.json.recommendation).toMatchObject({ action: 'rollback', procedure: 'delayed', hoursSinceGoLive: 36 });
    const day8 = await run(dir, ['watch', '--once', '--at', at(8 * 24)]);
    expect(day8.code).toBe(1);
    expect(day8.json.recommendation).toMatchObject({ action: 'fix-forward', procedure: 'fix-forward' });
  });

  it('fires adoption when 30% of the users logged in by day 3, with the curve per day; not before day 3', async () => {
    const { users, logged } = await withTarget(dir, async (target) => {
      const active = (await target.listUsers()).filter((user) => user.active && !user.frozen);
      const few = active.slice(0, Math.floor(active.length * 0.3));
      expect(few.length).toBeGreaterThan(0);
      const [first] = await target.newIds('LoginHistory', 1);
      expect(first).toBeDefined();
      const logins = await target.newIds('LoginHistory', few.length);
      const written = await target.write(
        'LoginHistory',
        'insert',
        few.map((user, i) => ({ id: logins[i]!, values: { UserId: user.id, LoginTime: new Date(Date.parse(goLive) + (i + 1) * HOUR).toISOString(), LoginType: 'Application', Status: 'Success' } })),
      );
      expect(written.every((r) => r.ok), JSON.stringify(written.find((r) => !r.ok))).toBe(true);
      return { users: active.length, logged: few.length };
    });
    const at = (days: number) => new Date(Date.parse(goLive) + days * 24 * HOUR).toISOString();
    const early = await run(dir, ['watch', '--once', '--at', at(1)]);
    expect(early.code).toBe(0);
    expect(checkOf(early, 'adoption')).toMatchObject({ status: 'ok', reason: expect.stringContaining('too early') });
    const day3 = await run(dir, ['watch', '--once', '--at', at(3.5)]);
    expect(day3.code).toBe(1);
    const adoption = checkOf(day3, 'adoption');
    expect(adoption.status).toBe('fired');
    expect(adoption.evidence).toMatchObject({ expected: users, active: logged });
    expect(adoption.evidence.curve).toHaveLength(4);
    expect(adoption.evidence.curve[0]).toMatchObject({ day: 1, active: logged });
    expect(day3.json.recommendation).toMatchObject({ action: 'rollback', procedure: 'delayed' });
  });

  it('fires on a critical finding until it is resolved, and records the decision with its evidence', async () => {
    const added = await run(dir, ['finding', 'add', '--severity', 'critical', 'Sales reps can read salary fields']);
    expect(added.code, added.err).toBe(0);
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code).toBe(1);
    expect(checkOf(watch, 'security.findings')).toMatchObject({ status: 'fired', severity: 'critical', reason: 'critical: Sales reps can read salary fields' });

    const decided = await run(dir, ['decide', 'rollback', '--reason', 'salary data exposed']);
    expect(decided.code, decided.err).toBe(0);
    expect(decided.json).toMatchObject({ decision: 'rollback', roundId: watch.json.id, procedure: 'immediate', againstRecommendation: false });
    expect(decided.json.evidence.openFindings).toHaveLength(1);
    const status = await run(dir, ['status']);
    expect(status.json.decision).toMatchObject({ id: decided.json.id, decision: 'rollback', reason: 'salary data exposed' });

    expect((await run(dir, ['finding', 'resolve', added.json.id, '--note', 'permission set fixed'])).code).toBe(0);
    expect((await run(dir, ['watch', '--once'])).code).toBe(0);
    const bad = await run(dir, ['decide', 'maybe', '--reason', 'x']);
    expect(bad.code).toBe(2);
  });

  it("fires the demo's workflow probe when open opportunities lose their owner", async () => {
    const orphaned = await withTarget(dir, async (target) => {
      const open: string[] = [];
      for await (const batch of target.read('Opportunity')) open.push(...batch.records.filter((record) => record.values.IsClosed === false).map((record) => record.id));
      const some = open.slice(0, 2);
      expect(some).toHaveLength(2);
      expect((await target.write('Opportunity', 'update', some.map((id) => ({ id, values: { OwnerId: null } })))).every((r) => r.ok)).toBe(true);
      return some;
    });
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code).toBe(1);
    const probe = checkOf(watch, 'workflow.open-opportunities-have-owner');
    expect(probe).toMatchObject({ status: 'fired', severity: 'critical', measured: '2 records' });
    expect([...probe.evidence.sampleIds].sort()).toEqual([...orphaned].sort());
  });

  it('fires when an integration goes down, and is healthy while it answers', async () => {
    const server = createServer((request, response) => response.writeHead(200, { 'content-type': 'application/json' }).end('{"status": "ok"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const file = path.join(dir, 'demo', 'cutover.yaml');
    const plan = parseDocument(readFileSync(file, 'utf8'));
    plan.setIn(['triggers', 'integrations'], [{ name: 'billing-api', url: `http://127.0.0.1:${port}/health`, body: '"status": *"ok"', timeout: '2s' }]);
    writeFileSync(file, plan.toString());
    try {
      const up = await run(dir, ['watch', '--once']);
      expect(up.code, up.err).toBe(0);
      expect(checkOf(up, 'integration.billing-api')).toMatchObject({ status: 'ok', evidence: { status: 200 } });
    } finally {
      // This process may still hold a kept-alive connection to it: the check then sees it closed rather than refused.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const down = await run(dir, ['watch', '--once']);
    expect(down.code).toBe(1);
    expect(checkOf(down, 'integration.billing-api')).toMatchObject({ status: 'fired', severity: 'critical', reason: expect.stringMatching(/connection refused|closed the connection/) });
    expect(down.json.recommendation.reason).toContain('integration.billing-api');
  });

  it('fires data-loss after `simulate salesforce --deletes 5`, and recommends the immediate rollback', async () => {
    const simulated = await run(dir, ['simulate', 'salesforce', '--deletes', '5']);
    expect(simulated.code, simulated.err).toBe(0);
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code).toBe(1);
    expect(watch.json.verdict).toBe('critical');
    expect(checkOf(watch, 'data-loss')).toMatchObject({ status: 'fired', severity: 'critical' });
    expect(checkOf(watch, 'data-loss').evidence.totals.deleted).toBeGreaterThan(0);
    expect(watch.json.recommendation).toMatchObject({ action: 'rollback', procedure: 'immediate' });
    // verify-migration counts the soft deletions as changed values; since go-live, as deletions.
    expect((await run(dir, ['verify-migration'])).code).toBe(1);
    const since = await run(dir, ['verify-migration', '--since-go-live']);
    expect(since.code).toBe(0);
    const deleted = since.json.objects.reduce((sum: number, o: { deleted: number }) => sum + o.deleted, 0);
    expect(deleted).toBe(checkOf(watch, 'data-loss').evidence.totals.deleted);
  });

  it('fires security.admins for a user given admin rights nobody had before', async () => {
    const promoted = await withTarget(dir, async (target) => {
      const user = (await target.listUsers()).find((candidate) => candidate.active && !candidate.isAdmin);
      expect(user).toBeDefined();
      expect((await target.write('User', 'update', [{ id: user!.id, values: { ProfileName: 'System Administrator' } }]))[0]?.ok).toBe(true);
      return user!;
    });
    const watch = await run(dir, ['watch', '--once']);
    expect(watch.code).toBe(1);
    const admins = checkOf(watch, 'security.admins');
    expect(admins.status).toBe('fired');
    expect(admins.evidence.newAdmins).toEqual([{ id: promoted.id, user: promoted.username ?? promoted.email ?? promoted.id, role: promoted.role }]);
  });
});
