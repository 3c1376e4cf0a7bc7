/**
 * Telling people at the moments the plan names. For a moment, the routes
 * give the templates and audiences; each message is rendered with the
 * facts, recorded in the state store, written to the outbox folder, and
 * sent through its audience's email and chat channels at once, with
 * retries. A message to an audience that `requires_approval` waits in the
 * outbox until {@link Notifier.approve}. Nothing here throws for a message
 * that cannot be rendered or sent: it is reported, so a rollback never
 * stops because a mail server is down.
 */
import path from 'node:path';
import { CutoverError } from '../core/errors.js';
import { effectiveCommunications, routeMoments, type Communications, type Moment, type Route } from '../plan/communications-schema.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import { currentUser, type Delivery, type MessageRecord, type MessageStatus, type StateStore } from '../state/index.js';
import type { SendResult } from './channels/channel-types.js';
import { delay, send } from './channels/send.js';
import type { FactsInput } from './facts.js';
import { createMessage, type OutgoingMessage } from './message.js';
import { planChannels, type PlanChannel, type PlanChannels } from './plan-channels.js';
import { renderTemplate } from './render.js';
import { readTemplate } from './template-source.js';

/** A template for an audience. */
export interface Addressed {
  template: string;
  audience: string;
}

/** A rendered message with what its audience asks of it. */
export interface PreparedMessage {
  message: OutgoingMessage;
  requiresApproval: boolean;
  /** The audience's chat channels. */
  chat: string[];
}

/** What became of one message. */
export interface MessageReport {
  /** The message id; empty when it could not be rendered. */
  id: string;
  template: string;
  audience: string;
  subject: string;
  status: MessageStatus;
  deliveries: Delivery[];
  outboxFile: string | null;
  /** Why it could not be rendered or recorded, when so. */
  reason?: string;
}

/** What a message belongs to. */
export interface MessageContext {
  event: Moment | 'manual';
  runId?: string;
  system?: string;
}

/** Sends the plan's messages and keeps their record. */
export class Notifier {
  readonly communications: Communications & { routes: Route[] };
  readonly channels: PlanChannels;
  /** The folder of the project's templates. */
  readonly templatesDir: string;

  constructor(
    private readonly loaded: LoadedPlan,
    private readonly state: StateStore,
    env: NodeJS.ProcessEnv,
  ) {
    this.communications = effectiveCommunications(loaded.plan.communications);
    this.channels = planChannels(this.communications, loaded.dir, env);
    this.templatesDir = path.resolve(loaded.dir, this.communications.templates);
  }

  /** The templates and audiences the routes send at a moment; `decision` filters decision_taken routes. */
  routed(moment: Moment, options: { decision?: string; audience?: string } = {}): Addressed[] {
    const pairs: Addressed[] = [];
    for (const route of this.communications.routes) {
      if (!routeMoments(route).includes(moment)) continue;
      // A route for one decision sends only when that was decided.
      if (route.decision && route.decision !== options.decision) continue;
      for (const audience of route.to) {
        if (options.audience !== undefined && audience !== options.audience) continue;
        if (!pairs.some((pair) => pair.template === route.template && pair.audience === audience)) pairs.push({ template: route.template, audience });
      }
    }
    return pairs;
  }

  /** Renders a template for an audience (recipients, approval) with the facts; throws on a template or audience problem. */
  async prepare(pair: Addressed, facts: FactsInput, event: MessageContext['event']): Promise<PreparedMessage> {
    const audience = this.communications.audiences[pair.audience];
    const template = readTemplate(this.templatesDir, pair.template);
    const timezone = this.loaded.plan.project.timezone;
    const rendered = await renderTemplate(template.text, pair.template, facts, timezone ? { timezone } : {});
    return {
      message: createMessage(rendered, { to: audience?.email ?? [], audience: pair.audience, event }),
      requiresApproval: audience?.requires_approval ?? false,
      chat: audience?.chat ?? [],
    };
  }

  /**
   * Sends what the routes name at a moment, every message at once. With a
   * run id, a message this run already recorded for the same moment,
   * template and audience is not sent again (a resumed rollback).
   */
  async announce(context: MessageContext & { event: Moment }, facts: FactsInput, options: { decision?: string; audience?: string } = {}): Promise<MessageReport[]> {
    let pairs = this.routed(context.event, options);
    if (context.runId !== undefined) {
      const recorded = await this.state.messages.list({ runId: context.runId, event: context.event });
      pairs = pairs.filter((pair) => !recorded.some((message) => message.template === pair.template && message.audience === pair.audience));
    }
    return Promise.all(pairs.map((pair) => this.renderAndDispatch(pair, { ...facts, event: context.event }, context)));
  }

  /** Renders and dispatches one message, reporting a render failure instead of throwing. */
  async renderAndDispatch(pair: Addressed, facts: FactsInput, context: MessageContext): Promise<MessageReport> {
    let prepared: PreparedMessage;
    try {
      prepared = await this.prepare(pair, facts, context.event);
    } catch (error) {
      return { id: '', ...pair, subject: '', status: 'failed', deliveries: [], outboxFile: null, reason: `cannot be rendered: ${error instanceof Error ? error.message : String(error)}` };
    }
    return this.dispatch(prepared, context);
  }

  /** Records a message, writes it to the outbox, and sends it unless it waits for approval. */
  async dispatch(prepared: PreparedMessage, context: MessageContext): Promise<MessageReport> {
    const { message } = prepared;
    const status: MessageStatus = prepared.requiresApproval ? 'awaiting_approval' : 'sending';
    const record: Omit<MessageRecord, 'updatedAt'> = {
      id: message.id,
      createdAt: message.createdAt,
      event: context.event,
      template: message.template,
      audience: message.audience ?? '',
      runId: context.runId ?? null,
      system: context.system ?? null,
      subject: message.subject,
      status,
      message: { to: message.to, chat: prepared.chat, markdown: message.markdown, text: message.text },
      deliveries: [],
      outboxFile: null,
      approvedBy: null,
      approvedAt: null,
    };
    try {
      await this.state.messages.record(record);
    } catch (error) {
      // Unrecorded, it is still kept as a file, so nobody loses the message.
      const outbox = await this.toOutbox(message, 'failed', []);
      return { id: message.id, template: message.template, audience: record.audience, subject: message.subject, status: 'failed', deliveries: [outbox], outboxFile: outboxFile(outbox), reason: `not recorded: ${(error as Error).message}` };
    }
    if (status === 'awaiting_approval') {
      const outbox = await this.toOutbox(message, status, []);
      return this.report(await this.state.messages.update(message.id, { status, deliveries: [outbox], ...fileOf(outbox) }));
    }
    // Kept before anything is sent, so that a crash while sending still leaves the message.
    await this.toOutbox(message, status, []);
    return this.deliver(record, []);
  }

  /** Sends a message that waits for approval, recording who approved it. */
  async approve(id: string, user: string = currentUser()): Promise<MessageReport> {
    const refusal = (record: MessageRecord): CutoverError =>
      new CutoverError('usage', `Message ${id} does not wait for approval: it is ${record.status.replace('_', ' ')}.`, {
        hints: record.status === 'failed' ? [`send it again: cutover notify retry ${id}`] : ['list the messages: cutover notify list'],
      });
    const approved = await this.claim(id, 'awaiting_approval', { approvedBy: user, approvedAt: new Date().toISOString() }, refusal);
    return this.deliver(approved, []);
  }

  /** Sends a failed message again through the channels that failed it. */
  async retry(id: string): Promise<MessageReport> {
    const staleMs = this.longestSendMs() * 2;
    const refusal = (record: MessageRecord): CutoverError =>
      record.status === 'sending'
        ? new CutoverError('usage', `Message ${id} is being sent (since ${record.updatedAt}).`, {
            hints: [`if the command sending it was stopped, retry it after ${new Date(Date.parse(record.updatedAt) + staleMs).toISOString()}, when no attempt can still be running`],
          })
        : new CutoverError('usage', `Message ${id} is ${record.status.replace('_', ' ')}, not failed.`, {
            hints: record.status === 'awaiting_approval' ? [`approve it: cutover notify approve ${id}`] : ['list the messages: cutover notify list'],
          });
    const found = await this.existing(id);
    // A message left sending by a command that was killed is taken over once no attempt of it can still be running.
    const stale = found.status === 'sending' && Date.now() - Date.parse(found.updatedAt) > staleMs;
    const record = await this.claim(id, stale ? 'sending' : 'failed', {}, refusal);
    return this.deliver(record, record.deliveries.filter((delivery) => delivery.status === 'sent' && delivery.channel !== 'outbox'));
  }

  /** The longest one channel can take with every retry: attempts × timeout plus the waits between them. */
  private longestSendMs(): number {
    const { retries = 3, timeoutMs = 10_000, backoff = {} } = this.channels.sendOptions;
    let total = (retries + 1) * timeoutMs;
    for (let retry = 1; retry <= retries; retry += 1) total += delay(retry, backoff);
    return total;
  }

  /**
   * Moves a message from `from` to sending in one step, so that of two
   * commands approving or retrying it at once only one sends it; the other
   * gets the `refusal` for the status it found.
   */
  private async claim(id: string, from: MessageStatus, update: { approvedBy?: string; approvedAt?: string }, refusal: (record: MessageRecord) => CutoverError): Promise<MessageRecord> {
    const record = await this.existing(id);
    if (record.status !== from) throw refusal(record);
    try {
      return await this.state.messages.update(id, { status: 'sending', from, ...update });
    } catch (error) {
      const now = await this.state.messages.get(id);
      if (now && now.status !== from) throw refusal(now);
      throw error;
    }
  }

  /** Sends through every channel of the message not in `done`, then records the outcome and rewrites its outbox file. */
  private async deliver(record: MessageRecord | Omit<MessageRecord, 'updatedAt'>, done: Delivery[]): Promise<MessageReport> {
    const message = outgoingOf(record);
    const pending = this.channelsOf(record).filter((channel) => !done.some((delivery) => delivery.channel === channelName(channel)));
    const sent = await Promise.all(pending.map((channel) => this.sendThrough(message, channel)));
    const deliveries = [...done, ...sent];
    const status: MessageStatus = deliveries.every((delivery) => delivery.status === 'sent') ? 'sent' : 'failed';
    const outbox = await this.toOutbox(message, status, deliveries);
    const all = [outbox, ...deliveries];
    const finalStatus: MessageStatus = all.every((delivery) => delivery.status === 'sent') ? 'sent' : 'failed';
    return this.report(await this.state.messages.update(record.id, { status: finalStatus, deliveries: all, ...fileOf(outbox) }));
  }

  private channelsOf(record: Pick<MessageRecord, 'message'>): PlanChannel[] {
    const channels: PlanChannel[] = [];
    if (record.message.to.length > 0) channels.push(this.channels.email ?? { ok: false, name: 'email', kind: 'smtp', reason: 'the plan names no email server (communications.email)' });
    for (const name of record.message.chat) channels.push(this.channels.chat.get(name) ?? { ok: false, name, kind: 'slack', reason: `the plan has no chat channel ${name} (communications.chat)` });
    return channels;
  }

  private async sendThrough(message: OutgoingMessage, channel: PlanChannel): Promise<Delivery> {
    if (!channel.ok) return { channel: channel.name, kind: channel.kind, target: channel.name, status: 'failed', attempts: 0, seconds: 0, reason: channel.reason, at: new Date().toISOString() };
    return deliveryOf(await send(message, channel.config, this.channels.sendOptions));
  }

  private async toOutbox(message: OutgoingMessage, status: MessageStatus, deliveries: readonly Delivery[]): Promise<Delivery> {
    const shown = deliveries.map((delivery) => ({ channel: delivery.channel, status: delivery.status, target: delivery.target, at: delivery.at, ...(delivery.reason ? { reason: delivery.reason } : {}) }));
    return deliveryOf(await send({ ...message, status, deliveries: shown }, this.channels.outbox, this.channels.sendOptions));
  }

  private async existing(id: string): Promise<MessageRecord> {
    const record = await this.state.messages.get(id);
    if (!record) {
      throw new CutoverError('usage', `There is no message ${id}.`, { hints: ['list them: cutover notify list'] });
    }
    return record;
  }

  private report(record: MessageRecord): MessageReport {
    return { id: record.id, template: record.template, audience: record.audience, subject: record.subject, status: record.status, deliveries: record.deliveries, outboxFile: record.outboxFile };
  }
}

function outgoingOf(record: Pick<MessageRecord, 'id' | 'createdAt' | 'template' | 'subject' | 'message' | 'audience' | 'event'>): OutgoingMessage {
  return { id: record.id, createdAt: record.createdAt, template: record.template, subject: record.subject, markdown: record.message.markdown, text: record.message.text, to: record.message.to, audience: record.audience, event: record.event };
}

function deliveryOf(result: SendResult): Delivery {
  return {
    channel: result.channel,
    kind: result.kind,
    target: result.target,
    status: result.status,
    attempts: result.attempts,
    seconds: result.seconds,
    ...(result.reason ? { reason: result.reason } : {}),
    at: new Date().toISOString(),
    ...(typeof result.detail?.['file'] === 'string' ? { file: result.detail['file'] } : {}),
  };
}

function channelName(channel: PlanChannel): string {
  return channel.ok ? (channel.config.name ?? channel.config.kind) : channel.name;
}

function outboxFile(delivery: Delivery): string | null {
  return delivery.file ?? null;
}

function fileOf(delivery: Delivery): { outboxFile?: string } {
  return delivery.file ? { outboxFile: delivery.file } : {};
}
