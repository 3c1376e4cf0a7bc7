/** `cutover go-live`: record the cutover moment, and optionally freeze the source's users. */
import type { Command } from 'commander';
import { latestBackup } from '../../backup/backup-ref.js';
import { CutoverError } from '../../core/errors.js';
import { jsonValue } from '../../core/record-hash.js';
import { migrationSystems } from '../../operations/migration-setup.js';
import { openSystem } from '../../operations/open-system.js';
import { newRunId } from '../../runbooks/migrate/run-migration.js';
import { currentUser, type GoLive } from '../../state/index.js';
import { confirmProduction } from '../confirm.js';
import { announce } from '../announce.js';
import type { CliContext } from '../context.js';
import { count } from '../format.js';
import { liveGoLive } from '../../runbooks/rollback/live-go-live.js';

/** A go-live refers to the source backup a rollback restores: that backup is never pruned. */
export const GO_LIVE_REFERENCE = 'go-live';
const HOUR = 3_600_000;

/** Adds the command. */
export function registerGoLive(program: Command, context: CliContext): void {
  program
    .command('go-live')
    .description(
      'record the cutover moment: rollback windows (immediate 0-24 h, delayed 1-7 days) count from it, and data entered in the new CRM is measured from it; --freeze-source also stops the source\'s users from logging in, recording each one\'s prior state',
    )
    .option('--freeze-source', "freeze the source's active users (their prior state is recorded, so a rollback re-enables exactly them)")
    .option('--yes', 'confirm freezing users of a source marked production')
    .option('--force', 'record a new go-live although one is recorded')
    .action(async (options: { freezeSource?: boolean; yes?: boolean; force?: boolean }) => {
      const loaded = context.plan();
      const systems = migrationSystems(loaded, context.io.env);
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const target = systems.target.name;
      const previous = await liveGoLive(state, target);
      if (previous && !options.force) {
        throw new CutoverError('usage', `${target} went live at ${previous.at} (go-live ${previous.id}).`, { hints: ['record a new go-live with --force'] });
      }
      const backup = await latestBackup(state, systems.source.name);
      const verification = backup ? await state.backups.lastVerification(backup.id) : undefined;
      if (!backup || !verification?.ok) {
        throw new CutoverError('archive.not_found', `${systems.source.name} has no verified backup${backup ? ` (the newest, ${backup.id}, ${verification ? 'failed its verification' : 'was never verified'})` : ''}; a rollback would have nothing to restore.`, {
          hints: [`cutover backup ${systems.source.name}`, 'cutover verify latest --deep'],
        });
      }
      const migration = (await state.runs.list({ kind: 'migrate', system: target })).find((run) => run.status === 'succeeded' && !run.dryRun);
      if (!migration) {
        throw new CutoverError('usage', `Nothing was migrated into ${target} yet.`, { hints: ['cutover migrate', 'cutover verify-migration'] });
      }
      if (options.freezeSource) await confirmProduction(context, systems.source, options.yes ?? false, 'freezing its users stops people from entering data there', 'Freeze the users of');

      const at = new Date();
      const goLive: GoLive = { id: newRunId('go-live', at), system: target, source: systems.source.name, at: at.toISOString(), backupId: backup.id, migrateRun: migration.id, frozenUsers: [], user: currentUser() };
      await state.transaction(async () => {
        await state.goLives.record(goLive);
        await state.backups.addReference(backup.id, GO_LIVE_REFERENCE, goLive.id);
      });
      const failed: string[] = [];
      if (options.freezeSource) {
        const source = await openSystem(systems.source);
        try {
          if (!source.capabilities.canFreezeUsers) {
            throw new CutoverError('capability.missing', `${systems.source.name} cannot freeze users (its profile names no freeze columns); go-live ${goLive.id} is recorded without a freeze.`, {
              hints: ['name them in the plan: systems.<name>.profile.users.freeze'],
            });
          }
          const active = (await source.listUsers()).filter((user) => user.active && !user.frozen).map((user) => user.id);
          const results = await source.freezeUsers(active);
          goLive.frozenUsers = results.flatMap((result) =>
            result.ok && result.changed ? [{ id: result.id, prior: Object.fromEntries(Object.entries(result.state.prior).map(([field, value]) => [field, jsonValue(value)])) }] : [],
          );
          for (const result of results) if (!result.ok) failed.push(`${result.id ?? '?'}: ${result.error.message}`);
          await state.goLives.setFrozenUsers(goLive.id, goLive.frozenUsers);
        } finally {
          await source.close();
        }
      }
      await context.audit('go-live', 'succeeded', `${target} live at ${goLive.at}${options.freezeSource ? `, ${goLive.frozenUsers.length} source user(s) frozen` : ''}`);
      if (failed.length > 0) context.exitCode = 3;
      const messages = await announce(context, loaded, state, 'go_live', { system: target });
      const windows = { immediateUntil: new Date(at.getTime() + 24 * HOUR).toISOString(), delayedUntil: new Date(at.getTime() + 7 * 24 * HOUR).toISOString() };
      context.emit({ ...goLive, windows, freezeFailures: failed, messages }, () =>
        [
          `${target} went live at ${goLive.at} (go-live ${goLive.id}).`,
          `  rollback restores ${systems.source.name} from backup ${backup.id} (verified ${verification.at})`,
          `  last migration: ${migration.id}`,
          ...(options.freezeSource ? [`  froze ${count(goLive.frozenUsers.length)} user(s) of ${systems.source.name}; their prior states are recorded`] : []),
          ...failed.map((line) => `  could not freeze ${line}`),
          `  immediate rollback window until ${windows.immediateUntil}; delayed until ${windows.delayedUntil}`,
        ].join('\n'),
      );
    });
}
