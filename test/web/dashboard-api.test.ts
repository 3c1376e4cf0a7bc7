/**
 * The dashboard's JSON API over a state store in which the demo flow ran
 * (migration, go-live, use, watch, decision, immediate rollback): status,
 * timeline, a run with its steps, a ledger search, and the one action,
 * approving a customer message, which needs the token and a person's name
 * and goes to the audit log. Bad input is a 400, an unknown id a 404.
 * Then `cutover dashboard` as a real process serving it on a port.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { loadPlan } from '../../src/plan/load-plan.js';
import { StateStore } from '../../src/state/index.js';
import { dashboardApi } from '../../src/web/dashboard-api.js';
import { BIN } from '../support/child-cli.js';
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
    expect((await get('/api/ledger')).status).toBe(400);
    expect((await get('/api/ledger?sourceId=1&colour=red')).body.error.message).toBe('Unknown ledger filter colour; filters are system, object, sourceId, targetId, runId.');
  });

  it('approves a customer message only with the token and a name, once, and audits who did it', async () => {
    const [waiting] = await state.messages.list({ status: 'awaiting_approval' });
    const approve = (headers: Record<string, string>, id = waiting!.id) => app.request(`/api/messages/${id}/approve`, { method: 'POST', headers });
    expect((await approve({})).status).toBe(401);
    expect((await approve({ authorization: 'Bearer not-it' })).status).toBe(401);
    expect((await approve({ authorization: `Bearer ${TOKEN}` })).status).toBe(400);
    expect((await approve({ authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Dana' }, 'msg-nope')).status).toBe(404);
    expect((await state.messages.get(waiting!.id))?.status).toBe('awaiting_approval');
    const approved = await approve({ authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Dana' });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ id: waiting!.id, status: 'sent' });
    expect(await state.messages.get(waiting!.id)).toMatchObject({ status: 'sent', approvedBy: 'Dana' });
    expect((await approve({ authorization: `Bearer ${TOKEN}`, 'x-cutover-user': 'Dana' })).status).toBe(409);
    const audit = await state.audit.list({ limit: 5 });
    expect(audit.find((entry) => entry.command === 'dashboard approve')).toMatchObject({ user: 'Dana', outcome: 'succeeded' });
  });

  it('is served by cutover dashboard on a local port, printing the token, until stopped', async () => {
    const child = spawn(process.execPath, [BIN, 'dashboard', '--port', '0', '--json'], { cwd: dir, env: { ...process.env, CUTOVER_KEY: TEST_KEY } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const started = await new Promise<{ url: string; token: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start-up line: ${out}`)), 15_000);
      child.stdout.on('data', () => {
        try {
          const parsed = JSON.parse(out);
          clearTimeout(timer);
          resolve(parsed);
        } catch {
          // not all of it yet
        }
      });
    });
    try {
      expect(started.token).toMatch(/^[\w-]{20,}$/);
      const response = await fetch(`${started.url}/api/status`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { target: string }).target).toBe('salesforce');
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    }
  });
});
