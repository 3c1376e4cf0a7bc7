/**
 * Integration checks against real things: a local HTTP server that answers
 * normally, slowly, with 500, with another body, or never; a port where
 * nothing listens; and integration log tables on SQLite, PostgreSQL and
 * MariaDB with entries inside and outside the window.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { Connector, ObjectDefinition, WriteRecord } from '../../src/connectors/contract.js';
import { openConnector } from '../../src/connectors/registry.js';
import { parsePlan, type LoadedPlan } from '../../src/plan/load-plan.js';
import { systemFromPlan } from '../../src/plan/systems.js';
import type { IntegrationConfig } from '../../src/plan/triggers-schema.js';
import { StateStore, type GoLive } from '../../src/state/index.js';
import type { CheckContext, Evaluation } from '../../src/watch/check-types.js';
import { integrationChecks, integrationProblems } from '../../src/watch/checks/integrations.js';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/databases.js';
import { closedPortUrl, startHttpServer, type TestHttpServer } from '../support/http-server.js';

/** A plan folder, a state store and a go-live to build check contexts from. */
interface Setting {
  dir: string;
  state: StateStore;
  goLive: GoLive;
}

async function makeSetting(prefix: string): Promise<Setting> {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const state = await StateStore.openFile(path.join(dir, '.cutover', 'state.db'));
  const goLive: GoLive = { id: 'go-live-1', system: 'crm', source: 'legacy', at: '2030-01-15T08:00:00.000Z', backupId: null, migrateRun: null, frozenUsers: [], user: 'tester' };
  await state.goLives.record(goLive);
  return { dir, state, goLive };
}

/** Parses a plan with these systems and integrations, as `cutover.yaml` in the setting's folder. */
function planWith(setting: Setting, systems: Record<string, string>, integrations: unknown[]): LoadedPlan {
  const text = stringify({
    version: 1,
    project: { name: 'integration checks' },
    systems: Object.fromEntries(Object.entries(systems).map(([name, url]) => [name, { role: name === 'legacy' ? 'source' : 'target', url }])),
    triggers: { integrations },
  });
  return parsePlan(text, path.join(setting.dir, 'cutover.yaml'));
}

interface Run {
  evaluations: Evaluation[];
  /** Wall-clock milliseconds of the whole integrationChecks call. */
  ms: number;
}

/**
 * Runs the checks as the watch would: systems opened on demand through the
 * plan, once each, and closed after the evaluation.
 */
async function evaluate(
  setting: Setting,
  loaded: LoadedPlan,
  options: { now?: Date; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<Run> {
  const opened = new Map<string, Promise<Connector>>();
  const env = options.env ?? {};
  const context: CheckContext = {
    now: options.now ?? new Date(),
    plan: loaded,
    state: setting.state,
    goLive: setting.goLive,
    env,
    system(name) {
      let connector = opened.get(name);
      if (!connector) {
        connector = openConnector(systemFromPlan(loaded, name, env));
        opened.set(name, connector);
      }
      return connector;
    },
  };
  if (options.signal) context.signal = options.signal;
  const t0 = performance.now();
  try {
    const evaluations = await integrationChecks(loaded.plan.triggers?.integrations ?? [], context);
    return { evaluations, ms: performance.now() - t0 };
  } finally {
    for (const connector of opened.values()) await connector.then((c) => c.close()).catch(() => undefined);
  }
}

describe('HTTP health checks', () => {
  let server: TestHttpServer;
  let setting: Setting;
  const systems = { legacy: 'sqlite:./legacy.db', crm: 'sqlite:./crm.db' };
  const check = async (integration: Record<string, unknown>, options: Parameters<typeof evaluate>[2] = {}): Promise<Evaluation> => {
    const { evaluations } = await evaluate(setting, planWith(setting, systems, [integration]), options);
    expect(evaluations).toHaveLength(1);
    return evaluations[0]!;
  };

  beforeAll(async () => {
    server = await startHttpServer();
    setting = await makeSetting('cutover-http-');
  });

  afterAll(async () => {
    await server?.close();
    await setting?.state.close();
  });

  it('is ok when the answer has the expected status, is fast enough and matches the body pattern', async () => {
    server.answer('/health', { status: 200, body: '{"status":"ok","version":"4.2"}' });
    const now = new Date();
    const evaluation = await check({ name: 'billing-api', url: `${server.origin}/health`, maxLatency: '2s', body: '"status":"ok"' }, { now });
    expect(evaluation).toMatchObject({
      check: 'integration.billing-api',
      kind: 'integration',
      severity: 'critical',
      status: 'ok',
      threshold: 'status 200, < 2000 ms, body /"status":"ok"/',
      at: now.toISOString(),
    });
    expect(evaluation.reason).toBeUndefined();
    expect(evaluation.measured).toBe(`200 in ${evaluation.evidence.latencyMs as number} ms`);
    expect(evaluation.evidence).toEqual({ url: `${server.origin}/health`, method: 'GET', status: 200, latencyMs: expect.any(Number), body: '{"status":"ok","version":"4.2"}' });
    expect(evaluation.evidence.latencyMs as number).toBeLessThan(2000);
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: '/health' });
  });

  it('fires when the answer comes later than maxLatency, with the measured latency', async () => {
    server.answer('/slow', { status: 200, body: 'ok', delayMs: 300 });
    const evaluation = await check({ name: 'slow-api', url: `${server.origin}/slow`, maxLatency: '100ms', timeout: '5s', severity: 'warning' });
    expect(evaluation).toMatchObject({ status: 'fired', severity: 'warning', threshold: 'status 200, < 100 ms' });
    const latency = evaluation.evidence.latencyMs as number;
    expect(latency).toBeGreaterThanOrEqual(300);
    expect(evaluation.measured).toBe(`200 in ${latency} ms`);
    expect(evaluation.reason).toBe(`answered in ${latency} ms, more than the 100 ms allowed`);
  });

  it('fires on a 500, keeping the status and the body as evidence', async () => {
    server.answer('/error', { status: 500, body: 'internal error: database pool exhausted' });
    const evaluation = await check({ name: 'erp-sync', url: `${server.origin}/error` });
    expect(evaluation).toMatchObject({ status: 'fired', threshold: 'status 200', reason: 'status 500, expected 200' });
    expect(evaluation.measured).toMatch(/^500 in \d+ ms$/);
    expect(evaluation.evidence).toMatchObject({ status: 500, body: 'internal error: database pool exhausted' });
    expect(evaluation.evidence.error).toBeUndefined();
  });

  it('fires when the body does not match, and says every way the answer was wrong', async () => {
    server.answer('/maintenance', { status: 200, body: 'down for maintenance' });
    const wrongBody = await check({ name: 'portal', url: `${server.origin}/maintenance`, body: '^ok$' });
    expect(wrongBody).toMatchObject({ status: 'fired', reason: 'the body does not match /^ok$/', evidence: { status: 200, body: 'down for maintenance' } });

    server.answer('/unavailable', { status: 503, body: 'down for maintenance' });
    const both = await check({ name: 'portal', url: `${server.origin}/unavailable`, status: [200, 204], body: '^ok$' });
    expect(both).toMatchObject({ status: 'fired', threshold: 'status 200 or 204, body /^ok$/', reason: 'status 503, expected 200 or 204; the body does not match /^ok$/' });

    server.answer('/no-content', { status: 204, body: '' });
    const accepted = await check({ name: 'portal', url: `${server.origin}/no-content`, status: [200, 204] });
    expect(accepted).toMatchObject({ status: 'ok', evidence: { status: 204, body: '' } });
  });

  it('fires when the request gets no answer within the timeout (the integration is down), without waiting longer', async () => {
    server.answer('/hang', { hang: true });
    const evaluation = await check({ name: 'hanging-api', url: `${server.origin}/hang`, timeout: '200ms' });
    expect(evaluation).toMatchObject({
      status: 'fired',
      reason: 'no answer within 200 ms: the integration counts as down',
      evidence: { url: `${server.origin}/hang`, status: null, body: null, error: 'timeout' },
    });
    const latency = evaluation.evidence.latencyMs as number;
    expect(latency).toBeGreaterThanOrEqual(190);
    expect(latency).toBeLessThan(1500);
    expect(evaluation.measured).toBe(`no answer in ${latency} ms`);
    expect(evaluation.seconds).toBeLessThan(1.5);
  });

  it('fires when the connection is refused', async () => {
    const url = await closedPortUrl('/health');
    const host = new URL(url).host;
    const evaluation = await check({ name: 'gone-api', url, timeout: '5s' });
    expect(evaluation).toMatchObject({
      status: 'fired',
      measured: 'connection refused',
      reason: `connection refused by ${host}: nothing answers there`,
      evidence: { url, status: null, body: null, error: 'ECONNREFUSED' },
    });
  });

  it('sends secret headers from env: and file: references, and keeps them out of the evaluation even when the server echoes them', async () => {
    const token = 'Bearer tok-9f8e7d6c5b4a39281706';
    const apiKey = 'key-5a4b3c2d1e0f-from-file';
    mkdirSync(path.join(setting.dir, 'secrets'), { recursive: true });
    writeFileSync(path.join(setting.dir, 'secrets', 'api-key.txt'), `${apiKey}\n`);
    server.answer('/echo', { status: 500, body: (request) => `you sent ${JSON.stringify(request.headers)}` });
    const evaluation = await check(
      { name: 'echo', url: `${server.origin}/echo`, headers: { Authorization: 'env:BILLING_TOKEN', 'X-Api-Key': 'file:secrets/api-key.txt', Accept: 'text/plain' } },
      { env: { BILLING_TOKEN: token } },
    );
    const received = server.requests.at(-1)!;
    expect(received.headers.authorization).toBe(token);
    expect(received.headers['x-api-key']).toBe(apiKey);
    expect(evaluation.status).toBe('fired');
    const shown = JSON.stringify(evaluation);
    expect(shown).not.toContain('tok-9f8e7d6c5b4a39281706');
    expect(shown).not.toContain(apiKey);
    // The body is still there, with the secrets hidden and the rest intact.
    expect(evaluation.evidence.body).toContain('"authorization":"***"');
    expect(evaluation.evidence.body).toContain('"x-api-key":"***"');
    expect(evaluation.evidence.body).toContain('"accept":"text/plain"');
  });

  it('cuts the body excerpt at 300 characters after hiding secrets, so a secret across the cut does not leak a prefix', async () => {
    const secret = 'sk-live-0123456789abcdefghij';
    server.answer('/long', { status: 200, body: `${'a'.repeat(290)}${secret}${'b'.repeat(700)}` });
    const evaluation = await check({ name: 'long', url: `${server.origin}/long`, headers: { 'X-Service-Key': 'env:SERVICE_KEY' } }, { env: { SERVICE_KEY: secret } });
    expect(evaluation.status).toBe('ok');
    expect(evaluation.evidence.body).toBe(`${'a'.repeat(290)}***${'b'.repeat(7)}`);
  });

  it('sends credentials written in the URL as basic authentication and shows the URL without them', async () => {
    server.answer('/basic', { status: 200, body: 'ok' });
    const evaluation = await check({ name: 'basic', url: `http://monitor:pa55-w0rd-xyz@${new URL(server.origin).host}/basic?region=eu` });
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('monitor:pa55-w0rd-xyz').toString('base64')}`);
    expect(evaluation).toMatchObject({ status: 'ok', evidence: { url: `${server.origin}/basic?region=eu` } });
    expect(JSON.stringify(evaluation)).not.toContain('pa55-w0rd-xyz');
  });

  it('is unknown, naming the variable, when a header secret cannot be resolved, and sends nothing', async () => {
    server.answer('/never', { status: 200, body: 'ok' });
    const before = server.requests.length;
    const evaluation = await check({ name: 'billing-api', url: `${server.origin}/never`, headers: { Authorization: 'env:BILLING_TOKEN' } });
    expect(evaluation).toMatchObject({
      check: 'integration.billing-api',
      status: 'unknown',
      measured: null,
      reason: 'triggers.integrations[0].headers.Authorization: the environment variable BILLING_TOKEN is not set.',
      evidence: {},
    });
    expect(server.requests.length).toBe(before);
  });

  it('runs the checks concurrently and returns them in the order of the plan', async () => {
    server.answer('/slow-a', { status: 200, body: 'a', delayMs: 500 });
    server.answer('/slow-b', { status: 200, body: 'b', delayMs: 500 });
    server.answer('/slow-c', { status: 200, body: 'c', delayMs: 500 });
    const loaded = planWith(setting, systems, ['a', 'b', 'c'].map((x) => ({ name: `slow-${x}`, url: `${server.origin}/slow-${x}` })));
    const { evaluations, ms } = await evaluate(setting, loaded);
    expect(evaluations.map((e) => [e.check, e.status, e.evidence.body])).toEqual([
      ['integration.slow-a', 'ok', 'a'],
      ['integration.slow-b', 'ok', 'b'],
      ['integration.slow-c', 'ok', 'c'],
    ]);
    // One after the other would take 1500 ms or more.
    expect(ms).toBeLessThan(1400);
  });

  it('is unknown, not fired, when the watch itself is interrupted', async () => {
    server.answer('/hang-long', { hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stopped')), 100);
    const evaluation = await check({ name: 'interrupted', url: `${server.origin}/hang-long`, timeout: '10s' }, { signal: controller.signal });
    expect(evaluation).toMatchObject({ status: 'unknown', reason: `the check of ${server.origin}/hang-long was interrupted` });
    expect(evaluation.seconds).toBeLessThan(2);
  });
});

describe('integration problems in the plan', () => {
  let setting: Setting;
  let server: TestHttpServer;

  beforeAll(async () => {
    setting = await makeSetting('cutover-problems-');
    server = await startHttpServer();
    server.answer('/health', { status: 200, body: 'ok' });
  });

  afterAll(async () => {
    await server?.close();
    await setting?.state.close();
  });

  const rate = { system: 'crm', object: 'integration_log', at: 'logged_at', error: { field: 'status', equals: 'error' }, max: '5%' };

  it('reports each problem with its path, and the watch reports those integrations as unknown while checking the others', async () => {
    const url = `${server.origin}/health`;
    const loaded = planWith(setting, { legacy: 'sqlite:./legacy.db', crm: 'sqlite:./crm.db' }, [
      { name: 'healthy', url },
      { name: 'nothing' },
      { name: 'both', url, errorRate: rate },
      { name: 'healthy', url },
      { name: 'bad-regex', url, body: '(unclosed' },
      { name: 'head-body', url, method: 'HEAD', body: 'ok' },
      { name: 'rate-with-http', errorRate: rate, maxLatency: '1s', headers: { Accept: 'text/plain' } },
      { name: 'other-system', errorRate: { ...rate, system: 'billing' } },
    ]);
    const configs = loaded.plan.triggers!.integrations as IntegrationConfig[];
    const problems = integrationProblems(configs, Object.keys(loaded.plan.systems));
    expect(problems).toEqual([
      { path: 'triggers.integrations[1].url', message: 'give url (an HTTP health check) or errorRate (an error rate over a log object)' },
      { path: 'triggers.integrations[2].errorRate', message: 'url and errorRate are two checks: write them as two integrations, each with its own name' },
      { path: 'triggers.integrations[3].name', message: '"healthy" is already the name of triggers.integrations[0]; names must be unique' },
      { path: 'triggers.integrations[4].body', message: expect.stringMatching(/^not a valid regular expression: .*\(unclosed/) },
      { path: 'triggers.integrations[5].body', message: 'a HEAD request has no body to match: use method GET, or leave body out' },
      { path: 'triggers.integrations[6].headers', message: 'headers is for an HTTP health check (url); this integration checks an error rate' },
      { path: 'triggers.integrations[6].maxLatency', message: 'maxLatency is for an HTTP health check (url); this integration checks an error rate' },
      { path: 'triggers.integrations[7].errorRate.system', message: 'no system named "billing" (systems: legacy, crm)' },
    ]);
    // Without the plan's systems, the system is not checked.
    expect(integrationProblems(configs).map((p) => p.path)).not.toContain('triggers.integrations[7].errorRate.system');

    const { evaluations } = await evaluate(setting, loaded);
    expect(evaluations.map((e) => [e.check, e.status])).toEqual([
      ['integration.healthy', 'ok'],
      ['integration.nothing', 'unknown'],
      ['integration.both', 'unknown'],
      ['integration.healthy', 'unknown'],
      ['integration.bad-regex', 'unknown'],
      ['integration.head-body', 'unknown'],
      ['integration.rate-with-http', 'unknown'],
      ['integration.other-system', 'unknown'],
    ]);
    expect(evaluations[1]).toMatchObject({ threshold: 'url or errorRate', measured: null, reason: 'triggers.integrations[1].url: give url (an HTTP health check) or errorRate (an error rate over a log object)' });
    expect(evaluations[7]!.reason).toBe('triggers.integrations[7].errorRate.system: no system named "billing" (systems: legacy, crm)');
    // Only the valid integration was requested.
    expect(server.requests).toHaveLength(1);
  });

  it('is unknown with the reason when the system cannot be opened', async () => {
    const loaded = planWith(setting, { legacy: 'sqlite:./legacy.db', crm: 'sqlite:./missing-crm.db' }, [{ name: 'sync-log', errorRate: rate }]);
    const { evaluations } = await evaluate(setting, loaded);
    expect(evaluations[0]).toMatchObject({ check: 'integration.sync-log', status: 'unknown', measured: null, threshold: '≤ 5% errors in 1h' });
    expect(evaluations[0]!.reason).toContain('missing-crm.db');
  });
});

const LOG_TABLE: ObjectDefinition = {
  name: 'integration_log',
  kind: 'object',
  idField: 'id',
  fields: [
    { name: 'id', type: 'integer', autoAssigned: true },
    { name: 'status', type: 'string', length: 20, nullable: false },
    { name: 'logged_at', type: 'datetime' },
    // The generic profile takes updated_at as the modified-at field, so reads `since` a moment use it.
    { name: 'updated_at', type: 'datetime' },
    { name: 'message', type: 'string', length: 200 },
  ],
};

const NOW = new Date('2030-01-15T12:00:00.000Z');
const minutesAgo = (minutes: number): string => new Date(NOW.getTime() - minutes * 60_000).toISOString();

/**
 * 40 entries in the hour before NOW (from exactly NOW - 1h to exactly NOW),
 * 3 of them errors (ids 5, 20, 40); 10 errors just before the window, 5
 * after NOW, and one error with no entry time.
 */
function logEntries(): WriteRecord[] {
  const entries: WriteRecord[] = [];
  const add = (id: number, at: string | null, status: string): void => {
    entries.push({ id: String(id), values: { status, logged_at: at, ...(at === null ? {} : { updated_at: at }), message: `call ${id}` } });
  };
  const errorsInWindow = new Map([
    [5, 'error'],
    [20, 'failed'],
    [40, 'error'],
  ]);
  for (let id = 1; id <= 39; id += 1) add(id, minutesAgo(60 - (id - 1) * 1.5), errorsInWindow.get(id) ?? (id % 7 === 0 ? 'retried' : 'ok'));
  add(40, NOW.toISOString(), 'error');
  add(41, new Date(NOW.getTime() - 3_600_000 - 1_000).toISOString(), 'error');
  for (let id = 42; id <= 50; id += 1) add(id, minutesAgo(61 + (id - 42) * 15), 'error');
  for (let id = 51; id <= 55; id += 1) add(id, new Date(NOW.getTime() + (id - 50) * 60_000).toISOString(), 'error');
  add(56, null, 'error');
  return entries;
}

for (const kind of databaseKinds()) {
  describe(`error rate on ${kind}`, () => {
    let db: TestDatabase;
    let setting: Setting;
    let loaded: LoadedPlan;
    const systems = (): Record<string, string> => ({ legacy: 'sqlite:./legacy.db', crm: db.url });
    const isError = { field: 'status', in: ['error', 'failed'] };

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      setting = await makeSetting(`cutover-rate-${kind}-`);
      loaded = planWith(setting, systems(), []);
      const connector = await openConnector(systemFromPlan(loaded, 'crm'), { create: true });
      try {
        await connector.createObjects([LOG_TABLE]);
        const results = await connector.write('integration_log', 'insert', logEntries());
        expect(results.every((result) => result.ok)).toBe(true);
      } finally {
        await connector.close();
      }
    });

    afterAll(async () => {
      await setting?.state.close();
      await db?.drop();
    });

    it('counts the entries in the window, fires above the share, is ok at it, and is unknown with too little traffic', async () => {
      const base = { system: 'crm', object: 'integration_log', at: 'logged_at', error: isError };
      const plan = planWith(setting, systems(), [
        { name: 'crm-sync', errorRate: { ...base, max: '5%' } },
        { name: 'crm-sync-lenient', severity: 'warning', errorRate: { ...base, max: '7.5%' } },
        { name: 'crm-sync-busy', errorRate: { ...base, max: '5%', minEntries: 41 } },
        { name: 'crm-sync-modified', errorRate: { ...base, at: 'updated_at', max: '5%' } },
      ]);
      const { evaluations } = await evaluate(setting, plan, { now: NOW });
      const [fired, ok, tooFew, bySince] = evaluations;
      const window = { system: 'crm', object: 'integration_log', window: '1h', from: '2030-01-15T11:00:00.000Z', to: '2030-01-15T12:00:00.000Z' };
      expect(fired).toMatchObject({
        check: 'integration.crm-sync',
        kind: 'integration',
        severity: 'critical',
        status: 'fired',
        measured: '7.5% (3 of 40)',
        threshold: '≤ 5% errors in 1h',
        reason: '7.5% of the 40 entries in the last 1h are errors, more than 5%',
        at: NOW.toISOString(),
      });
      // Newest errors first; the entry with no time is counted as undated, not as an entry.
      expect(fired!.evidence).toEqual({ ...window, entries: 40, errors: 3, sampleErrorIds: ['40', '20', '5'], undated: 1 });
      expect(ok).toMatchObject({ check: 'integration.crm-sync-lenient', severity: 'warning', status: 'ok', measured: '7.5% (3 of 40)', threshold: '≤ 7.5% errors in 1h' });
      expect(ok!.reason).toBeUndefined();
      expect(tooFew).toMatchObject({
        status: 'unknown',
        measured: null,
        reason: 'only 40 entries in the last 1h, fewer than 41: too little traffic to tell',
        evidence: { entries: 40, errors: 3 },
      });
      // By the modified-at field the connector filters the start of the window itself; the result is the same.
      expect(bySince).toMatchObject({ status: 'fired', measured: '7.5% (3 of 40)', evidence: { ...window, entries: 40, errors: 3, sampleErrorIds: ['40', '20', '5'] } });
    });

    it('keeps at most 5 sample error ids, the newest', async () => {
      const plan = planWith(setting, systems(), [{ name: 'all-day', errorRate: { system: 'crm', object: 'integration_log', at: 'logged_at', error: isError, window: '1d', max: '50%' } }]);
      const [evaluation] = (await evaluate(setting, plan, { now: NOW })).evaluations;
      // 40 in the last hour and 10 errors before it (ids 41–50), 13 errors in all.
      expect(evaluation).toMatchObject({ status: 'ok', measured: '26% (13 of 50)', evidence: { entries: 50, errors: 13, sampleErrorIds: ['40', '20', '5', '41', '42'] } });
    });

    it('is unknown when no entry falls in the window', async () => {
      const plan = planWith(setting, systems(), [{ name: 'crm-sync', errorRate: { system: 'crm', object: 'integration_log', at: 'logged_at', error: isError, max: '5%' } }]);
      const [evaluation] = (await evaluate(setting, plan, { now: new Date(NOW.getTime() + 86_400_000) })).evaluations;
      expect(evaluation).toMatchObject({ status: 'unknown', measured: null, reason: 'only 0 entries in the last 1h: too little traffic to tell', evidence: { entries: 0, errors: 0, sampleErrorIds: [] } });
    });

    it('is unknown, naming what exists, for an unknown object, an unknown at field or an error condition on an unknown field', async () => {
      const plan = planWith(setting, systems(), [
        { name: 'typo-object', errorRate: { system: 'crm', object: 'integration_logs', at: 'logged_at', error: isError, max: '5%' } },
        { name: 'typo-at', errorRate: { system: 'crm', object: 'integration_log', at: 'logged', error: isError, max: '5%' } },
        { name: 'typo-condition', errorRate: { system: 'crm', object: 'integration_log', at: 'logged_at', error: { field: 'state', equals: 'error' }, max: '5%' } },
        { name: 'not-a-time', errorRate: { system: 'crm', object: 'integration_log', at: 'id', error: isError, max: '5%' } },
      ]);
      const { evaluations } = await evaluate(setting, plan, { now: NOW });
      expect(evaluations.map((e) => [e.status, e.reason])).toEqual([
        ['unknown', 'crm has no object "integration_logs" (objects: integration_log)'],
        ['unknown', 'integration_log has no field "logged" (fields: id, status, logged_at, updated_at, message)'],
        ['unknown', 'triggers.integrations[2].errorRate.error.field: integration_log has no field "state"'],
        ['unknown', 'integration_log.id is integer; the at field must hold dates or date-times'],
      ]);
    });
  });
}
