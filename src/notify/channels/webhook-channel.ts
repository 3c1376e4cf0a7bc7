/**
 * Chat webhooks over Node's fetch: Slack-compatible JSON `{ text, blocks? }`
 * and a Microsoft Teams message with an Adaptive Card. 5xx, 408, 429 and
 * network errors are retryable; other 4xx (a wrong or revoked URL) are not.
 */
import { markdownToSlack } from '../markdown-text.js';
import type { OutgoingMessage } from '../message.js';
import type { AttemptOutcome, SlackChannelConfig, TeamsChannelConfig } from './channel-types.js';

/** Slack allows at most 3000 characters in a section's text and 150 in a header. */
const SECTION_LIMIT = 3000;
const HEADER_LIMIT = 150;

/** The Slack payload of a message: `text` always (notifications and clients without blocks), `blocks` unless turned off. */
export function slackPayload(message: OutgoingMessage, blocks = true): { text: string; blocks?: unknown[] } {
  const body = markdownToSlack(message.markdown);
  const text = `*${message.subject}*\n\n${body}`;
  if (!blocks) return { text };
  const sections = chunks(body, SECTION_LIMIT).map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
  return { text, blocks: [{ type: 'header', text: { type: 'plain_text', text: truncate(message.subject, HEADER_LIMIT) } }, ...sections] };
}

/** The Teams payload of a message: one Adaptive Card with the subject and the plain-text body. */
export function teamsPayload(message: OutgoingMessage): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', text: message.subject, weight: 'Bolder', size: 'Medium', wrap: true },
            { type: 'TextBlock', text: message.text, wrap: true },
          ],
        },
      },
    ],
  };
}

/** Posts a message to a Slack-compatible or Teams webhook. */
export function sendWebhook(message: OutgoingMessage, channel: SlackChannelConfig | TeamsChannelConfig, timeoutMs: number, signal?: AbortSignal): Promise<AttemptOutcome> {
  const payload = channel.kind === 'slack' ? slackPayload(message, channel.blocks ?? true) : teamsPayload(message);
  return postJson(channel.url, payload, timeoutMs, signal);
}

async function postJson(url: string, payload: unknown, timeoutMs: number, signal?: AbortSignal): Promise<AttemptOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signals = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      signal: signals,
      redirect: 'error',
    });
    const text = (await response.text()).slice(0, 200);
    if (response.ok) return { ok: true, detail: { status: response.status, ...(text ? { response: text } : {}) } };
    const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
    const retryAfter = Number(response.headers.get('retry-after'));
    return {
      ok: false,
      reason: `the webhook answered ${response.status} ${response.statusText}${text ? `: ${text}` : ''}`,
      retryable,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  } catch (error) {
    if (signal?.aborted) return { ok: false, reason: 'aborted', retryable: false };
    if (timeout.signal.aborted) return { ok: false, reason: `timed out after ${timeoutMs} ms`, retryable: true };
    const cause = (error as Error).cause as { code?: string; message?: string } | undefined;
    return { ok: false, reason: `${(error as Error).message}${cause ? `: ${cause.code ?? cause.message ?? ''}` : ''}`, retryable: true };
  } finally {
    clearTimeout(timer);
  }
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  let rest = text.trimEnd();
  while (rest.length > size) {
    const cut = rest.lastIndexOf('\n', size) > size / 2 ? rest.lastIndexOf('\n', size) : size;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

function truncate(text: string, size: number): string {
  return text.length <= size ? text : `${text.slice(0, size - 1)}…`;
}
