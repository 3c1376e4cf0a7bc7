/**
 * The human-readable configuration document of a system, written with every
 * backup: objects, fields, picklists, relationships, users and roles,
 * automations. It holds no record data and no secrets; users appear by
 * username, role and status only.
 */
import type { ConfigurationArtifact, CrmUser, FieldDescription, SystemDescription } from '../connectors/contract.js';

/** What the document is built from. */
export interface DocumentInput {
  system: string;
  url: string;
  profile: string;
  description: SystemDescription;
  users: CrmUser[];
  configuration: ConfigurationArtifact[];
  /** When the system was read (ISO). */
  measuredAt: string;
  /** Record counts per object, as backed up. */
  counts?: Record<string, number>;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function fieldNotes(field: FieldDescription): string {
  const notes: string[] = [];
  if (field.primaryKey) notes.push('key');
  if (field.autoAssigned) notes.push('assigned by the system');
  if (field.unique && !field.primaryKey) notes.push('unique');
  if (field.role) notes.push({ modifiedAt: 'modified-at', createdAt: 'created-at', softDelete: 'soft-delete flag' }[field.role]);
  if (field.references) {
    const target = field.references.polymorphic
      ? `${Object.values(field.references.polymorphic.objects).join(' / ')} (by ${field.references.polymorphic.typeField ?? 'id prefix'})`
      : `${field.references.object}.${field.references.field}`;
    notes.push(`→ ${target}`);
  }
  if (field.defaultValue !== undefined) notes.push(`default ${field.defaultValue}`);
  return notes.join('; ');
}

/** The document as Markdown. */
export function configurationDocument(input: DocumentInput): string {
  const { description } = input;
  const lines: string[] = [
    `# Configuration of ${input.system}`,
    '',
    `- System: ${input.url} (${description.version ?? description.connector}), profile ${input.profile}`,
    `- Read at: ${input.measuredAt}`,
    `- Objects: ${description.objects.length}; relationships: ${description.relationships.length}; users: ${input.users.length}; configuration artifacts: ${input.configuration.length}`,
    '',
    '## Objects',
    '',
    '| object | kind | records | key | modified-at | soft delete |',
    '|---|---|---:|---|---|---|',
  ];
  for (const object of description.objects) {
    const count = input.counts?.[object.name] ?? object.recordCount;
    lines.push(`| ${cell(object.name)} | ${object.kind} | ${count ?? ''} | ${cell(object.idField)} | ${object.modifiedAtField ?? ''} | ${object.softDelete?.field ?? ''} |`);
  }
  for (const object of description.objects) {
    lines.push('', `### ${object.name}`, '');
    if (object.unsupported) lines.push(`Not backed up: ${object.unsupported}.`, '');
    lines.push('| field | type | null | notes |', '|---|---|---|---|');
    for (const field of object.fields) {
      const size = field.length ? `(${field.length})` : field.precision ? `(${field.precision},${field.scale ?? 0})` : '';
      lines.push(`| ${cell(field.name)} | ${field.type}${size} \`${cell(field.nativeType)}\` | ${field.nullable ? 'yes' : 'no'} | ${cell(fieldNotes(field))} |`);
    }
    const picklists = object.fields.filter((field) => field.picklistValues?.length);
    for (const field of picklists) lines.push('', `Picklist **${field.name}**: ${field.picklistValues?.map(cell).join(', ')}`);
  }
  lines.push('', '## Relationships', '', '| from | to | declared by |', '|---|---|---|');
  for (const relationship of description.relationships) {
    const to = relationship.polymorphic
      ? `${Object.entries(relationship.polymorphic.objects).map(([type, object]) => `${object} (${type})`).join(', ')}`
      : `${relationship.to.object}.${relationship.to.field}`;
    lines.push(`| ${relationship.from.object}.${relationship.from.field} | ${cell(to)} | ${relationship.source} |`);
  }
  lines.push('', '## Users and roles', '');
  const roles = new Map<string, number>();
  for (const user of input.users) roles.set(user.role ?? '(none)', (roles.get(user.role ?? '(none)') ?? 0) + 1);
  lines.push(`Roles: ${[...roles].map(([role, n]) => `${role} (${n})`).join(', ') || 'none'}.`, '');
  lines.push('| username | role | status | admin | last login |', '|---|---|---|---|---|');
  for (const user of input.users) {
    const status = user.frozen ? 'frozen' : user.active ? 'active' : (user.status ?? 'inactive');
    lines.push(`| ${cell(user.username ?? user.id)} | ${cell(user.role ?? '')} | ${cell(status)} | ${user.isAdmin ? 'yes' : ''} | ${user.lastLoginAt ?? ''} |`);
  }
  lines.push('', '## Automations and code', '');
  const automations = input.configuration.filter((artifact) => artifact.kind !== 'table' && artifact.kind !== 'index');
  if (automations.length === 0) lines.push('None found.');
  for (const artifact of automations) {
    lines.push(`### ${artifact.kind} ${artifact.name}${artifact.object ? ` on ${artifact.object}` : ''}`, '', `\`\`\`${artifact.language ?? ''}`, artifact.definition, '```', '');
  }
  lines.push('', '## Table definitions', '');
  for (const artifact of input.configuration.filter((a) => a.kind === 'table' || a.kind === 'index')) {
    lines.push(`\`\`\`${artifact.language ?? ''}`, artifact.definition, '```', '');
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
