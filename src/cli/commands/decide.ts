/** `cutover decide rollback|continue`: record the go/no-go decision with the evidence it was based on. */
import { type Command, Argument } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { recordDecision } from '../../operations/record-decision.js';
import { currentUser } from '../../state/index.js';
import { announce } from '../announce.js';
import type { CliContext } from '../context.js';

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
      const { record, round, findings, againstRecommendation: against } = await recordDecision({ loaded, state, env: context.io.env, decision, reason: options.reason, user: currentUser(), note: (line) => context.note(line) });
      const recommended = round.recommendation as { action?: string; procedure?: string };
      await context.audit('decide', 'succeeded', `${decision} for ${record.system}: ${record.reason}`);
      const messages = await announce(context, loaded, state, 'decision_taken', { system: record.system, decision });
      context.emit({ ...record, againstRecommendation: against, messages }, () =>
        [
          `Recorded: ${decision === 'rollback' ? 'ROLL BACK' : 'continue'} ${record.system} (decision ${record.id}, by ${record.user}).`,
          `  based on watch round ${round.id} (${round.at}): ${round.verdict}; recommended ${recommended.action ?? '?'}${recommended.procedure ? ` (${recommended.procedure})` : ''}${against ? ' — this decision goes against it' : ''}`,
          ...(findings.length > 0 ? [`  open findings: ${findings.length}`] : []),
          decision === 'rollback' ? `Next: cutover rollback --mode ${record.procedure === 'delayed' ? 'delayed' : 'immediate'}` : 'The watch goes on: cutover watch',
        ].join('\n'),
      );
    });
}
