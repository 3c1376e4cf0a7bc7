/** `cutover decide rollback|continue`: record the go/no-go decision with the evidence it was based on. */
import { type Command, Argument } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import { currentUser, type Decision, type WatchRound } from '../../state/index.js';
import { currentGoLive, runWatchRound } from '../../watch/run-watch.js';
import { announce } from '../announce.js';
import type { CliContext } from '../context.js';

/** A watch round older than this is measured again before a decision rests on it. */
const FRESH_MS = 60 * 60_000;

/** Adds the command. */
export function registerDecide(program: Command, context: CliContext): void {
  program
    .command('decide')
    .addArgument(new Argument('<decision>', 'rollback or continue').choices(['rollback', 'continue']))
    .description('record the go/no-go decision after go-live: who decided, why, and the evidence (the latest watch round, measured again when older than an hour, and the open findings)')
    .requiredOption('--reason <text>', 'why, in a sentence people will read later')
    .action(async (decision: 'rollback' | 'continue', options: { reason: string }) => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      if (!options.reason.trim()) throw new CutoverError('usage', '--reason is empty.', { hints: ['say why: it is what the team and management will read'] });
      const goLive = await currentGoLive(loaded, state);
      let round: WatchRound | undefined = await state.watch.latest(goLive.system);
      if (!round || round.goLive !== goLive.id || Date.now() - Date.parse(round.at) > FRESH_MS) {
        context.note('The last watch round is missing or older than an hour: measuring again …');
        round = (await runWatchRound({ plan: loaded, state, env: context.io.env })).round;
      }
      const findings = await state.findings.list(goLive.system, { open: true });
      const recommended = round.recommendation as { action?: string; procedure?: string };
      const at = new Date();
      const record: Decision = {
        id: newRunId('decision', at),
        system: goLive.system,
        goLive: goLive.id,
        decision,
        reason: options.reason.trim(),
        procedure: decision === 'rollback' ? (recommended.procedure ?? null) : null,
        roundId: round.id,
        evidence: {
          round: { id: round.id, at: round.at, verdict: round.verdict, recommendation: round.recommendation },
          evaluations: round.evaluations.map((e) => ({ check: e.check, severity: e.severity, status: e.status, measured: e.measured, threshold: e.threshold, ...(e.reason ? { reason: e.reason } : {}) })),
          openFindings: findings.map((f) => ({ id: f.id, severity: f.severity, text: f.text })),
        },
        user: currentUser(),
        at: at.toISOString(),
      };
      await state.decisions.record(record);
      await context.audit('decide', 'succeeded', `${decision} for ${goLive.system}: ${record.reason}`);
      const messages = await announce(context, loaded, state, 'decision_taken', { system: goLive.system, decision });
      const against = (decision === 'rollback') !== (recommended.action === 'rollback');
      context.emit({ ...record, againstRecommendation: against, messages }, () =>
        [
          `Recorded: ${decision === 'rollback' ? 'ROLL BACK' : 'continue'} ${goLive.system} (decision ${record.id}, by ${record.user}).`,
          `  based on watch round ${round.id} (${round.at}): ${round.verdict}; recommended ${recommended.action ?? '?'}${recommended.procedure ? ` (${recommended.procedure})` : ''}${against ? ' — this decision goes against it' : ''}`,
          ...(findings.length > 0 ? [`  open findings: ${findings.length}`] : []),
          decision === 'rollback' ? `Next: cutover rollback --mode ${record.procedure === 'delayed' ? 'delayed' : 'immediate'}` : 'The watch goes on: cutover watch',
        ].join('\n'),
      );
    });
}
