/**
 * `cutover dashboard`: the war room, served from the state store on a local
 * port: a page that refreshes itself and the JSON API under `/api/` it
 * reads; actions need the token printed at start-up (or given), a name and
 * a confirmation.
 */
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { serve } from '@hono/node-server';
import { CutoverError } from '../../core/errors.js';
import { resolveSecret } from '../../plan/secrets.js';
import { dashboardApi } from '../../web/dashboard-api.js';
import type { CliContext } from '../context.js';
import { wholeNumber } from './options.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
/** The Host names a dashboard on loopback answers to. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Adds the command. */
export function registerDashboard(program: Command, context: CliContext): void {
  program
    .command('dashboard')
    .description('serve the war room on a local port until stopped: a page that refreshes itself (status, triggers with evidence and history, timeline, the rollback or drill in progress, drills against the RTO, ledger search, messages) and its JSON API under /api/; actions (approve a message, record a decision, start a drill) need the token it prints, a name and a confirmation, and are audited')
    .option('--port <port>', 'the port (0: any free one)', wholeNumber('--port'), 4820)
    .option('--host <host>', 'the address to listen on; anything but loopback exposes the state to the network', '127.0.0.1')
    .option('--token <secret>', 'the token actions need, as env:NAME or file:PATH (default: a new random one, printed)')
    .action(async (options: { port: number; host: string; token?: string }) => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const token = options.token ? resolveSecret(options.token, '--token', context.io.cwd, context.io.env) : randomBytes(18).toString('base64url');
      if (!LOOPBACK.has(options.host)) context.io.stderr(`Warning: listening on ${options.host}, not loopback: anyone who can reach it reads the state. Put TLS in front of it.\n`);
      const app = dashboardApi({ loaded, state, env: context.io.env, token, ...(LOOPBACK.has(options.host) ? { hosts: LOOPBACK_HOSTS } : {}) });
      const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const started = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(started));
        started.once('error', (error: NodeJS.ErrnoException) =>
          reject(new CutoverError(error.code === 'EADDRINUSE' ? 'usage' : 'io.failed', `Cannot listen on ${options.host}:${options.port}: ${error.message}`, { hints: ['choose another with --port'], cause: error })),
        );
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const url = `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`;
      context.emit({ url, api: `${url}/api/status`, ...(options.token ? {} : { token }) }, () => [`Dashboard of ${loaded.plan.project.name}: ${url}/`, options.token ? 'Actions take the token you gave.' : `Actions take this token: ${token}`, 'Stop it with Ctrl-C.'].join('\n'));
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close(() => resolve());
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
