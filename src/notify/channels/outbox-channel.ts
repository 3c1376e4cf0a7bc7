/**
 * The file outbox: every message kept as sent, one Markdown file per
 * message (`<id>.md`): YAML front matter with its metadata, then the body.
 * Written atomically (temporary file, fsync, rename), so a reader never
 * sees half a message and a crash leaves none.
 */
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { redactText } from '../../state/redact.js';
import type { OutgoingMessage } from '../message.js';
import type { AttemptOutcome, OutboxChannelConfig } from './channel-types.js';

/** The text of a message's outbox file. */
export function outboxFileText(message: OutgoingMessage): string {
  const meta = {
    id: message.id,
    created_at: message.createdAt,
    template: message.template,
    ...(message.event === undefined ? {} : { event: message.event }),
    ...(message.audience === undefined ? {} : { audience: message.audience }),
    to: message.to,
    subject: message.subject,
    ...(message.status === undefined ? {} : { status: message.status }),
    ...(message.deliveries === undefined || message.deliveries.length === 0 ? {} : { deliveries: message.deliveries.map((delivery) => ({ ...delivery })) }),
  };
  // Messages are made of facts, which hold no secrets; redaction is the last guard should one slip in.
  return redactText(`---\n${stringify(meta).trimEnd()}\n---\n${message.markdown}`);
}

/** Writes a message into the outbox folder. */
export async function writeToOutbox(message: OutgoingMessage, channel: OutboxChannelConfig): Promise<AttemptOutcome> {
  const file = path.join(channel.dir, `${message.id}.md`);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(channel.dir, { recursive: true });
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(outboxFileText(message));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncFolder(channel.dir);
    return { ok: true, detail: { file } };
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    // A full or read-only disk does not pass by waiting a second; a busy file system may.
    return { ok: false, reason: `could not write ${file}: ${(error as Error).message}`, retryable: code === 'EBUSY' || code === 'EAGAIN' || code === 'EMFILE' };
  }
}

async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => undefined);
  // Some platforms cannot fsync a folder; there the rename is as durable as it gets.
  await handle?.sync().catch(() => undefined);
  await handle?.close();
}
