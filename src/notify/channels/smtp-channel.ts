/**
 * Email over SMTP with nodemailer. The mail carries the plain-text body
 * only; there is no HTML part yet. TLS is either implicit (`secure`) or
 * STARTTLS (`required` by default).
 */
import nodemailer from 'nodemailer';
import type { OutgoingMessage } from '../message.js';
import type { AttemptOutcome, SmtpChannelConfig } from './channel-types.js';

/** Sends one message; a 5xx reply is permanent, anything else may pass and is retryable. */
export async function sendSmtp(message: OutgoingMessage, channel: SmtpChannelConfig, timeoutMs: number, signal?: AbortSignal): Promise<AttemptOutcome> {
  if (message.to.length === 0) return { ok: false, reason: 'the message has no email recipients', retryable: false };
  const starttls = channel.starttls ?? 'required';
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.secure ?? channel.port === 465,
    requireTLS: starttls === 'required',
    ignoreTLS: starttls === 'never',
    ...(channel.auth ? { auth: { user: channel.auth.user, pass: channel.auth.password } } : {}),
    tls: { rejectUnauthorized: channel.tls?.rejectUnauthorized ?? true, ...(channel.tls?.servername ? { servername: channel.tls.servername } : {}) },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  const aborted = new Promise<never>((_resolve, reject) => {
    const onAbort = (): void => reject(new Error('aborted'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const info = await Promise.race([
      transport.sendMail({ from: channel.from, to: message.to, subject: message.subject, text: message.text, headers: { 'X-Cutover-Message': message.id } }),
      aborted,
      timedOut,
    ]);
    return { ok: true, detail: { response: String(info.response ?? ''), accepted: info.accepted.length, rejected: info.rejected.length } };
  } catch (error) {
    const responseCode = (error as { responseCode?: unknown }).responseCode;
    const permanent = typeof responseCode === 'number' && responseCode >= 500;
    const code = (error as { code?: unknown }).code;
    const reason = `${(error as Error).message}${typeof code === 'string' && !(error as Error).message.includes(code) ? ` (${code})` : ''}`;
    return { ok: false, reason, retryable: !permanent && reason !== 'aborted' && code !== 'EAUTH' };
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}
