/** `cutover watch`: evaluate the rollback triggers after go-live, once or on an interval, and recommend. */
import type { Command } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { spanMs } from '../../plan/triggers-schema.js';
import type { MessageReport } from '../../notify/index.js';
import type { LoadedPlan } from '../../plan/load-plan.js';
import type { StateStore, Verdict, WatchRound } from '../../state/index.js';
import type { Evaluation } from '../../watch/check-types.js';
import { runWatchRound, type WatchResult } from '../../watch/run-watch.js';
import { announce } from '../announce.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

interface WatchCliOptions {
  once?: boolean;
  interval: string;
  at?: string;
}

/** Adds the command. */
export function registerWatch(program: Command, context: CliContext): void {
  program
    .command('watch')
    .description(
      "evaluate the plan's rollback triggers (data loss, workflows, integrations, adoption, security) against the systems, store each evaluation with its evidence, and recommend: exit 0 healthy, 1 when a critical trigger fires",
    )
    .option('--once', 'one round, then exit')
    .option('--interval <duration>', 'time between rounds without --once', '5m')
    .option('--at <time>', 'evaluate as of this moment (ISO 8601), for rehearsals; default now')
    .action(async (options: WatchCliOptions) => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const at = options.at === undefined ? undefined : parseMoment(options.at);
      if (options.once) {
        const result = await runWatchRound({ plan: loaded, state, env: context.io.env, ...(at ? { now: at } : {}) });
        const messages = await announceNewlyFired(context, loaded, state, result.round);
        if (result.round.verdict === 'critical') context.exitCode = 1;
        context.emit({ ...resultJson(result), messages }, () => formatRound(result));
        return;
      }
      const interval = intervalMs(options.interval);
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      let previous: { verdict: Verdict; fired: Set<string> } | undefined;
      try {
        while (!stop.signal.aborted) {
          const result = await runWatchRound({ plan: loaded, state, env: context.io.env, signal: stop.signal });
          const messages = await announceNewlyFired(context, loaded, state, result.round);
          const fired = new Set(result.round.evaluations.filter((e) => e.status !== 'ok').map((e) => `${e.check} ${e.status}`));
          const changed = !previous || previous.verdict !== result.round.verdict || [...fired].some((f) => !previous!.fired.has(f)) || [...previous.fired].some((f) => !fired.has(f));
          if (context.json) context.io.stdout(`${JSON.stringify({ ...resultJson(result), messages })}\n`);
          else if (changed) {
            // The log shows changes of state only; messages go out when a trigger newly fires.
            context.io.stdout(`${previous ? `[${result.round.at}] changed: ${previous.verdict} → ${result.round.verdict}\n` : ''}${formatRound(result)}\n`);
          } else context.io.stderr(`[${result.round.at}] ${result.round.verdict}, unchanged\n`);
          context.exitCode = result.round.verdict === 'critical' ? 1 : 0;
          previous = { verdict: result.round.verdict, fired };
          await sleep(interval, stop.signal);
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** Tells people (the trigger_fired routes) when a round fired a check the round before it had not. */
async function announceNewlyFired(context: CliContext, loaded: LoadedPlan, state: StateStore, round: WatchRound): Promise<MessageReport[]> {
  const fired = round.evaluations.filter((evaluation) => evaluation.status === 'fired').map((evaluation) => evaluation.check);
  if (fired.length === 0) return [];
  const before = (await state.watch.list(round.system, 2)).find((other) => other.id !== round.id);
  const previous = before ? await state.watch.get(before.id) : undefined;
  const wasFired = new Set(previous?.goLive === round.goLive ? previous.evaluations.filter((evaluation) => evaluation.status === 'fired').map((evaluation) => evaluation.check) : []);
  if (fired.every((check) => wasFired.has(check))) return [];
  return announce(context, loaded, state, 'trigger_fired', { system: round.system });
}

function parseMoment(text: string): Date {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) throw new CutoverError('usage', `--at "${text}" is not a moment.`, { hints: ['write it as ISO 8601, e.g. 2026-11-27T09:00:00Z'] });
  return at;
}

function intervalMs(text: string): number {
  let ms: number;
  try {
    ms = spanMs(text);
  } catch {
    throw new CutoverError('usage', `--interval "${text}" is not a duration.`, { hints: ['write it as 30s, 5m or 1h'] });
  }
  if (ms < 1_000) throw new CutoverError('usage', `--interval ${text} is shorter than a second: every round reads the systems.`, { hints: ['use 1s or more; 5m is the default'] });
  return ms;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** The round as JSON: its id, verdict, recommendation and evaluations. */
function resultJson(result: WatchResult): Record<string, unknown> {
  return {
    id: result.round.id,
    system: result.round.system,
    goLive: { id: result.goLive.id, at: result.goLive.at },
    verdict: result.round.verdict,
    healthy: result.round.verdict === 'healthy',
    recommendation: result.recommendation,
    evaluations: result.round.evaluations,
    at: result.round.at,
    seconds: result.round.seconds,
  };
}

const STATUS: Record<Evaluation['status'], string> = { ok: 'ok', fired: 'FIRED', unknown: 'UNKNOWN' };

/** The round as a table for people, with the recommendation. */
export function formatRound(result: WatchResult): string {
  const { round, recommendation } = result;
  const rows = round.evaluations.map((e) => [
    e.check,
    e.status === 'fired' ? `${STATUS.fired} (${e.severity})` : STATUS[e.status],
    e.measured ?? '-',
    e.threshold,
    e.reason ?? '',
  ]);
  const verdict = { healthy: 'Healthy', warning: 'WARNING', critical: 'CRITICAL', unknown: 'UNKNOWN' }[round.verdict];
  const curve = round.evaluations.find((e) => e.check === 'adoption')?.evidence.curve as Array<{ day: number; share: number }> | undefined;
  return [
    `${verdict}: ${round.system}, ${recommendation.hoursSinceGoLive} h after go-live (${result.goLive.at}), round ${round.id} in ${round.seconds} s`,
    table([['check', 'status', 'measured', 'threshold', 'evidence'], ...rows], { indent: 2 }),
    ...(curve && curve.length > 0 ? [`  adoption by day: ${curve.map((point) => `day ${point.day} ${Math.round(point.share * 100)}%`).join(', ')}`] : []),
    `Recommendation: ${recommendation.action === 'rollback' ? `ROLL BACK (${recommendation.procedure} rollback)` : recommendation.action === 'fix-forward' ? 'FIX FORWARD' : 'continue'}: ${recommendation.reason}`,
    ...(recommendation.next ? [`Next: ${recommendation.next}`] : []),
  ].join('\n');
}
