/**
 * Rendering a message template with the facts of the moment: the subject
 * (one line), the Markdown body, and the same body as plain text. Strict:
 * a name the facts do not have, or an unknown filter or tag, is an error
 * (`templateProblems` finds these without rendering, for `cutover check`).
 * Missing optional facts are `null`, so templates guard them with
 * `{% if decision %}` and a missing fact never fails a render.
 */
import type { Liquid } from 'liquidjs';
import { CutoverError } from '../core/errors.js';
import { normalizeFacts, parseFacts, type FactsInput } from './facts.js';
import { createLiquid } from './liquid-engine.js';
import { markdownToText, tidyMarkdown } from './markdown-text.js';
import { splitTemplate } from './template-file.js';

/** A rendered message, before it has recipients or a channel. */
export interface RenderedMessage {
  /** The template it came from. */
  template: string;
  /** The subject, on one line. */
  subject: string;
  /** The body as Markdown. */
  markdown: string;
  /** The body as plain text (email, terminal preview). */
  text: string;
}

/** Options of {@link renderTemplate}. */
export interface RenderTemplateOptions {
  /** Time zone of the `date` filter. Default: the project's time zone in the facts, else UTC. */
  timezone?: string;
  /** An engine to reuse; default a new strict one from {@link createLiquid}. */
  liquid?: Liquid;
}

/**
 * Renders a template file's text with the facts. Throws a
 * {@link CutoverError} (`plan.invalid`) naming the template and the problem
 * when the front matter, the facts or a name in the template is wrong.
 */
export async function renderTemplate(templateText: string, name: string, facts: FactsInput, options: RenderTemplateOptions = {}): Promise<RenderedMessage> {
  const split = splitTemplate(templateText, name);
  if (!split.ok) throw new CutoverError('plan.invalid', `the message template ${name} is not valid`, { details: split.problems, hints: ['fix the template; cutover check lists its problems'] });
  const parsed = parseFacts(facts);
  if (!parsed.ok) throw new CutoverError('internal', `the facts for the message template ${name} are not valid`, { details: parsed.problems });
  const liquid = options.liquid ?? createLiquid({ timezone: options.timezone ?? parsed.facts.project.timezone ?? 'UTC' });
  const scope = normalizeFacts(parsed.facts);
  const { template } = split;
  const subject = await renderPart(liquid, template.subject, scope, `${name} (subject)`, 0);
  const body = await renderPart(liquid, template.body, scope, name, template.bodyLine);
  const markdown = tidyMarkdown(body);
  return { template: name, subject: subject.replace(/\s+/g, ' ').trim(), markdown, text: markdownToText(markdown) };
}

async function renderPart(liquid: Liquid, text: string, scope: Record<string, unknown>, label: string, lineOffset: number): Promise<string> {
  try {
    const output: unknown = await liquid.parseAndRender(text, scope);
    return String(output);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/line:(\d+)/, (_whole, line: string) => `line:${Number(line) + lineOffset}`);
    throw new CutoverError('plan.invalid', `the message template ${label} cannot be rendered: ${message}`, {
      hints: ['run cutover check to list every problem of the templates'],
      cause: error,
    });
  }
}
