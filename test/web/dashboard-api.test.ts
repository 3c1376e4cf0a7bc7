/**
 * The dashboard's JSON API over a state store in which the demo flow ran
 * (migration, go-live, use, watch, decision, immediate rollback): status,
 * timeline, a run with its steps, a ledger search, and the one action,
 * approving a customer message, which needs the token and a person's name
 * and goes to the audit log. Bad input is a 400, an unknown id a 404.
 * Then `cutover dashboard` as a real process serving it on a port.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { loadPlan } from '../../src/plan/load-plan.js';
import { StateStore } from '../../src/state/index.js';
import { dashboardApi } from '../../src/web/dashboard-api.js';
import { startDashboard } from '../support/dashboard-process.js';
import { runCli, TEST_KEY } from '../support/cli-run.js';

const TOKEN = 'war-room-token-7c1e';
let dir: string;
let state: StateStore;
let app: Hono;
let rollbackId: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cutover-dashboard-'));
  expect((await runCli(dir, ['init', '--demo', '--dir', '.', '--records', '200'])).code).toBe(0);
  for (const args of [['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes'], ['simulate', 'salesforce', '--new', '10', '--edits', '5', '--deletes', '5', '--days', '1'], ['watch', '--once'], ['decide', 'rollback', '--reason', 'records lost after go-live'], ['rollback', '--yes']]) {
    const step = await runCli(dir, args);
    expect(step.code === 0 || (args[0] === 'watch' && step.code === 1), `${args.join(' ')}: ${step.err}`).toBe(true);
    if (args[0] === 'rollback') rollbackId = step.json.id;
  }
  state = await StateStore.open(dir);
  app = dashboardApi({ loaded: loadPlan(path.join(dir, 'cutover.yaml')), state, env: { ...process.env, CUTOVER_KEY: TEST_KEY }, token: TOKEN });
});

afterAll(async () => {
  await state?.close();
});

const CONFIRMED = JSON.stringify({ confirm: true });

/** The status and message of a refused request. */
async function problemOf(request: Response | Promise<Response>): Promise<[number, string]> {
  const response = await request;
  return [response.status, ((await response.json()) as { error: { message: string } }).error.message];
}

async function get(url: string): Promise<{ status: number; body: any }> {
  const response = await app.request(url);
  return { status: response.status, body: await response.json() };
}

describe('the dashboard API', () => {
  it('serves the status, with the go-live, the decision, the rollback and the message waiting for approval', async () => {
    const { status, body } = await get('/api/status');
    expect(status).toBe(200);
    expect(body).toMatchObject({ project: 'Acme Corp — legacy CRM to Salesforce (demo)', source: 'legacy', target: 'salesforce', decision: { decision: 'rollback' }, rollback: { id: rollbackId, status: 'succeeded' }, watch: { verdict: 'critical' } });
    expect(body.backup.verification.ok).toBe(true);
    expect(body.messages.awaitingApproval).toHaveLength(1);
    expect(body).not.toHaveProperty('waiting');
  });

  it('serves the timeline oldest first, every kind of event on one axis', async () => {
    const { body } = await get('/api/timeline');
    const events: Array<{ at: string; kind: string; title: string; status: string }> = body.events;
    expect([...new Set(events.map((event) => event.kind))].sort()).toEqual(['backup', 'decision', 'go-live', 'run', 'watch']);
    expect(events.map((event) => event.at)).toEqual([...events.map((event) => event.at)].sort());
    expect(events.find((event) => event.kind === 'watch')).toMatchObject({ title: 'watch: critical', status: 'critical' });
    expect(events.filter((event) => event.kind === 'run').map((event) => event.title.split(' ')[0])).toEqual(['migrate', 'simulate', 'rollback']);
  });

  it('serves each trigger now, with its evidence, and its history over the rounds', async () => {
    const { body } = await get('/api/triggers');
    expect(body.verdict).toBe('critical');
    const dataLoss = body.triggers.find((trigger: { check: string }) => trigger.check === 'data-loss');
    expect(dataLoss.current).toMatchObject({ status: 'fired', threshold: expect.stringContaining('deleted') });
    expect(dataLoss.current.measured).toMatch(/deleted since go-live/);
    expect(Object.keys(dataLoss.current.evidence).length).toBeGreaterThan(0);
    expect(dataLoss.history.map((point: { status: string }) => point.status)).toEqual(['fired']);
  });

  it('serves a run with its steps, and a 404 for one that does not exist', async () => {
    const run = await get(`/api/runs/${rollbackId}`);
    expect(run.body.steps.map((step: { name: string; status: string }) => `${step.name} ${step.status}`)).toEqual(['freeze-target succeeded', 'export-delta succeeded', 'restore-source succeeded', 'reenable-source succeeded', 'communicate succeeded']);
    expect(await get('/api/runs/rollback-nope')).toEqual({ status: 404, body: { error: { status: 404, message: 'There is no run rollback-nope.' } } });
    expect((await get('/api/nothing')).status).toBe(404);
  });

  it('searches the ledger by record, and refuses a search with no record or an unknown filter', async () => {
    const [entry] = (await state.ledger.idMap('salesforce', 'Account')).slice(0, 1);
    const bySource = await get(`/api/ledger?system=salesforce&sourceId=${entry!.sourceId}`);
    expect(bySource.status).toBe(200);
    expect(bySource.body.entries.some((e: { targetId: string }) => e.targetId === entry!.targetId)).toBe(true);
    const byTarget = await get(`/api/ledger?targetId=${entry!.targetId}`);
    expect(byTarget.body.entries.every((e: { targetId: string }) => e.targetId === entry!.targetId)).toBe(true);
    const [migration] = await state.runs.list({ kind: 'migrate' });
    const all = await state.ledger.entries({ runId: migration!.id });
    const byRun = await get(`/api/ledger?runId=${migration!.id}`);
    expect(byRun.body).toMatchObject({ total: all.length, limited: all.length > 200 });
    expect(byRun.body.entries.map((e: { id: number }) => e.id)).toEqual(all.slice(0, 200).map((e) => e.id));
    expect((await get('/api/ledger')).status).toBe(400);
    expect((await get('/api/ledger?sourceId=1&colour=red')).body.error.message).toBe('Unknown ledger filter colour; filters are system, object, sourceId, targetId, runId.');
  });

  it('approves a customer message only with the token, a name and a confirmation, once, and audits who did it', async () => {
    const [waiting] = await state.messages.list({ status: 'awaiting_approval' });
    const approve = (headers: Record<string, string>, body = CONFIRMED, id = waiting!.id) => app.request(`/api/messages/${id}/approve`, { method: 'POST', headers, body });
    const dana = { authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Dana' };
    expect((await approve({})).status).toBe(401);
    expect((await approve({ authorization: 'Bearer not-it' })).status).toBe(401);
    expect((await approve({ authorization: `Bearer ${TOKEN}` })).status).toBe(400);
    expect(await problemOf(approve(dana, ''))).toEqual([400, expect.stringMatching(/^The body is not JSON \(.+\); send an object with "confirm": true\.$/)]);
    expect(await problemOf(approve(dana, '{"confirm": "yes"}'))).toEqual([400, 'Confirm the action: the body must say "confirm": true.']);
    expect(await problemOf(approve(dana, '[true]'))).toEqual([400, 'The body must be a JSON object with "confirm": true.']);
    expect((await approve(dana, CONFIRMED, 'msg-nope')).status).toBe(404);
    expect((await state.messages.get(waiting!.id))?.status).toBe('awaiting_approval');
    const approved = await approve(dana);
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ id: waiting!.id, status: 'sent' });
    expect(await state.messages.get(waiting!.id)).toMatchObject({ status: 'sent', approvedBy: 'Dana' });
    expect((await approve(dana)).status).toBe(409);
    const audit = await state.audit.list({ limit: 5 });
    expect(audit.find((entry) => entry.command === 'dashboard approve')).toMatchObject({ user: 'Dana', outcome: 'succeeded' });
  });

  it('records a go/no-go decision with its evidence, only with the token, a name, a confirmation and a reason, and audits it', async () => {
    const decide = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Lee' }) => app.request('/api/decisions', { method: 'POST', headers, body: JSON.stringify(body) });
    const before = await state.decisions.list('salesforce');
    expect((await decide({ confirm: true, decision: 'continue', reason: 'fixed' }, {})).status).toBe(401);
    expect(await problemOf(decide({ decision: 'continue', reason: 'fixed' }))).toEqual([400, 'Confirm the action: the body must say "confirm": true.']);
    expect(await problemOf(decide({ confirm: true, decision: 'maybe', reason: 'fixed' }))).toEqual([400, 'decision must be "rollback" or "continue", not "maybe".']);
    expect(await problemOf(decide({ confirm: true, decision: 'continue', reason: '  ' }))).toEqual([400, 'reason must say why, in a sentence people will read later.']);
    expect(await state.decisions.list('salesforce')).toHaveLength(before.length);

    const response = await decide({ confirm: true, decision: 'continue', reason: 'the lost records were found in the recycle bin' });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; user: string; decision: string; againstRecommendation: boolean; evidence: { evaluations: Array<{ check: string; status: string }> } };
    expect(body).toMatchObject({ decision: 'continue', user: 'Lee', againstRecommendation: true });
    expect(body.evidence.evaluations.find((evaluation) => evaluation.check === 'data-loss')?.status).toBe('fired');
    expect(await state.decisions.latest('salesforce')).toMatchObject({ id: body.id, decision: 'continue', user: 'Lee', reason: 'the lost records were found in the recycle bin' });
    expect((await state.audit.list({ limit: 5 })).find((entry) => entry.command === 'dashboard decide')).toMatchObject({ user: 'Lee', outcome: 'succeeded', summary: expect.stringContaining('continue') });
    expect((await get('/api/status')).body.decision).toMatchObject({ decision: 'continue', by: 'Lee' });
  });

  it('starts a drill in a child process, one at a time, whose phases are recorded as they run, and audits who started it', async () => {
    const start = (body: unknown) => app.request('/api/drills', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Sam' }, body: JSON.stringify(body) });
    expect(await problemOf(start({ confirm: true, mode: 'sideways' }))).toEqual([400, 'mode must be "immediate" or "delayed", not "sideways".']);
    expect(await problemOf(start({ confirm: true, deletes: 150 }))).toEqual([400, 'deletes is a percent of the migrated records: 0 to 100, not 150.']);
    expect(await problemOf(start({ confirm: true, new: -1 }))).toEqual([400, 'new must be a whole number of 0 or more, not -1.']);
    expect(await problemOf(start({ confirm: true, days: 0 }))).toEqual([400, 'days of use after the drill go-live must be 1 or more, not 0.']);
    expect(await problemOf(start({ confirm: true, edits: 2.5 }))).toEqual([400, 'edits must be a whole number of 0 or more, not 2.5.']);
    expect(await problemOf(start({ confirm: true, colour: 'red' }))).toEqual([400, 'Unknown drill option colour; options are mode, new, edits, deletes, days.']);
    expect(await state.runs.list({ kind: 'drill' })).toEqual([]);

    const response = await start({ confirm: true, mode: 'immediate', new: 3000, edits: 5, deletes: 1, days: 1 });
    expect(response.status).toBe(202);
    const started = (await response.json()) as { id: string; by: string; running: boolean; log: string };
    expect(started).toMatchObject({ id: expect.stringMatching(/^drill-/), by: 'Sam', running: true });
    expect(await problemOf(start({ confirm: true }))).toEqual([409, expect.stringMatching(new RegExp(`^A drill is running already \\(${started.id}, started by Sam\\)`))]);

    await expect.poll(async () => (await state.runs.get(started.id))?.status, { timeout: 60_000, interval: 250 }).toBe('succeeded');
    const run = await get(`/api/runs/${started.id}`);
    expect(run.body.steps.map((step: { name: string; status: string }) => `${step.name} ${step.status}`)).toEqual(['sandboxes', 'backup', 'snapshot', 'migrate', 'go-live', 'simulate', 'watch', 'decide', 'rollback'].map((name) => `${name} succeeded`));
    expect(run.body.steps.every((step: { seconds: number; startedAt: string }) => step.seconds > 0 && step.startedAt)).toBe(true);
    // The run is recorded finished a moment before the process ends (its messages and audit come last).
    await expect.poll(async () => (await get('/api/drills')).body.started.running, { timeout: 30_000, interval: 100 }).toBe(false);
    const drills = await get('/api/drills');
    const drill = drills.body.drills.find((each: { id: string }) => each.id === started.id);
    expect(drill.summary.rollbackSteps.map((step: { name: string }) => step.name)).toEqual(['freeze-target', 'export-delta', 'restore-source', 'reenable-source', 'communicate']);
    expect(drill.summary.rto).toMatchObject({ objective: '4h', verdict: 'pass' });
    expect(drills.body.started).toMatchObject({ id: started.id, running: false, exitCode: 0 });
    expect(readFileSync(started.log, 'utf8')).toContain(started.id);
    const audited = (await state.audit.list({ limit: 10 })).filter((entry) => entry.command === 'dashboard drill');
    expect(audited.map((entry) => [entry.user, entry.outcome, entry.summary])).toEqual([
      ['Sam', 'failed', `A drill is running already (${started.id}, started by Sam); wait for it to end.`],
      ['Sam', 'succeeded', `Sam started drill ${started.id}`],
    ]);
  }, 90_000);

  it('says why a drill did not start, in its own words', async () => {
    // The plan file moved after the dashboard started: the child stops before it records a run.
    const loaded = loadPlan(path.join(dir, 'cutover.yaml'));
    const moved = dashboardApi({ loaded: { ...loaded, file: path.join(dir, 'moved.yaml') }, state, env: { ...process.env, CUTOVER_KEY: TEST_KEY }, token: TOKEN });
    const drillsBefore = (await state.runs.list({ kind: 'drill' })).length;
    const [status, message] = await problemOf(moved.request('/api/drills', { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Sam' }, body: CONFIRMED }));
    expect(status).toBe(409);
    expect(message).toBe(`The drill did not start: No plan at ${path.join(dir, 'moved.yaml')}.`);
    expect(await state.runs.list({ kind: 'drill' })).toHaveLength(drillsBefore);
    expect((await state.audit.list({ limit: 1 }))[0]).toMatchObject({ command: 'dashboard drill', user: 'Sam', outcome: 'failed', summary: message });
  }, 30_000);

  it('is served by cutover dashboard on a local port, printing the token, until stopped', async () => {
    const dashboard = await startDashboard(dir, { CUTOVER_KEY: TEST_KEY });
    try {
      expect(dashboard.token).toMatch(/^[\w-]{20,}$/);
      const response = await fetch(`${dashboard.url}/api/status`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { target: string }).target).toBe('salesforce');
      expect(dashboard.stderr()).toBe('');
      // A page on another name that resolves to loopback (DNS rebinding) is not answered.
      const rebound = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const request = httpRequest(`${dashboard.url}/api/status`, { headers: { host: 'attacker.example:4820' } }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        });
        request.on('error', reject);
        request.end();
      });
      expect(rebound.status).toBe(421);
      expect(JSON.parse(rebound.body).error.message).toBe('This dashboard answers to 127.0.0.1, localhost, [::1], not to attacker.example.');
    } finally {
      expect(await dashboard.stop()).toBe(0);
    }
  });

  it('warns when it listens beyond loopback, and takes the token from the environment when told', async () => {
    const dashboard = await startDashboard(dir, { CUTOVER_KEY: TEST_KEY, WAR_ROOM_TOKEN: 'from-the-environment-1234' }, ['--host', '0.0.0.0', '--token', 'env:WAR_ROOM_TOKEN']);
    try {
      expect(dashboard.stderr()).toContain('Warning: listening on 0.0.0.0, not loopback: anyone who can reach it reads the state. Put TLS in front of it.');
      expect(dashboard.token).toBeUndefined();
      const refused = await fetch(`${dashboard.url}/api/decisions`, { method: 'POST', headers: { authorization: 'Bearer not-it', 'x-cutover-user': 'Lee' }, body: CONFIRMED });
      expect(refused.status).toBe(401);
      const taken = await fetch(`${dashboard.url}/api/decisions`, { method: 'POST', headers: { authorization: 'Bearer from-the-environment-1234', 'x-cutover-user': 'Lee' }, body: JSON.stringify({ confirm: true, decision: 'rollback', reason: 'as decided in the call' }) });
      expect(taken.status).toBe(201);
    } finally {
      expect(await dashboard.stop()).toBe(0);
    }
  });

  it('leaves a drill it started running to its end when it is stopped with Ctrl-C (SIGINT to its process group)', async () => {
    const dashboard = await startDashboard(dir, { CUTOVER_KEY: TEST_KEY }, [], { group: true });
    let id: string;
    try {
      const response = await fetch(`${dashboard.url}/api/drills`, { method: 'POST', headers: { authorization: `Bearer ${dashboard.token}`, 'x-cutover-user': 'Kim' }, body: JSON.stringify({ confirm: true, new: 3000 }) });
      expect(response.status).toBe(202);
      id = ((await response.json()) as { id: string }).id;
      expect((await state.runs.get(id))?.status).toBe('running');
    } finally {
      expect(await dashboard.stop()).toBe(0);
    }
    await expect.poll(async () => (await state.runs.get(id))?.status, { timeout: 60_000, interval: 250 }).toBe('succeeded');
  }, 90_000);

  it('refuses a token variable that is not set, saying which', async () => {
    const run = await runCli(dir, ['dashboard', '--token', 'env:WAR_ROOM_TOKEN_UNSET']);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('WAR_ROOM_TOKEN_UNSET');
    expect(run.err).not.toMatch(/\n\s+at /);
  });
});
