/**
 * Where a message template comes from: `templates/<name>.md` beside the
 * plan (copied there by `cutover init` for people to edit), else the
 * built-in of that name.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import { BUILTIN_TEMPLATES, builtinTemplatesDir } from './builtin-templates.js';
import { splitTemplate } from './template-file.js';

/** A template found by name. */
export interface TemplateEntry {
  name: string;
  /** project: the plan's templates folder; built-in: shipped with cutover. */
  origin: 'project' | 'built-in';
  file: string;
  description?: string;
}

/** Every template a plan can use, by name: the project's first, then the built-ins it does not replace. */
export function listTemplates(projectDir: string): TemplateEntry[] {
  const entries = new Map<string, TemplateEntry>();
  if (existsSync(projectDir)) {
    for (const file of readdirSync(projectDir).filter((name) => name.endsWith('.md')).sort()) {
      const name = file.slice(0, -3);
      entries.set(name, describe(name, 'project', path.join(projectDir, file)));
    }
  }
  for (const name of BUILTIN_TEMPLATES) if (!entries.has(name)) entries.set(name, describe(name, 'built-in', path.join(builtinTemplatesDir(), `${name}.md`)));
  return [...entries.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The template of that name with its text; unknown names fail with the names there are. */
export function readTemplate(projectDir: string, name: string): TemplateEntry & { text: string } {
  const entry = listTemplates(projectDir).find((template) => template.name === name);
  if (!entry) {
    throw new CutoverError('usage', `There is no message template "${name}": not in ${projectDir} and not built in.`, {
      hints: [`templates: ${listTemplates(projectDir).map((template) => template.name).join(', ')}`, `add one as ${path.join(projectDir, `${name}.md`)} (front matter with a subject, then Markdown)`],
    });
  }
  return { ...entry, text: readFileSync(entry.file, 'utf8') };
}

function describe(name: string, origin: TemplateEntry['origin'], file: string): TemplateEntry {
  let description: string | undefined;
  try {
    const split = splitTemplate(readFileSync(file, 'utf8'), name);
    if (split.ok) description = split.template.description;
  } catch {
    // An unreadable template is reported when it is used and by cutover check.
  }
  return { name, origin, file, ...(description ? { description } : {}) };
}
