/**
 * A message template file: YAML front matter giving the subject (itself a
 * Liquid template), then the Markdown body with Liquid.
 *
 *     ---
 *     subject: "Rollback of {{ project.name }} started"
 *     description: Sent to the team when a rollback starts.
 *     ---
 *     # The rollback has started
 *     …
 */
import { parse as parseYaml } from 'yaml';

/** A template split into its parts, before any Liquid parsing. */
export interface MessageTemplate {
  /** Its name: the file name without `.md` (`internal-team`). */
  name: string;
  /** The subject, a one-line Liquid template. */
  subject: string;
  /** What the template is for, from the front matter; shown by `cutover notify --list`. */
  description?: string;
  /** The Markdown body, a Liquid template. */
  body: string;
  /** Lines before the body (the front matter), so problems can name lines of the file. */
  bodyLine: number;
}

/** Result of {@link splitTemplate}: the template, or the problems of its front matter. */
export type SplitTemplate = { ok: true; template: MessageTemplate } | { ok: false; problems: string[] };

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const KNOWN_KEYS = new Set(['subject', 'description']);

/** Splits a template file into subject, description and body, reporting every front-matter problem. */
export function splitTemplate(text: string, name: string): SplitTemplate {
  const match = FRONT_MATTER.exec(text);
  if (!match) return { ok: false, problems: [`${name}: the template must start with front matter giving the subject (---, subject: "…", ---)`] };
  let head: unknown;
  try {
    head = parseYaml(match[1] ?? '');
  } catch (error) {
    return { ok: false, problems: [`${name}: front matter is not YAML: ${(error as Error).message.split('\n')[0]}`] };
  }
  if (typeof head !== 'object' || head === null || Array.isArray(head)) return { ok: false, problems: [`${name}: front matter must be key: value lines`] };
  const fields = head as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields)) if (!KNOWN_KEYS.has(key)) problems.push(`${name}: unknown front matter key "${key}" (known: subject, description)`);
  const subject = fields['subject'];
  if (typeof subject !== 'string' || subject.trim() === '') problems.push(`${name}: front matter needs a subject`);
  const description = fields['description'];
  if (description !== undefined && typeof description !== 'string') problems.push(`${name}: description must be text`);
  if (problems.length > 0) return { ok: false, problems };
  const frontMatter = match[0];
  return {
    ok: true,
    template: {
      name,
      subject: subject as string,
      ...(typeof description === 'string' ? { description } : {}),
      body: text.slice(frontMatter.length),
      bodyLine: frontMatter.split('\n').length - 1,
    },
  };
}
