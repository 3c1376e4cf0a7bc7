/**
 * A message ready to send: what was rendered, to whom, and why. Channels
 * take this; the outbox keeps it as it was sent.
 */
import { randomBytes } from 'node:crypto';
import type { RenderedMessage } from './render.js';

/** A rendered message with its recipients and metadata. */
export interface OutgoingMessage extends RenderedMessage {
  /** Unique id: `msg-<UTC time>-<random>`; names the outbox file and, later, `cutover notify approve <id>`. */
  id: string;
  /** When it was created, ISO 8601. */
  createdAt: string;
  /** Email addresses, for the SMTP channel; chat channels post to their webhook instead. */
  to: string[];
  /** The audience of the plan it is for (team, management, customers). */
  audience?: string;
  /** The moment it is sent at (rollback_started…). */
  event?: string;
  /** Where it stands (awaiting_approval, sent, failed), shown in its outbox file. */
  status?: string;
  /** How each channel took it, shown in its outbox file. */
  deliveries?: ReadonlyArray<{ channel: string; status: string; target: string; reason?: string; at: string }>;
}

/** Options of {@link createMessage}. */
export interface CreateMessageOptions {
  /** Email recipients. Default none. */
  to?: string[];
  audience?: string;
  event?: string;
  /** The creation time. Default now. */
  now?: Date;
}

/** Gives a rendered message an id, a time and its recipients. */
export function createMessage(rendered: RenderedMessage, options: CreateMessageOptions = {}): OutgoingMessage {
  const now = options.now ?? new Date();
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return {
    ...rendered,
    id: `msg-${stamp}-${randomBytes(4).toString('hex')}`,
    createdAt: now.toISOString(),
    to: [...(options.to ?? [])],
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.event === undefined ? {} : { event: options.event }),
  };
}
