/**
 * The dashboard's JSON API, under `/api/`: what the war-room page shows,
 * and what scripts can read, straight from the state store and the plan.
 * Reading needs nothing. An action (approving a customer message,
 * recording the go/no-go decision, starting a drill) needs the token
 * printed when the dashboard starts, as `Authorization: Bearer`, the name
 * of the person in `X-Cutover-User`, and a JSON body saying
 * `"confirm": true`; it goes to the audit log with who did it. Bad input
 * is a 400 with the problem in words, an unknown id a 404, an action that
 * cannot be taken now a 409.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { isCutoverError } from '../core/errors.js';
import { announceMoment, Notifier } from '../notify/index.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { LedgerFilter, StateStore } from '../state/index.js';
import { dashboardPage } from './dashboard-page.js';
import { dashboardStatus } from './dashboard-status.js';
import { dashboardTimeline } from './dashboard-timeline.js';
import { dashboardTriggers } from './dashboard-triggers.js';
import { migrationSystems } from '../operations/migration-setup.js';
import { recordDecision } from '../operations/record-decision.js';
import { DrillLauncher, type DrillRequest } from './drill-launcher.js';

/** What the API reads and how actions are allowed. */
export interface DashboardOptions {
  loaded: LoadedPlan;
  state: StateStore;
  env: NodeJS.ProcessEnv;
  /** The secret an action must carry. */
  token: string;
  /**
   * The host names requests may be addressed to (the Host header, without
   * the port); others get a 421. A dashboard on loopback names loopback
   * only, so that a web page whose name is made to resolve to 127.0.0.1
   * (DNS rebinding) cannot read the state. Default: any.
   */
  hosts?: ReadonlySet<string>;
}

const LEDGER_LIMIT = 200;

/** The API as a Hono app (served by `cutover dashboard`, requested directly in tests). */
export function dashboardApi(options: DashboardOptions): Hono {
  const { state, loaded } = options;
  const drills = new DrillLauncher(loaded, state, options.env);
  const app = new Hono();
  const hosts = options.hosts;
  if (hosts) {
    app.use(async (c, next) => {
      const host = (c.req.header('host') ?? '').replace(/:\d+$/, '');
      if (!hosts.has(host)) return problem(c, 421, `This dashboard answers to ${[...hosts].join(', ')}, not to ${host || 'a request without a Host'}.`);
      await next();
    });
  }

  app.get('/', (c) => c.html(dashboardPage(loaded.plan.project.name)));
  // Browsers ask for it; the page has no icon, and a 404 would show as an error in their console.
  app.get('/favicon.ico', (c) => c.body(null, 204));
  app.get('/api/status', async (c) => c.json(await dashboardStatus(loaded, state, options.env)));
  app.get('/api/timeline', async (c) => c.json({ events: await dashboardTimeline(loaded, state) }));
  app.get('/api/runs/:id', async (c) => {
    const run = await state.runs.get(c.req.param('id'));
    if (!run) return problem(c, 404, `There is no run ${c.req.param('id')}.`);
    return c.json({ ...run, steps: await state.steps.list(run.id) });
  });
  app.get('/api/triggers', async (c) => c.json(await dashboardTriggers(state, migrationSystems(loaded, options.env).target.name)));
  app.get('/api/messages', async (c) => c.json({ messages: await state.messages.list({ limit: 200 }) }));
  app.get('/api/drills', async (c) => {
    const started = drills.current();
    return c.json({ drills: await state.runs.list({ kind: 'drill' }), ...(started ? { started } : {}) });
  });
  app.get('/api/ledger', async (c) => {
    const query = c.req.query();
    const known = new Set(['system', 'object', 'sourceId', 'targetId', 'runId']);
    const unknown = Object.keys(query).filter((key) => !known.has(key));
    if (unknown.length > 0) return problem(c, 400, `Unknown ledger filter ${unknown.join(', ')}; filters are ${[...known].join(', ')}.`);
    if (!query['sourceId'] && !query['targetId'] && !query['runId']) return problem(c, 400, 'Name a record or a run: sourceId, targetId or runId (with system and object to narrow).');
    const filter: LedgerFilter = {};
    for (const key of known) if (query[key]) (filter as Record<string, string>)[key] = query[key]!;
    const { entries, total } = await state.ledger.search(filter, LEDGER_LIMIT);
    return c.json({ entries, total, limited: total > entries.length });
  });

  app.post('/api/messages/:id/approve', async (c) => {
    const action = await actionOf(c, options.token);
    if (action instanceof Response) return action;
    try {
      const report = await new Notifier(loaded, state, options.env).approve(c.req.param('id'), action.by);
      await state.audit.record({ command: 'dashboard approve', args: [c.req.param('id')], user: action.by, outcome: report.status === 'failed' ? 'failed' : 'succeeded', summary: `${action.by} approved message ${report.id}: ${report.status}` });
      return c.json(report);
    } catch (error) {
      if (isCutoverError(error) && error.kind === 'input') return problem(c, /There is no message/.test(error.message) ? 404 : 409, error.message);
      throw error;
    }
  });

  app.post('/api/decisions', async (c) => {
    const action = await actionOf(c, options.token);
    if (action instanceof Response) return action;
    const { decision, reason } = action.body;
    if (decision !== 'rollback' && decision !== 'continue') return problem(c, 400, `decision must be "rollback" or "continue", not ${JSON.stringify(decision ?? null)}.`);
    if (typeof reason !== 'string' || !reason.trim()) return problem(c, 400, 'reason must say why, in a sentence people will read later.');
    try {
      const recorded = await recordDecision({ loaded, state, env: options.env, decision, reason, user: action.by });
      await state.audit.record({ command: 'dashboard decide', args: [decision], user: action.by, outcome: 'succeeded', summary: `${action.by} decided ${decision} for ${recorded.record.system}: ${recorded.record.reason}` });
      // A message that cannot be prepared does not undo the decision, as in `cutover decide`.
      const messages = await announceMoment(loaded, state, options.env, 'decision_taken', { system: recorded.record.system, decision }).catch(() => []);
      return c.json({ ...recorded.record, againstRecommendation: recorded.againstRecommendation, messages }, 201);
    } catch (error) {
      if (isCutoverError(error) && error.kind === 'input') return problem(c, 409, error.message, error.hints);
      throw error;
    }
  });

  app.post('/api/drills', async (c) => {
    const action = await actionOf(c, options.token);
    if (action instanceof Response) return action;
    const request = drillRequestOf(action.body);
    if (typeof request === 'string') return problem(c, 400, request);
    try {
      const started = await drills.start(request, action.by);
      await state.audit.record({ command: 'dashboard drill', args: Object.entries(request).flatMap(([key, value]) => [`--${key}`, String(value)]), user: action.by, outcome: 'succeeded', summary: `${action.by} started drill ${started.id ?? `(process ${started.pid})`}` });
      return c.json(started, 202);
    } catch (error) {
      if (isCutoverError(error) && error.kind === 'input') {
        await state.audit.record({ command: 'dashboard drill', args: [], user: action.by, outcome: 'failed', summary: error.message });
        return problem(c, 409, error.message, error.hints);
      }
      throw error;
    }
  });

  app.notFound((c) => problem(c, 404, `No ${c.req.method} ${c.req.path} here; the API is under /api/.`));
  app.onError((error, c) => problem(c, 500, error instanceof Error ? error.message : String(error)));
  return app;
}

/** An action's person and confirmed JSON body, or the response refusing it: 401 without the token, 400 without a name, a JSON object body or its confirmation. */
async function actionOf(c: Context, token: string): Promise<{ by: string; body: Record<string, unknown> } | Response> {
  const refused = authorize(c, token);
  if (refused) return refused;
  const by = c.req.header('x-cutover-user')?.trim();
  if (!by) return problem(c, 400, 'Say who acts: the header X-Cutover-User names the person, for the audit log.');
  let body: unknown;
  try {
    body = JSON.parse(await c.req.text());
  } catch (error) {
    return problem(c, 400, `The body is not JSON (${error instanceof Error ? error.message : String(error)}); send an object with "confirm": true.`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return problem(c, 400, 'The body must be a JSON object with "confirm": true.');
  if ((body as Record<string, unknown>)['confirm'] !== true) return problem(c, 400, 'Confirm the action: the body must say "confirm": true.');
  return { by, body: body as Record<string, unknown> };
}

/** The drill options of a request body, or what is wrong with them. */
function drillRequestOf(body: Record<string, unknown>): DrillRequest | string {
  const known = new Set(['confirm', 'mode', 'new', 'edits', 'deletes', 'days']);
  const unknown = Object.keys(body).filter((key) => !known.has(key));
  if (unknown.length > 0) return `Unknown drill option ${unknown.join(', ')}; options are mode, new, edits, deletes, days.`;
  const request: DrillRequest = {};
  if (body['mode'] !== undefined) {
    if (body['mode'] !== 'immediate' && body['mode'] !== 'delayed') return `mode must be "immediate" or "delayed", not ${JSON.stringify(body['mode'])}.`;
    request.mode = body['mode'];
  }
  for (const key of ['new', 'edits', 'deletes', 'days'] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) return `${key} must be a whole number of 0 or more, not ${JSON.stringify(value)}.`;
    if (key === 'deletes' && value > 100) return `deletes is a percent of the migrated records: 0 to 100, not ${value}.`;
    if (key === 'days' && value < 1) return 'days of use after the drill go-live must be 1 or more, not 0.';
    request[key] = value;
  }
  return request;
}

/** The action's token as a bearer token, compared in constant time; a 401 response when it is missing or wrong. */
function authorize(c: Context, token: string): Response | undefined {
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length === b.length && timingSafeEqual(a, b)) return undefined;
  return problem(c, 401, given ? 'The token is not the one this dashboard printed when it started.' : 'Actions need the token the dashboard printed when it started, as Authorization: Bearer <token>.');
}

/** The error response: its status, the problem in words, and what to do next when known. */
function problem(c: Context, status: 400 | 401 | 404 | 409 | 421 | 500, message: string, hints: readonly string[] = []): Response {
  return c.json({ error: { status, message, ...(hints.length > 0 ? { hints } : {}) } }, status);
}
