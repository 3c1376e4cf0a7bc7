/** `cutover backups`: list backups with their verification; `backups prune`: apply the retention policy. */
import { rmSync } from 'node:fs';
import type { Command } from 'commander';
import { planRetention, type RetentionCandidate } from '../../core/retention.js';
import type { BackupReference, BackupRow, VerificationRow } from '../../state/index.js';
import type { CliContext } from '../context.js';
import { bytes, count, table } from '../format.js';

/** Adds the commands. */
export function registerBackups(program: Command, context: CliContext): void {
  const backups = program
    .command('backups')
    .description('list backups: id, system, time, records, size, complete or not, last verification')
    .option('--system <name>', 'only backups of this system')
    .option('--out <dir>', 'storage folder, when there is no plan')
    .action(async (options: { system?: string; out?: string }) => {
      const started = performance.now();
      const state = await context.state(options.out);
      const rows = (await state?.backups.list(options.system ? { system: options.system } : {})) ?? [];
      const listed: Array<BackupRow & { lastVerification: VerificationRow | null; references: BackupReference[] }> = [];
      for (const row of rows) listed.push({ ...row, lastVerification: (await state?.backups.lastVerification(row.id)) ?? null, references: (await state?.backups.references(row.id)) ?? [] });
      context.emit({ backups: listed, seconds: Number(((performance.now() - started) / 1000).toFixed(3)) }, () => {
        if (listed.length === 0) return 'No backups yet. Make one with `cutover backup <system>`.';
        return table([
          ['id', 'system', 'kind', 'started', 'records', 'size', 'state', 'verified'],
          ...listed.map((row) => [
            row.id,
            row.system,
            row.kind,
            row.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
            count(row.records),
            bytes(row.bytes),
            row.status === 'complete'
              ? `complete${row.references.some((r) => r.kind === 'pre-restore') ? ' (safety copy before a restore)' : ''}`
              : row.status === 'in_progress'
                ? 'INCOMPLETE'
                : `failed${row.error ? `: ${row.error}` : ''}`,
            row.lastVerification ? `${row.lastVerification.ok ? 'ok' : 'FAILED'} (${row.lastVerification.mode}, ${row.lastVerification.at.slice(0, 16).replace('T', ' ')})` : 'never',
          ]),
        ]);
      });
    });

  backups
    .command('prune')
    .description("remove backups beyond the plan's retention (backup.retention); never the newest verified backup of a system, nor one a go-live or rollback refers to")
    .option('--dry-run', 'show what would be removed, remove nothing')
    .action(async (options: { dryRun?: boolean }) => {
      const started = performance.now();
      const plan = context.plan();
      const state = await context.state();
      const rows = (await state?.backups.list()) ?? [];
      const candidates: RetentionCandidate[] = [];
      for (const row of rows) {
        candidates.push({
          id: row.id,
          system: row.system,
          status: row.status,
          finishedAt: row.finishedAt,
          startedAt: row.startedAt,
          verified: (await state?.backups.lastVerification(row.id))?.ok ?? null,
          referenced: ((await state?.backups.references(row.id))?.length ?? 0) > 0,
          base: row.base,
        });
      }
      const decisions = planRetention(candidates, plan.plan.backup?.retention ?? {}, new Date());
      const removals = decisions.filter((decision) => decision.action === 'remove');
      if (!options.dryRun) {
        for (const decision of removals) {
          const row = rows.find((candidate) => candidate.id === decision.id);
          // The row goes first: if something still refers to the backup, that refusal keeps its files.
          await state?.backups.delete(decision.id);
          if (row) rmSync(row.path, { recursive: true, force: true });
        }
        if (removals.length > 0) await context.audit('backups prune', 'succeeded', `removed ${removals.map((d) => d.id).join(', ')}`);
      }
      context.emit({ dryRun: options.dryRun ?? false, decisions, removed: options.dryRun ? [] : removals.map((d) => d.id), seconds: Number(((performance.now() - started) / 1000).toFixed(3)) }, () =>
        decisions.length === 0
          ? 'No backups.'
          : [
              table(decisions.map((decision) => [decision.action === 'remove' ? (options.dryRun ? 'would remove' : 'removed') : 'keep', decision.id, decision.reason])),
              options.dryRun && removals.length > 0 ? '\nRun without --dry-run to remove them.' : '',
            ].join('\n'),
      );
    });
}
