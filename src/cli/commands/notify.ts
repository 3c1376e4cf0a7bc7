/**
 * `cutover notify`: preview or send the plan's messages, list what was
 * sent, approve what waits, send again what failed.
 *
 *     cutover notify <moment|template> [--audience A] [--preview] [--send]
 *     cutover notify list | templates | approve <id> | retry <id>
 */
import type { Command } from 'commander';
import { CutoverError } from '../../core/errors.js';
import { currentFacts, listTemplates, Notifier, type Addressed, type MessageReport, type PreparedMessage } from '../../notify/index.js';
import { MOMENTS, routeMoments, type Moment } from '../../plan/communications-schema.js';
import type { MessageStatus } from '../../state/index.js';
import { messagesLine } from '../announce.js';
import type { CliContext } from '../context.js';
import { table } from '../format.js';

interface NotifyOptions {
  audience?: string;
  preview?: boolean;
  send?: boolean;
  status?: string;
  run?: string;
}

const ACTIONS = ['list', 'templates', 'approve', 'retry'] as const;

/** Adds the command. */
export function registerNotify(program: Command, context: CliContext): void {
  program
    .command('notify')
    .argument('<what>', `a moment (${MOMENTS.join(', ')}), a template (internal-team, customer…), or list, templates, approve <id>, retry <id>`)
    .argument('[id]', 'the message, for approve and retry')
    .description(
      "render the plan's messages with the facts in the state (go-live, decision, triggers, the last rollback) and preview them (default) or --send them through the outbox, email and chat; list sent messages, approve one that waits, or send a failed one again",
    )
    .option('--audience <name>', 'only this audience (for a template not routed anywhere: the audience to send it to)')
    .option('--preview', 'render to the terminal and send nothing (the default)')
    .option('--send', 'send and record the messages')
    .option('--status <status>', 'list: only messages in this status (awaiting_approval, sent, failed)')
    .option('--run <id>', 'list: only messages of this run')
    .action(async (what: string, id: string | undefined, options: NotifyOptions) => {
      const loaded = context.plan();
      const state = await context.state();
      if (!state) throw new CutoverError('internal', 'No state store.');
      const notifier = new Notifier(loaded, state, context.io.env);
      if ((ACTIONS as readonly string[]).includes(what)) {
        await action(context, notifier, what as (typeof ACTIONS)[number], id, options);
        return;
      }
      if (id !== undefined) throw new CutoverError('usage', `notify ${what} takes no id (${id}).`, { hints: ['ids go with approve and retry: cutover notify approve <id>'] });
      if (options.preview && options.send) throw new CutoverError('usage', '--preview and --send together: choose one.', { hints: ['preview first, then send'] });
      const moment = momentOf(what);
      const facts = await currentFacts(loaded, state, moment ?? 'manual');
      const filter = { ...(options.audience ? { audience: options.audience } : {}), ...(facts.decision ? { decision: facts.decision.decision } : {}) };
      const pairs = moment ? notifier.routed(moment, filter) : templatePairs(notifier, what, options.audience, Boolean(options.send));
      if (pairs.length === 0) {
        throw new CutoverError('usage', `No route of the plan sends anything at ${what}${options.audience ? ` to ${options.audience}` : ''}.`, {
          hints: ['routes are in communications.routes of the plan (docs/plan.md)', 'send one template anyway: cutover notify <template> --audience <name> --send'],
        });
      }
      if (!options.send) {
        const prepared = await Promise.all(pairs.map((pair) => notifier.prepare(pair, facts, moment ?? 'manual')));
        context.emit({ preview: true, messages: prepared.map(previewJson) }, () => [...prepared.map((message) => previewText(message, notifier)), 'Nothing was sent. Send with --send.'].join('\n\n'));
        return;
      }
      const event = moment ?? 'manual';
      const reports = await Promise.all(pairs.map((pair) => notifier.renderAndDispatch(pair, { ...facts, event }, { event, system: facts.systems.target.name })));
      await context.audit('notify', reports.some((report) => report.status === 'failed') ? 'failed' : 'succeeded', `${what}: ${messagesLine(reports)}`);
      if (reports.some((report) => report.status === 'failed')) context.exitCode = 3;
      context.emit({ messages: reports }, () => formatReports(reports));
    });
}

async function action(context: CliContext, notifier: Notifier, what: (typeof ACTIONS)[number], id: string | undefined, options: NotifyOptions): Promise<void> {
  const state = (await context.state())!;
  if (what === 'list') {
    const status = options.status as MessageStatus | undefined;
    if (status && !['awaiting_approval', 'sending', 'sent', 'failed'].includes(status)) throw new CutoverError('usage', `--status ${status} is not a message status.`, { hints: ['use awaiting_approval, sent or failed'] });
    const messages = await state.messages.list({ ...(status ? { status } : {}), ...(options.run ? { runId: options.run } : {}) });
    context.emit({ messages }, () =>
      messages.length === 0
        ? 'No messages yet.'
        : table([
            ['id', 'created', 'moment', 'template', 'audience', 'status', 'channels'],
            ...messages.map((message) => [
              message.id,
              message.createdAt.replace('T', ' ').slice(0, 19),
              message.event,
              message.template,
              message.audience,
              message.status,
              message.deliveries.map((delivery) => `${delivery.channel} ${delivery.status}`).join(', '),
            ]),
          ]),
    );
    return;
  }
  if (what === 'templates') {
    const templates = listTemplates(notifier.templatesDir).map((template) => ({
      ...template,
      routes: notifier.communications.routes.filter((route) => route.template === template.name).map((route) => `${routeMoments(route).join('/')} → ${route.to.join(', ')}`),
    }));
    context.emit({ templates }, () => table([['template', 'from', 'sent at', 'what it is'], ...templates.map((t) => [t.name, t.origin, t.routes.join('; ') || '—', t.description ?? ''])]));
    return;
  }
  if (!id) throw new CutoverError('usage', `notify ${what} needs the message id.`, { hints: ['find it: cutover notify list'] });
  const report = what === 'approve' ? await notifier.approve(id) : await notifier.retry(id);
  await context.audit('notify', report.status === 'failed' ? 'failed' : 'succeeded', `${what} ${id}: ${messagesLine([report])}`);
  if (report.status === 'failed') context.exitCode = 3;
  context.emit({ messages: [report] }, () => formatReports([report]));
}

/** A moment named as written in the plan or with dashes (rollback-finished). */
function momentOf(what: string): Moment | undefined {
  const name = what.replace(/-/g, '_');
  return (MOMENTS as readonly string[]).includes(name) ? (name as Moment) : undefined;
}

/** A template for the audiences its routes name, or the one given; a template sent needs an audience. */
function templatePairs(notifier: Notifier, template: string, audience: string | undefined, sending: boolean): Addressed[] {
  if (!listTemplates(notifier.templatesDir).some((entry) => entry.name === template)) {
    throw new CutoverError('usage', `"${template}" is neither a moment nor a message template.`, {
      hints: [`moments: ${MOMENTS.join(', ')}`, `templates: ${listTemplates(notifier.templatesDir).map((entry) => entry.name).join(', ')}`],
    });
  }
  const audiences = Object.keys(notifier.communications.audiences);
  if (audience !== undefined) {
    if (!notifier.communications.audiences[audience]) throw new CutoverError('usage', `The plan has no audience ${audience}.`, { hints: [`audiences: ${audiences.join(', ')}`] });
    return [{ template, audience }];
  }
  const routed = [...new Set(notifier.communications.routes.filter((route) => route.template === template).flatMap((route) => route.to))];
  if (routed.length > 0) return routed.map((name) => ({ template, audience: name }));
  if (sending) throw new CutoverError('usage', `No route sends ${template}: name whom to send it to.`, { hints: [`--audience ${audiences[0] ?? 'team'} (audiences: ${audiences.join(', ')})`] });
  return [{ template, audience: '' }];
}

function previewJson(prepared: PreparedMessage): Record<string, unknown> {
  const { message } = prepared;
  return { template: message.template, audience: message.audience, to: message.to, chat: prepared.chat, requiresApproval: prepared.requiresApproval, subject: message.subject, markdown: message.markdown, text: message.text };
}

function previewText(prepared: PreparedMessage, notifier: Notifier): string {
  const { message } = prepared;
  const reach = [message.to.length > 0 ? `email ${message.to.join(', ')}` : '', prepared.chat.length > 0 ? `chat ${prepared.chat.join(', ')}` : '', `outbox ${notifier.channels.outbox.dir}`].filter(Boolean).join('; ');
  return [
    `── ${message.template}${message.audience ? ` → ${message.audience}` : ''} (${reach})${prepared.requiresApproval ? ' — waits for approval when sent' : ''}`,
    `Subject: ${message.subject}`,
    '',
    message.text.trimEnd(),
  ].join('\n');
}

function formatReports(reports: readonly MessageReport[]): string {
  return reports
    .map((report) => {
      const head = `${report.id || '(not rendered)'}  ${report.template} → ${report.audience}: ${report.status.replace('_', ' ')}${report.reason ? ` — ${report.reason}` : ''}`;
      const lines = report.deliveries.map((delivery) => `  ${delivery.channel} (${delivery.target}): ${delivery.status}${delivery.reason ? ` — ${delivery.reason}` : ''}`);
      const next = report.status === 'awaiting_approval' ? [`  approve it: cutover notify approve ${report.id}`] : report.status === 'failed' && report.id ? [`  send it again: cutover notify retry ${report.id}`] : [];
      return [head, ...lines, ...next].join('\n');
    })
    .join('\n');
}
