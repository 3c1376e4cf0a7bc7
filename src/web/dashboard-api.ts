/**
 * The dashboard's JSON API, under `/api/`: what the war-room page shows,
 * and what scripts can read, straight from the state store and the plan.
 * Reading needs nothing; an action (approving a customer message) needs
 * the token printed when the dashboard starts, as `Authorization: Bearer`,
 * and goes to the audit log with who did it. Bad input is a 400 with the
 * problem in words, an unknown id a 404.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { isCutoverError } from '../core/errors.js';
import { Notifier } from '../notify/notifier.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { LedgerFilter, StateStore } from '../state/index.js';
import { dashboardPage } from './dashboard-page.js';
import { dashboardStatus } from './dashboard-status.js';
import { dashboardTimeline } from './dashboard-timeline.js';
import { dashboardTriggers } from './dashboard-triggers.js';
import { migrationSystems } from '../operations/migration-setup.js';

/** What the API reads and how actions are allowed. */
export interface DashboardOptions {
  loaded: LoadedPlan;
  state: StateStore;
  env: NodeJS.ProcessEnv;
  /** The secret an action must carry. */
  token: string;
}

const LEDGER_LIMIT = 200;

/** The API as a Hono app (served by `cutover dashboard`, requested directly in tests). */
export function dashboardApi(options: DashboardOptions): Hono {
  const { state, loaded } = options;
  const app = new Hono();

  app.get('/', (c) => c.html(dashboardPage(loaded.plan.project.name)));
  app.get('/api/status', async (c) => c.json(await dashboardStatus(loaded, state, options.env)));
  app.get('/api/timeline', async (c) => c.json({ events: await dashboardTimeline(loaded, state) }));
  app.get('/api/runs/:id', async (c) => {
    const run = await state.runs.get(c.req.param('id'));
    if (!run) return problem(c, 404, `There is no run ${c.req.param('id')}.`);
    return c.json({ ...run, steps: await state.steps.list(run.id) });
  });
  app.get('/api/triggers', async (c) => c.json(await dashboardTriggers(state, migrationSystems(loaded, options.env).target.name)));
  app.get('/api/messages', async (c) => c.json({ messages: await state.messages.list({ limit: 200 }) }));
  app.get('/api/drills', async (c) => c.json({ drills: await state.runs.list({ kind: 'drill' }) }));
  app.get('/api/ledger', async (c) => {
    const query = c.req.query();
    const known = new Set(['system', 'object', 'sourceId', 'targetId', 'runId']);
    const unknown = Object.keys(query).filter((key) => !known.has(key));
    if (unknown.length > 0) return problem(c, 400, `Unknown ledger filter ${unknown.join(', ')}; filters are ${[...known].join(', ')}.`);
    if (!query['sourceId'] && !query['targetId'] && !query['runId']) return problem(c, 400, 'Name a record or a run: sourceId, targetId or runId (with system and object to narrow).');
    const filter: LedgerFilter = {};
    for (const key of known) if (query[key]) (filter as Record<string, string>)[key] = query[key]!;
    const entries = await state.ledger.entries(filter);
    return c.json({ entries: entries.slice(0, LEDGER_LIMIT), total: entries.length, limited: entries.length > LEDGER_LIMIT });
  });

  app.post('/api/messages/:id/approve', async (c) => {
    const refused = authorize(c, options.token);
    if (refused) return refused;
    const by = c.req.header('x-cutover-user')?.trim();
    if (!by) return problem(c, 400, 'Say who approves: the header X-Cutover-User names the person.');
    try {
      const report = await new Notifier(loaded, state, options.env).approve(c.req.param('id'), by);
      await state.audit.record({ command: 'dashboard approve', args: [c.req.param('id')], user: by, outcome: report.status === 'failed' ? 'failed' : 'succeeded', summary: `${by} approved message ${report.id}: ${report.status}` });
      return c.json(report);
    } catch (error) {
      if (isCutoverError(error) && error.kind === 'input') return problem(c, /There is no message/.test(error.message) ? 404 : 409, error.message);
      throw error;
    }
  });

  app.notFound((c) => problem(c, 404, `No ${c.req.method} ${c.req.path} here; the API is under /api/.`));
  app.onError((error, c) => problem(c, 500, error instanceof Error ? error.message : String(error)));
  return app;
}

/** The action's token as a bearer token, compared in constant time; a 401 response when it is missing or wrong. */
function authorize(c: Context, token: string): Response | undefined {
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  if (a.length === b.length && timingSafeEqual(a, b)) return undefined;
  return problem(c, 401, given ? 'The token is not the one this dashboard printed when it started.' : 'Actions need the token the dashboard printed when it started, as Authorization: Bearer <token>.');
}

function problem(c: Context, status: 400 | 401 | 404 | 409 | 500, message: string): Response {
  return c.json({ error: { status, message } }, status);
}
