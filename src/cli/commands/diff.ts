/** `cutover diff <a> <b>`: record-level comparison of two backups or systems. */
import type { Command } from 'commander';
import { backupSecret } from '../../backup/backup-key.js';
import { backupSource, openBackupChain } from '../../backup/backup-chain.js';
import { looksLikeBackupRef, resolveBackup } from '../../backup/backup-ref.js';
import type { Connector } from '../../connectors/contract.js';
import { connectorSource, diffSources, formatDiffReport, type RecordSource } from '../../diff/index.js';
import { openSystem } from '../../operations/open-system.js';
import { resolveSystem } from '../../plan/systems.js';
import type { CliContext } from '../context.js';
import { wholeNumber } from './options.js';

/** Adds the command. */
export function registerDiff(program: Command, context: CliContext): void {
  program
    .command('diff')
    .argument('<a>', 'a backup (id, folder, latest, latest:<system>) or a system (name or URL)')
    .argument('<b>', 'the same')
    .description('compare two backups or systems record by record: missing, extra and changed records per object, with the changed fields; exit 1 when they differ')
    .option('--limit <n>', 'examples listed per object (all of them in --json)', wholeNumber('--limit'), 10)
    .option('--key-file <file>', 'file holding the backup key')
    .action(async (a: string, b: string, options: { limit: number; keyFile?: string }) => {
      const plan = context.planIfAny();
      const state = await context.state();
      const opened: Connector[] = [];
      const source = async (ref: string): Promise<RecordSource> => {
        if (await looksLikeBackupRef(ref, state, context.io.cwd)) {
          const handle = await resolveBackup(ref, { state, plan, cwd: context.io.cwd });
          const secret = backupSecret({ plan, cwd: context.io.cwd, env: context.io.env, ...(options.keyFile ? { keyFile: options.keyFile } : {}) });
          return backupSource(await openBackupChain(handle.dir, secret, state), `backup ${handle.id}`);
        }
        const target = resolveSystem(ref, { plan, cwd: context.io.cwd, env: context.io.env });
        const connector = await openSystem(target);
        opened.push(connector);
        return connectorSource(connector, target.name);
      };
      try {
        const report = await diffSources(await source(a), await source(b), { limit: context.json ? Number.POSITIVE_INFINITY : options.limit });
        if (!report.equal) context.exitCode = 1;
        context.emit(report, () => formatDiffReport(report, { limit: options.limit }));
      } finally {
        for (const connector of opened) await connector.close();
      }
    });
}
