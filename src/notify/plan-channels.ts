/**
 * The channels a plan's communications name, with their secrets resolved
 * from `env:`/`file:` references. A channel whose secret cannot be read is
 * kept with the reason, so that the messages through it are recorded
 * failed with that reason while the others go out.
 */
import path from 'node:path';
import type { Communications } from '../plan/communications-schema.js';
import { resolveSecret } from '../plan/secrets.js';
import type { ChannelConfig, SendOptions, SmtpChannelConfig } from './channels/channel-types.js';

/** A channel ready to send through, or why it is not. */
export type PlanChannel = { ok: true; config: ChannelConfig } | { ok: false; name: string; kind: ChannelConfig['kind']; reason: string };

/** The channels of a plan: `email` (SMTP) and the chat channels by name. */
export interface PlanChannels {
  outbox: ChannelConfig & { kind: 'outbox' };
  email?: PlanChannel;
  chat: Map<string, PlanChannel>;
  /** Retries, backoff and timeout from `communications.delivery`. */
  sendOptions: SendOptions;
}

/** Resolves the channels of the section; `planDir` anchors relative paths. */
export function planChannels(section: Communications, planDir: string, env: NodeJS.ProcessEnv): PlanChannels {
  const chat = new Map<string, PlanChannel>();
  for (const [name, channel] of Object.entries(section.chat)) {
    chat.set(
      name,
      attempt(name, channel.kind, () => {
        const url = resolveSecret(channel.url, `communications.chat.${name}.url`, planDir, env);
        return channel.kind === 'slack' ? { kind: 'slack', name, url, ...(channel.blocks === undefined ? {} : { blocks: channel.blocks }) } : { kind: 'teams', name, url };
      }),
    );
  }
  const { email } = section;
  return {
    outbox: { kind: 'outbox', name: 'outbox', dir: path.resolve(planDir, section.outbox) },
    ...(email
      ? {
          email: attempt('email', 'smtp', (): SmtpChannelConfig => {
            const password = email.password === undefined ? undefined : resolveSecret(email.password, 'communications.email.password', planDir, env);
            return {
              kind: 'smtp',
              name: 'email',
              host: email.host,
              port: email.port,
              ...(email.secure === undefined ? {} : { secure: email.secure }),
              starttls: email.starttls,
              from: email.from,
              ...(email.user !== undefined && password !== undefined ? { auth: { user: email.user, password } } : {}),
              ...(email.tls ? { tls: { rejectUnauthorized: email.tls.reject_unauthorized, ...(email.tls.servername ? { servername: email.tls.servername } : {}) } } : {}),
            };
          }),
        }
      : {}),
    chat,
    sendOptions: {
      retries: section.delivery.retries,
      timeoutMs: milliseconds(section.delivery.timeout),
      backoff: { initialMs: milliseconds(section.delivery.backoff) },
    },
  };
}

/** Milliseconds of 500ms, 10s, 1m. */
export function milliseconds(duration: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)$/.exec(duration.trim());
  if (!match) throw new RangeError(`not a duration: ${duration}`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}

function attempt(name: string, kind: ChannelConfig['kind'], resolve: () => ChannelConfig): PlanChannel {
  try {
    return { ok: true, config: resolve() };
  } catch (error) {
    // The reason names the env variable or file, never a secret.
    return { ok: false, name, kind, reason: error instanceof Error ? error.message : String(error) };
  }
}
