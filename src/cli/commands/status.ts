/** `cutover status`: where the migration stands, from the state store. */
import type { Command } from 'commander';
import { latestBackup } from '../../backup/backup-ref.js';
import { CutoverError } from '../../core/errors.js';
import { migrationSystems } from '../../operations/migration-setup.js';
import type { RunRow } from '../../state/index.js';
import type { CliContext } from '../context.js';
import { count } from '../format.js';

const HOUR = 3_600_000;

/** Adds the command. */
export function registerStatus(program: Command, context: CliContext): void {
  program
    .command('status')
    .description('where the migration stands: the last backup of the source and its verification, the target\'s baseline, migration and reset runs, the go-live time and the hours since')
    .action(async () => {
      const loaded = context.plan();
      const systems = migrationSystems(loaded, context.io.env);
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const source = systems.source.name;
      const target = systems.target.name;
      const backup = await latestBackup(state, source);
      const verification = backup ? await state.backups.lastVerification(backup.id) : undefined;
      const baseline = await state.baselines.get(target);
      const runs = async (kind: string): Promise<RunRow[]> => (await state.runs.list({ kind, system: target })).filter((run) => !run.dryRun);
      const lastMigration = (await runs('migrate'))[0];
      const lastReset = (await runs('reset'))[0];
      const goLive = await state.goLives.latest(target);
      const watched = await state.watch.latest(target);
      const decision = await state.decisions.latest(target);
      const findings = await state.findings.list(target, { open: true });
      const waiting = await state.messages.list({ status: 'awaiting_approval' });
      const unsent = await state.messages.list({ status: 'failed' });
      const now = Date.now();
      const hoursSince = goLive ? Math.round(((now - Date.parse(goLive.at)) / HOUR) * 10) / 10 : null;
      const window = hoursSince === null ? 'not live' : hoursSince <= 24 ? 'immediate (0-24 h)' : hoursSince <= 24 * 7 ? 'delayed (1-7 days)' : 'past the delayed window (over 7 days)';
      const result = {
        project: loaded.plan.project.name,
        source,
        target,
        backup: backup ? { id: backup.id, at: backup.finishedAt, records: backup.records, verification: verification ? { mode: verification.mode, ok: verification.ok, at: verification.at } : null } : null,
        baseline: baseline ?? null,
        migration: lastMigration ? { id: lastMigration.id, status: lastMigration.status, at: lastMigration.startedAt, seconds: lastMigration.seconds, summary: lastMigration.summary, error: lastMigration.error } : null,
        reset: lastReset ? { id: lastReset.id, status: lastReset.status, at: lastReset.startedAt } : null,
        goLive: goLive ? { id: goLive.id, at: goLive.at, hoursSince, window, backupId: goLive.backupId, frozenUsers: goLive.frozenUsers.length } : null,
        watch: watched
          ? { id: watched.id, at: watched.at, verdict: watched.verdict, recommendation: watched.recommendation, fired: watched.evaluations.filter((e) => e.status === 'fired').map((e) => e.check) }
          : null,
        decision: decision ? { id: decision.id, decision: decision.decision, reason: decision.reason, by: decision.user, at: decision.at, procedure: decision.procedure, roundId: decision.roundId } : null,
        openFindings: findings.length,
        messages: { awaitingApproval: waiting.map((message) => message.id), failed: unsent.map((message) => message.id) },
        measuredAt: new Date(now).toISOString(),
      };
      context.emit(result, () => {
        const failures = (lastMigration?.summary as { failures?: number } | null)?.failures;
        return [
          `${result.project}: ${source} → ${target}`,
          `  backup of ${source}: ${backup ? `${backup.id}, ${count(backup.records)} records, ${verification ? `${verification.mode} verification ${verification.ok ? 'passed' : 'FAILED'} at ${verification.at}` : 'never verified'}` : 'none — cutover backup ' + source}`,
          `  baseline of ${target}: ${baseline ? `${baseline.backupId} (${baseline.at})` : `none — cutover snapshot ${target}`}`,
          `  last migration: ${lastMigration ? `${lastMigration.id}, ${lastMigration.status}${failures ? `, ${count(failures)} record(s) failed` : ''}${lastMigration.error ? ` (${lastMigration.error})` : ''}` : 'none'}`,
          ...(lastReset ? [`  last reset: ${lastReset.id}, ${lastReset.status}`] : []),
          `  go-live: ${goLive ? `${goLive.at}, ${hoursSince} h ago — rollback window: ${window}${goLive.frozenUsers.length ? `; ${count(goLive.frozenUsers.length)} source user(s) frozen` : ''}` : 'not yet'}`,
          ...(result.watch ? [`  last watch: ${result.watch.at}, ${result.watch.verdict}${result.watch.fired.length ? ` (fired: ${result.watch.fired.join(', ')})` : ''}`] : []),
          ...(findings.length > 0 ? [`  open findings: ${findings.length} (cutover finding list)`] : []),
          ...waiting.map((message) => `  message waiting for approval: ${message.template} to ${message.audience} (cutover notify approve ${message.id})`),
          ...(unsent.length > 0 ? [`  messages not sent: ${unsent.length} (cutover notify list --status failed; cutover notify retry <id>)`] : []),
          ...(result.decision ? [`  decision: ${result.decision.decision} by ${result.decision.by} at ${result.decision.at}: ${result.decision.reason}`] : []),
        ].join('\n');
      });
    });
}
