/** `cutover check`: validate the plan and connect to every system. */
import type { Command } from 'commander';
import type { MappingCheck } from '../../operations/check-mapping.js';
import { capabilityWords, checkSystems } from '../../operations/check-systems.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

const MARK = { ok: '✓', warning: '!', error: '✗', absent: '·' } as const;

/** Adds the command. */
export function registerCheck(program: Command, context: CliContext): void {
  program
    .command('check')
    .description('validate the plan and connect to every system: what is reachable, what is missing, what each connector can do; check the mapping against both systems')
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
        if (result.mapping) lines.push('', ...mappingLines(result.mapping));
        if (result.triggers) {
          const { status, checks, problems } = result.triggers;
          lines.push('', `${MARK[status]} Triggers: ${checks.length} checks (${checks.join(', ')})${problems.length === 0 ? ', no problems' : ''}`);
          for (const problem of problems) {
            lines.push(`  ${problem.severity}: ${problem.path}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`);
            if (problem.hint) lines.push(`    hint: ${problem.hint}`);
          }
        }
        if (result.templates) {
          const { checked, problems } = result.templates;
          lines.push('', `${MARK[problems.length > 0 ? 'error' : 'ok']} Templates: ${checked} in templates/${problems.length === 0 ? ', no problems' : ''}`);
          for (const problem of problems) lines.push(`  error: ${problem}`);
        }
        if (result.communications) {
          const { audiences, routes, channels, problems } = result.communications;
          lines.push('', `${MARK[problems.length > 0 ? 'error' : 'ok']} Communications: ${audiences.length} audiences (${audiences.join(', ')}), ${routes.length} routes, channels ${channels.join(', ')}${problems.length === 0 ? ', no problems' : ''}`);
          for (const problem of problems) lines.push(`  error: ${problem}`);
        }
        if (!result.ok) lines.push('', 'Fix the errors above and run `cutover check` again.');
        return lines.join('\n');
      });
    });
}

/** The mapping's part of the human output: a summary line, then each problem with its path, line and hint. */
function mappingLines(mapping: MappingCheck): string[] {
  const systems = `${mapping.source ?? '?'} → ${mapping.target ?? '?'}`;
  const size = `${mapping.objects} object${mapping.objects === 1 ? '' : 's'}, ${mapping.fields} field${mapping.fields === 1 ? '' : 's'}`;
  if (mapping.status === 'skipped') return [`· Mapping ${systems} (${size}) not checked: ${mapping.reason ?? 'a system could not be described'}`];
  const errors = mapping.problems.filter((problem) => problem.severity === 'error').length;
  const warnings = mapping.problems.length - errors;
  const verdict = mapping.status === 'ok' ? 'no problems' : [errors ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  const lines = [`${MARK[mapping.status]} Mapping ${systems}: ${size}, ${verdict}`];
  if (mapping.order.length > 0) lines.push(`  order: ${mapping.order.map((entry) => `${entry.source} → ${entry.target}`).join(', ')}`);
  if (mapping.users) {
    const how = mapping.users.by === 'email' ? 'by email or the table' : 'by the table';
    lines.push(`  users: ${mapping.users.matched} of ${mapping.users.total} source users matched ${how}${mapping.users.fallback ? ', the rest get the fallback' : ''}`);
  }
  for (const problem of mapping.problems) {
    lines.push(`  ${problem.severity}: ${problem.path}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`);
    if (problem.hint) lines.push(`    hint: ${problem.hint}`);
  }
  return lines;
}
