/**
 * Every message cutover rendered for people: the moment it was for, the
 * template and audience, its text, whether it waits for approval, and how
 * each channel took it. The outbox folder keeps the same message as a file;
 * this is what `cutover notify list`, `approve` and `retry` read. Nothing
 * here holds a channel secret: deliveries are recorded as the channels
 * report them, secrets already removed, and every text passes redaction.
 */
import { CutoverError } from '../core/errors.js';
import { redactText, redactValue } from './redact.js';
import type { StateDb } from './state-db.js';
import { guard } from './state-errors.js';

/** Where a message stands: waiting for `cutover notify approve`, being sent, sent through every channel, or failed on one at least. */
export type MessageStatus = 'awaiting_approval' | 'sending' | 'sent' | 'failed';

/** How one channel took a message. */
export interface Delivery {
  /** The channel's name in the plan (`outbox`, `email`, `team-chat`). */
  channel: string;
  kind: string;
  /** Where it went, without secrets. */
  target: string;
  status: 'sent' | 'failed';
  attempts: number;
  seconds: number;
  reason?: string;
  /** When the channel's last attempt ended. */
  at: string;
  /** The outbox channel: the message's file. */
  file?: string;
}

/** The text of a message as it was rendered. */
export interface StoredMessage {
  /** Email recipients. */
  to: string[];
  /** The chat channels of its audience, by name. */
  chat: string[];
  markdown: string;
  text: string;
}

/** A recorded message. */
export interface MessageRecord {
  id: string;
  createdAt: string;
  /** The moment: rollback_started, decision_taken… or manual for `cutover notify --send`. */
  event: string;
  template: string;
  audience: string;
  /** The run it belongs to (a rollback), if any. */
  runId: string | null;
  /** The system the moment was about (the target), if any. */
  system: string | null;
  subject: string;
  status: MessageStatus;
  message: StoredMessage;
  deliveries: Delivery[];
  /** The message's file in the outbox. */
  outboxFile: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  updatedAt: string;
}

/** What changes as a message is approved and sent. */
export interface MessageUpdate {
  status: MessageStatus;
  /**
   * Only from this status: the check and the change are one step, so of two
   * commands approving (or retrying) the same message at once one wins and
   * the other gets a usage error. Default: from any status.
   */
  from?: MessageStatus;
  deliveries?: Delivery[];
  outboxFile?: string;
  approvedBy?: string;
  approvedAt?: string;
}

/** Filters of {@link MessagesRepository.list}. */
export interface MessageFilter {
  runId?: string;
  event?: string;
  status?: MessageStatus;
  /** At most this many, newest first. */
  limit?: number;
}

export interface MessagesRepository {
  /** Records a new message; an id already recorded is an error. */
  record(message: Omit<MessageRecord, 'updatedAt'>): Promise<void>;
  /** Changes a message's status, deliveries, file or approval. */
  update(id: string, update: MessageUpdate): Promise<MessageRecord>;
  get(id: string): Promise<MessageRecord | undefined>;
  /** Messages, newest first. */
  list(filter?: MessageFilter): Promise<MessageRecord[]>;
}

interface MessageDbRow {
  id: string;
  created_at: string;
  event: string;
  template: string;
  audience: string;
  run_id: string | null;
  system: string | null;
  subject: string;
  status: MessageStatus;
  message: string;
  deliveries: string;
  outbox_file: string | null;
  approved_by: string | null;
  approved_at: string | null;
  updated_at: string;
}

export class SqlMessagesRepository implements MessagesRepository {
  constructor(private readonly db: StateDb) {}

  record(message: Omit<MessageRecord, 'updatedAt'>): Promise<void> {
    return guard(this.db.where, `recording message ${message.id}`, () =>
      this.db.transaction(async () => {
        if (await this.db.get('SELECT 1 AS found FROM messages WHERE id = ?', [message.id])) throw new CutoverError('state.failed', `A message ${message.id} is already recorded.`);
        await this.db.run(
          'INSERT INTO messages (id, created_at, event, template, audience, run_id, system, subject, status, message, deliveries, outbox_file, approved_by, approved_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [
            message.id,
            message.createdAt,
            message.event,
            message.template,
            message.audience,
            message.runId,
            message.system,
            redactText(message.subject),
            message.status,
            storedJson(message.message),
            storedJson(message.deliveries),
            message.outboxFile,
            message.approvedBy,
            message.approvedAt,
            message.createdAt,
          ],
        );
      }),
    );
  }

  update(id: string, update: MessageUpdate): Promise<MessageRecord> {
    return guard(this.db.where, `updating message ${id}`, () =>
      this.db.transaction(async () => {
        const row = await this.db.get<MessageDbRow>('SELECT * FROM messages WHERE id = ?', [id]);
        if (!row) throw new CutoverError('usage', `There is no message ${id}.`, { hints: ['list them: cutover notify list'] });
        const refused = (status: MessageStatus): CutoverError =>
          new CutoverError('usage', `Message ${id} is ${status.replace('_', ' ')}, not ${(update.from ?? status).replace('_', ' ')}.`, { hints: ['list them: cutover notify list'] });
        if (update.from !== undefined && row.status !== update.from) throw refused(row.status);
        const next: MessageDbRow = {
          ...row,
          status: update.status,
          deliveries: update.deliveries ? storedJson(update.deliveries) : row.deliveries,
          outbox_file: update.outboxFile ?? row.outbox_file,
          approved_by: update.approvedBy ?? row.approved_by,
          approved_at: update.approvedAt ?? row.approved_at,
          updated_at: new Date().toISOString(),
        };
        // With from, the status is checked again by the UPDATE itself: on PostgreSQL the SELECT above does not lock the row.
        const changed = await this.db.run(
          `UPDATE messages SET status = ?, deliveries = ?, outbox_file = ?, approved_by = ?, approved_at = ?, updated_at = ? WHERE id = ?${update.from === undefined ? '' : ' AND status = ?'}`,
          [next.status, next.deliveries, next.outbox_file, next.approved_by, next.approved_at, next.updated_at, id, ...(update.from === undefined ? [] : [update.from])],
        );
        if (changed === 0) {
          const now = await this.db.get<Pick<MessageDbRow, 'status'>>('SELECT status FROM messages WHERE id = ?', [id]);
          throw refused(now?.status ?? row.status);
        }
        return messageOf(next);
      }),
    );
  }

  async get(id: string): Promise<MessageRecord | undefined> {
    const row = await guard(this.db.where, `reading message ${id}`, () => this.db.get<MessageDbRow>('SELECT * FROM messages WHERE id = ?', [id]));
    return row ? messageOf(row) : undefined;
  }

  async list(filter: MessageFilter = {}): Promise<MessageRecord[]> {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.runId !== undefined) (where.push('run_id = ?'), params.push(filter.runId));
    if (filter.event !== undefined) (where.push('event = ?'), params.push(filter.event));
    if (filter.status !== undefined) (where.push('status = ?'), params.push(filter.status));
    const limit = filter.limit === undefined ? '' : ` LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
    const rows = await guard(this.db.where, 'reading the messages', () =>
      this.db.all<MessageDbRow>(`SELECT * FROM messages${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, ${this.db.rowOrder} DESC${limit}`, params),
    );
    return rows.map(messageOf);
  }
}

/**
 * JSON of a value with every string redacted. Redacting each string before
 * serializing, not the JSON text after, keeps the JSON whole: a rule such as
 * `Authorization: …` runs to the end of a line, and JSON text has none.
 */
function storedJson(value: unknown): string {
  return JSON.stringify(redactValue(value));
}

function messageOf(row: MessageDbRow): MessageRecord {
  return {
    id: row.id,
    createdAt: row.created_at,
    event: row.event,
    template: row.template,
    audience: row.audience,
    runId: row.run_id,
    system: row.system,
    subject: row.subject,
    status: row.status,
    message: JSON.parse(row.message) as StoredMessage,
    deliveries: JSON.parse(row.deliveries) as Delivery[],
    outboxFile: row.outbox_file,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    updatedAt: row.updated_at,
  };
}
