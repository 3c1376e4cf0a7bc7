/** `cutover status`: where the migration stands, from the state store. */
import type { Command } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { projectStatus } from '../../operations/project-status.js';
import type { CliContext } from '../context.js';
import { count } from '../format.js';

/** Adds the command. */
export function registerStatus(program: Command, context: CliContext): void {
  program
    .command('status')
    .description('where the migration stands: the last backup of the source and its verification, the target\'s baseline, migration and reset runs, the go-live time and the hours since')
    .action(async () => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const { waiting, unsent, ...result } = await projectStatus(loaded, state, context.io.env);
      const { source, target, backup, baseline, goLive } = result;
      const verification = backup?.verification;
      const lastMigration = result.migration;
      const lastReset = result.reset;
      context.emit(result, () => {
        const failures = (lastMigration?.summary as { failures?: number } | null)?.failures;
        return [
          `${result.project}: ${source} → ${target}`,
          `  backup of ${source}: ${backup ? `${backup.id}, ${count(backup.records)} records, ${verification ? `${verification.mode} verification ${verification.ok ? 'passed' : 'FAILED'} at ${verification.at}` : 'never verified'}` : 'none — cutover backup ' + source}`,
          `  baseline of ${target}: ${baseline ? `${baseline.backupId} (${baseline.at})` : `none — cutover snapshot ${target}`}`,
          `  last migration: ${lastMigration ? `${lastMigration.id}, ${lastMigration.status}${failures ? `, ${count(failures)} record(s) failed` : ''}${lastMigration.error ? ` (${lastMigration.error})` : ''}` : 'none'}`,
          ...(lastReset ? [`  last reset: ${lastReset.id}, ${lastReset.status}`] : []),
          `  go-live: ${goLive ? `${goLive.at}, ${goLive.hoursSince} h ago — rollback window: ${goLive.window}${goLive.frozenUsers ? `; ${count(goLive.frozenUsers)} source user(s) frozen` : ''}` : 'not yet'}`,
          ...(result.watch ? [`  last watch: ${result.watch.at}, ${result.watch.verdict}${result.watch.fired.length ? ` (fired: ${result.watch.fired.join(', ')})` : ''}`] : []),
          ...(result.openFindings > 0 ? [`  open findings: ${result.openFindings} (cutover finding list)`] : []),
          ...waiting.map((message) => `  message waiting for approval: ${message.template} to ${message.audience} (cutover notify approve ${message.id})`),
          ...(unsent.length > 0 ? [`  messages not sent: ${unsent.length} (cutover notify list --status failed; cutover notify retry <id>)`] : []),
          ...(result.decision ? [`  decision: ${result.decision.decision} by ${result.decision.by} at ${result.decision.at}: ${result.decision.reason}`] : []),
        ].join('\n');
      });
    });
}
