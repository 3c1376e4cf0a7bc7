/**
 * Sending a message through a channel with retries and exponential backoff.
 * `send` never throws: it returns sent or failed with the reason, so a
 * runbook carries on when a mail server is down and reports at the end.
 * Nothing it returns holds a channel secret.
 */
import type { OutgoingMessage } from '../message.js';
import type { AttemptOutcome, Backoff, ChannelConfig, SendOptions, SendResult } from './channel-types.js';
import { writeToOutbox } from './outbox-channel.js';
import { channelSecrets, redactUrlPath, scrub } from './redact-secrets.js';
import { sendSmtp } from './smtp-channel.js';
import { sendWebhook } from './webhook-channel.js';

const DEFAULT_RETRIES = 3;
const DEFAULT_TIMEOUT_MS = 10_000;

/** Sends a message through a channel, retrying what may pass; resolves to sent or failed, never rejects. */
export async function send(message: OutgoingMessage, channel: ChannelConfig, options: SendOptions = {}): Promise<SendResult> {
  const started = performance.now();
  const secrets = channelSecrets(channel);
  const retries = Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRIES));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = { messageId: message.id, channel: channel.name ?? channel.kind, kind: channel.kind, target: targetOf(channel) };
  let attempts = 0;
  let last: AttemptOutcome = { ok: false, reason: 'not attempted', retryable: false };
  try {
    for (;;) {
      if (options.signal?.aborted) {
        last = { ok: false, reason: 'aborted', retryable: false };
        break;
      }
      attempts += 1;
      last = await attempt(message, channel, timeoutMs, options.signal);
      if (last.ok || !last.retryable || attempts > retries) break;
      const wait = Math.max(delay(attempts, options.backoff), Math.min(last.retryAfterMs ?? 0, options.backoff?.maxMs ?? 30_000));
      if (!(await sleep(wait, options.signal))) {
        last = { ok: false, reason: `aborted after: ${last.reason}`, retryable: false };
        break;
      }
    }
  } catch (error) {
    // A channel should return failures, but a bug must not stop a rollback either.
    last = { ok: false, reason: `unexpected error: ${error instanceof Error ? error.message : String(error)}`, retryable: false };
  }
  const seconds = Math.round(performance.now() - started) / 1000;
  if (last.ok) return { status: 'sent', ...base, attempts, seconds, detail: scrubDetail(last.detail, secrets) };
  const tries = attempts > 1 ? ` (after ${attempts} attempts)` : '';
  return { status: 'failed', ...base, attempts, seconds, reason: scrub(`${last.reason}${tries}`, secrets) };
}

/** The wait before retry `n` (1-based): `initialMs * factor^(n-1)`, capped at `maxMs`. */
export function delay(retry: number, backoff: Backoff = {}): number {
  const initial = backoff.initialMs ?? 500;
  const factor = backoff.factor ?? 2;
  return Math.min(initial * factor ** (retry - 1), backoff.maxMs ?? 30_000);
}

function attempt(message: OutgoingMessage, channel: ChannelConfig, timeoutMs: number, signal?: AbortSignal): Promise<AttemptOutcome> {
  switch (channel.kind) {
    case 'outbox':
      return writeToOutbox(message, channel);
    case 'smtp':
      return sendSmtp(message, channel, timeoutMs, signal);
    case 'slack':
    case 'teams':
      return sendWebhook(message, channel, timeoutMs, signal);
  }
}

function targetOf(channel: ChannelConfig): string {
  switch (channel.kind) {
    case 'outbox':
      return channel.dir;
    case 'smtp':
      return `smtp://${channel.host}:${channel.port}`;
    case 'slack':
    case 'teams':
      return redactUrlPath(channel.url);
  }
}

function scrubDetail(detail: Record<string, string | number>, secrets: readonly string[]): Record<string, string | number> {
  return Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, typeof value === 'string' ? scrub(value, secrets) : value]));
}

/** Waits, unless aborted first; true when the wait ran out. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
