/**
 * The channels a message can go through and what sending reports. Secrets
 * (the SMTP password, webhook URLs) arrive here already resolved from
 * `env:`/`file:` references; they never leave in a result or an error.
 */

/** The file outbox: one file per message in a folder. Always on. */
export interface OutboxChannelConfig {
  kind: 'outbox';
  /** Name shown in results. Default `outbox`. */
  name?: string;
  /** The folder; created when missing. */
  dir: string;
}

/** Email over SMTP with nodemailer. */
export interface SmtpChannelConfig {
  kind: 'smtp';
  /** Name shown in results. Default `smtp`. */
  name?: string;
  host: string;
  port: number;
  /** TLS from the first byte (SMTPS, usually port 465). Default: true on port 465, else false. */
  secure?: boolean;
  /** STARTTLS on a plain connection: `required` fails without it, `opportunistic` uses it when offered, `never` does not try. Default `required`, so passwords do not cross the network in clear. */
  starttls?: 'required' | 'opportunistic' | 'never';
  /** Sender address. */
  from: string;
  /** Login, with the password already resolved from its `env:`/`file:` reference. Default none. */
  auth?: { user: string; password: string };
  /** TLS options: `rejectUnauthorized` (default true), `servername` for SNI and certificate checks. */
  tls?: { rejectUnauthorized?: boolean; servername?: string };
}

/** A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): JSON `{ text, blocks? }`. */
export interface SlackChannelConfig {
  kind: 'slack';
  /** Name shown in results. Default `slack`. */
  name?: string;
  /** The webhook URL, resolved; it is the secret. */
  url: string;
  /** Send Block Kit blocks besides `text`. Default true; Mattermost and others read `text` only. */
  blocks?: boolean;
}

/** A Microsoft Teams webhook (Workflows): a message with an Adaptive Card. */
export interface TeamsChannelConfig {
  kind: 'teams';
  /** Name shown in results. Default `teams`. */
  name?: string;
  /** The webhook URL, resolved; it is the secret. */
  url: string;
}

/** Any channel. */
export type ChannelConfig = OutboxChannelConfig | SmtpChannelConfig | SlackChannelConfig | TeamsChannelConfig;

/** How one attempt ended, inside a channel. */
export type AttemptOutcome =
  | { ok: true; detail: Record<string, string | number> }
  | { ok: false; reason: string; retryable: boolean; retryAfterMs?: number };

/** Exponential backoff between attempts: `initialMs * factor^(attempt-1)`, at most `maxMs`. */
export interface Backoff {
  /** Wait before the first retry. Default 500 ms. */
  initialMs?: number;
  /** Growth per retry. Default 2. */
  factor?: number;
  /** Longest wait. Default 30 s. */
  maxMs?: number;
}

/** Options of `send`. */
export interface SendOptions {
  /** Retries after the first attempt when a failure may pass (network, timeout, 5xx, 429, SMTP 4xx). Default 3. */
  retries?: number;
  /** Waits between attempts. */
  backoff?: Backoff;
  /** Time allowed for one attempt. Default 10 s. */
  timeoutMs?: number;
  /** Stops waiting and sending; the result is failed with reason `aborted`. */
  signal?: AbortSignal;
}

/** What sending one message through one channel came to. Never contains a secret. */
export interface SendResult {
  status: 'sent' | 'failed';
  messageId: string;
  /** The channel's name. */
  channel: string;
  kind: ChannelConfig['kind'];
  /** Where it went, secrets removed (`https://hooks.slack.com/***`, `smtp://mail.example.com:587`, the outbox folder). */
  target: string;
  attempts: number;
  seconds: number;
  /** Why it failed (the last attempt), when failed. */
  reason?: string;
  /** What the channel reported: the outbox file, the SMTP server's reply, the HTTP status. */
  detail?: Record<string, string | number>;
}
