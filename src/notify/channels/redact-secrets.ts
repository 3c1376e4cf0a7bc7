/**
 * Keeping channel secrets out of results and errors: the literal secrets
 * of a channel (SMTP password, webhook URL, its path and tokens) are
 * replaced wherever they appear, then the general rules of
 * {@link redactText} apply.
 */
import { REDACTED, redactText } from '../../state/redact.js';
import type { ChannelConfig } from './channel-types.js';

/** A URL with its path and query hidden: webhook URLs carry their token there. */
export function redactUrlPath(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname === '/' && parsed.search === '' ? parsed.origin : `${parsed.origin}/${REDACTED}`;
  } catch {
    return REDACTED;
  }
}

/** The literal secrets of a channel, longest first. */
export function channelSecrets(channel: ChannelConfig): string[] {
  const secrets: string[] = [];
  if (channel.kind === 'smtp' && channel.auth?.password) secrets.push(channel.auth.password);
  if (channel.kind === 'slack' || channel.kind === 'teams') {
    secrets.push(channel.url);
    try {
      const url = new URL(channel.url);
      secrets.push(`${url.pathname}${url.search}`);
      for (const part of url.pathname.split('/')) if (part.length >= 6) secrets.push(part);
      for (const value of url.searchParams.values()) if (value.length >= 6) secrets.push(value);
    } catch {
      // Not a URL: the whole string is the secret, already listed.
    }
  }
  const all = secrets.filter((secret) => secret.length > 0 && secret !== '/');
  const encoded = all.map((secret) => encodeURIComponent(secret)).filter((secret) => !all.includes(secret));
  return [...new Set([...all, ...encoded])].sort((a, b) => b.length - a.length);
}

/** Text with every given secret and every secret-shaped value replaced by `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) result = result.split(secret).join(REDACTED);
  return redactText(result);
}
