/** `cutover describe <system>`: objects, fields, counts, users, configuration. */
import type { Command } from 'commander';
import type { FieldDescription, ObjectDescription } from '../../connectors/contract.js';
import { describeSystem, type SystemReport } from '../../operations/describe-system.js';
import { resolveSystem } from '../../plan/systems.js';
import type { CliContext } from '../context.js';
import { count, table } from '../format.js';
import { profileOption } from './options.js';

/** Adds the command. */
export function registerDescribe(program: Command, context: CliContext): void {
  program
    .command('describe')
    .argument('<system>', 'a system of the plan, or a URL (sqlite:./crm.db, postgres://…, mysql://…)')
    .description("print a system's objects, fields, record counts, users and configuration (DDL, views, triggers, functions)")
    .addOption(profileOption())
    .option('--fields', 'list every field of every object (always in --json)')
    .action(async (systemArg: string, options: { profile?: 'generic' | 'suitecrm' | 'salesforce'; fields?: boolean }) => {
      const target = resolveSystem(systemArg, { plan: context.planIfAny(), cwd: context.io.cwd, env: context.io.env, ...(options.profile ? { profile: options.profile } : {}) });
      const report = await describeSystem(target);
      context.emit(report, () => render(report, Boolean(options.fields)));
    });
}

function render(report: SystemReport, allFields: boolean): string {
  const { description } = report;
  const lines: string[] = [
    `${report.system} — ${report.url}`,
    `${description.version ?? description.connector} · profile ${report.profile} · ${report.role ?? 'no role'} · ${report.environment} · measured ${report.measuredAt}`,
    '',
    `Objects (${description.objects.length}):`,
  ];
  lines.push(
    table(
      [
        ['name', 'kind', 'records', 'deleted flag', 'modified at', 'key'],
        ...description.objects.map((object) => [
          object.name,
          object.kind,
          object.recordCount === undefined ? '—' : count(object.recordCount),
          object.softDelete?.field ?? '—',
          object.modifiedAtField ?? '—',
          object.unsupported ? `unsupported: ${object.unsupported}` : object.idField,
        ]),
      ],
      { indent: 2 },
    ),
  );
  for (const object of description.objects) {
    if (!allFields && object.kind !== 'object' && object.kind !== 'users') continue;
    lines.push('', `${object.name}:`, table(object.fields.map((field) => fieldRow(object, field)), { indent: 2 }));
  }
  lines.push('', `Relationships (${description.relationships.length}):`);
  lines.push(
    table(
      description.relationships.map((relationship) => [
        `${relationship.from.object}.${relationship.from.field}`,
        '→',
        relationship.polymorphic
          ? `${Object.values(relationship.polymorphic.objects).join(' | ')} by ${relationship.polymorphic.typeField ?? 'id prefix'}`
          : `${relationship.to.object}.${relationship.to.field}`,
        `(${relationship.source})`,
      ]),
      { indent: 2 },
    ),
  );
  const active = report.users.filter((user) => user.active).length;
  const admins = report.users.filter((user) => user.isAdmin).length;
  const frozen = report.users.filter((user) => user.frozen).length;
  lines.push('', `Users (${report.users.length}: ${active} active, ${frozen} frozen, ${admins} admins):`);
  lines.push(
    table(
      [
        ['id', 'username', 'email', 'status', 'admin', 'last login'],
        ...report.users.map((user) => [user.id, user.username ?? '—', user.email ?? '—', user.frozen ? `${user.status ?? ''} (frozen)` : (user.status ?? (user.active ? 'active' : 'inactive')), user.isAdmin ? 'yes' : '', user.lastLoginAt ?? '—']),
      ],
      { indent: 2 },
    ),
  );
  const kinds = new Map<string, number>();
  for (const artifact of report.configuration) kinds.set(artifact.kind, (kinds.get(artifact.kind) ?? 0) + 1);
  lines.push('', `Configuration (${[...kinds].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ') || 'none'}):`);
  for (const artifact of report.configuration.filter((a) => a.kind !== 'table' && a.kind !== 'index')) {
    lines.push(`  ${artifact.kind} ${artifact.name}${artifact.object ? ` on ${artifact.object}` : ''}${artifact.language && artifact.language !== 'sql' ? ` (${artifact.language})` : ''}`);
  }
  lines.push('', 'Full DDL and every field: cutover describe <system> --json');
  return lines.join('\n');
}

function fieldRow(object: ObjectDescription, field: FieldDescription): string[] {
  const notes: string[] = [];
  if (field.primaryKey) notes.push('key');
  if (field.autoAssigned) notes.push('auto');
  if (field.unique && !field.primaryKey) notes.push('unique');
  if (field.role) notes.push(field.role);
  if (field.references) notes.push(`→ ${field.references.polymorphic ? Object.values(field.references.polymorphic.objects).join('|') : `${field.references.object}.${field.references.field}`} (${field.references.source})`);
  if (field.picklistValues) notes.push(`values: ${field.picklistValues.join(', ')}`);
  const size = field.length ? `(${field.length})` : field.precision ? `(${field.precision},${field.scale ?? 0})` : '';
  void object;
  return [field.name, `${field.type}${size}`, field.nullable ? 'null' : 'not null', notes.join(' · ')];
}
