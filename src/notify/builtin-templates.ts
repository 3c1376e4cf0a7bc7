/**
 * The templates cutover ships in `templates/` (copied into a project by
 * `cutover init` for people to edit), by name.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Names of the built-in templates, each `templates/<name>.md`. */
export const BUILTIN_TEMPLATES = [
  'internal-team',
  'customer',
  'management-escalation',
  'post-rollback-next-steps',
  'go-live',
  'rollback-started',
  'rollback-completed',
  'drill-finished',
] as const;

/** A built-in template name. */
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];

/** The folder of the built-in templates: `templates/` of the package, two levels above this file in src/ and in dist/. */
export function builtinTemplatesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'templates');
}

/** The text of a built-in template. */
export function readBuiltinTemplate(name: BuiltinTemplate): Promise<string> {
  return readFile(path.join(builtinTemplatesDir(), `${name}.md`), 'utf8');
}
