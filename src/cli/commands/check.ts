/** `cutover check`: validate the plan and connect to every system. */
import type { Command } from 'commander';
import { capabilityWords, checkSystems } from '../../operations/check-systems.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

const MARK = { ok: '✓', warning: '!', error: '✗', absent: '·' } as const;

/** Adds the command. */
export function registerCheck(program: Command, context: CliContext): void {
  program
    .command('check')
    .description('validate the plan and connect to every system: what is reachable, what is missing, what each connector can do')
    .action(async () => {
      const started = performance.now();
      const loaded = context.plan();
      const result = await checkSystems(loaded, { env: context.io.env });
      if (!result.ok) context.exitCode = 1;
      const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
      context.emit({ ...result, seconds }, () => {
        const lines = [`Plan ${loaded.file}: ${Object.keys(loaded.plan.systems).length} systems, ${result.ok ? 'all usable' : 'problems found'}`];
        lines.push(
          table(
            result.systems.map((system) => [
              MARK[system.status],
              system.name,
              system.role,
              system.environment,
              system.connector || '?',
              [system.version, ...system.facts].filter(Boolean).join(' · ') || (system.reachable ? '' : 'not reachable'),
            ]),
          ),
        );
        for (const system of result.systems) {
          if (system.problems.length === 0 && !system.capabilities) continue;
          lines.push('', `${system.name} (${system.url}):`);
          if (system.capabilities) lines.push(`  capabilities: ${capabilityWords(system.capabilities).join(', ')}`);
          for (const problem of system.problems) {
            lines.push(`  ${problem.severity}: ${problem.message}`);
            if (problem.hint) lines.push(`    hint: ${problem.hint}`);
          }
        }
        if (!result.ok) lines.push('', 'Fix the errors above and run `cutover check` again.');
        return lines.join('\n');
      });
    });
}
