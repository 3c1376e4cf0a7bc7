/**
 * The plan's `communications`: who hears what at which moment. Audiences
 * are lists of email addresses and chat channels; routes say which
 * template goes to which audiences at which moment; the outbox folder keeps
 * every message as a file whatever else is configured. Channel secrets (the
 * SMTP password, webhook URLs) are `env:`/`file:` references.
 */
import { z } from 'zod';
import { secretSchema } from './secret-schema.js';

/** The moments a message can be sent at. */
export const MOMENTS = ['go_live', 'trigger_fired', 'decision_taken', 'rollback_started', 'rollback_finished', 'rollback_failed', 'drill_finished'] as const;
/** A moment of {@link MOMENTS}. */
export type Moment = (typeof MOMENTS)[number];

const secondsSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*(ms|s|m)$/, 'expected a duration such as 500ms, 10s or 1m')
  .describe('A short duration: a number and ms, s or m (500ms, 10s, 1m).');

/** The SMTP server email goes through. */
export const emailServerSchema = z
  .strictObject({
    host: z.string().min(1).describe('The SMTP server (smtp.example.com).'),
    port: z.number().int().min(1).max(65_535).default(587).describe('Its port. Default 587 (submission with STARTTLS); 465 is TLS from the first byte.'),
    secure: z.boolean().optional().describe('TLS from the first byte. Default: true on port 465, else false.'),
    starttls: z
      .enum(['required', 'opportunistic', 'never'])
      .default('required')
      .describe('On a plain connection: required fails unless the server offers STARTTLS, so a password never crosses the network in clear; opportunistic uses it when offered; never does not try (a local relay). Default required.'),
    from: z.string().min(3).describe('The sender: "Migration team <cutover@example.com>".'),
    user: z.string().min(1).optional().describe('Login name, when the server wants one.'),
    password: secretSchema.optional().describe('Login password, as env:NAME or file:PATH.'),
    tls: z
      .strictObject({
        reject_unauthorized: z.boolean().default(true).describe('Refuse a certificate that does not verify. Default true.'),
        servername: z.string().optional().describe('Name to check the certificate against, when it differs from host.'),
      })
      .optional()
      .describe('TLS settings.'),
  })
  .describe('Email over SMTP.');

/** A chat webhook. */
export const chatChannelSchema = z
  .strictObject({
    kind: z.enum(['slack', 'teams']).describe('slack: a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat); teams: a Microsoft Teams Workflows webhook.'),
    url: secretSchema.describe('The webhook URL, which is a secret: env:NAME or file:PATH.'),
    blocks: z.boolean().optional().describe('slack: send Block Kit blocks besides text. Default true; set false for Mattermost and others that read text only.'),
  })
  .describe('A chat channel.');

/** Who hears a message. */
export const audienceSchema = z
  .strictObject({
    email: z.array(z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'expected an email address (name@example.com)')).default([]).describe('Email addresses. Default none.'),
    chat: z.array(z.string()).default([]).describe('Chat channels of communications.chat, by name. Default none.'),
    requires_approval: z.boolean().default(false).describe('Messages to this audience wait in the outbox until `cutover notify approve <id>` (customer messages). Default false.'),
    description: z.string().optional().describe('Who they are, for people reading the plan.'),
  })
  .describe('An audience.');

/** Which template goes to whom at which moment. */
export const routeSchema = z
  .strictObject({
    // The list first: a wrong name inside a list is then reported at its index, not as "got a list".
    on: z.union([z.array(z.enum(MOMENTS)).min(1), z.enum(MOMENTS)]).describe(`The moment or moments: ${MOMENTS.join(', ')}.`),
    template: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a template name: the file name in templates/ without .md').describe('The template: a file templates/<name>.md beside the plan, else the built-in of that name.'),
    to: z.array(z.string()).min(1).describe('The audiences, by name.'),
    decision: z.enum(['rollback', 'continue']).optional().describe('For decision_taken: only when this was decided.'),
  })
  .describe('A route.');

/** Contacts named in messages. */
export const contactSchema = z
  .strictObject({
    name: z.string().min(1),
    role: z.string().optional(),
    email: z.string().optional(),
    phone: z.string().optional(),
  })
  .describe('Someone people can contact.');

/** The whole section. */
export const communicationsSchema = z
  .strictObject({
    outbox: z.string().default('./outbox').describe('Folder, relative to the plan, that keeps every message as a file (always on). Default ./outbox.'),
    templates: z.string().default('./templates').describe('Folder of the templates people edit, relative to the plan; a template there replaces the built-in of that name. Default ./templates.'),
    email: emailServerSchema.optional(),
    chat: z.record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'channel names are lower case letters, digits, - and _'), chatChannelSchema).default({}).describe('Chat channels by name.'),
    audiences: z
      .record(z.string().regex(/^[a-z][a-z0-9_-]*$/, 'audience names are lower case letters, digits, - and _'), audienceSchema)
      .default({})
      .describe('Audiences by name. Default: team and management, reached through the outbox only.'),
    routes: z.array(routeSchema).optional().describe('Which template goes to whom at which moment. Default: the routes of docs/plan.md (rollback started and finished to the team and management).'),
    contacts: z.array(contactSchema).default([]).describe('Named in messages. Default: the project owner.'),
    delivery: z
      .strictObject({
        retries: z.number().int().min(0).max(10).default(3).describe('Retries after a failed attempt that may pass (network, timeout, 5xx, 429, SMTP 4xx). Default 3.'),
        timeout: secondsSchema.default('10s').describe('Time allowed for one attempt. Default 10s.'),
        backoff: secondsSchema.default('500ms').describe('Wait before the first retry, doubling each time up to 30s. Default 500ms.'),
      })
      .default({ retries: 3, timeout: '10s', backoff: '500ms' })
      .describe('How hard to try.'),
  })
  .describe('Who is told what, when, and through which channels.');

/** The parsed section. */
export type Communications = z.output<typeof communicationsSchema>;
/** A parsed route. */
export type Route = z.output<typeof routeSchema>;
/** A parsed audience. */
export type Audience = z.output<typeof audienceSchema>;

/** The routes when the plan names none. */
export const DEFAULT_ROUTES: readonly Route[] = [
  { on: 'go_live', template: 'go-live', to: ['team'] },
  { on: 'trigger_fired', template: 'internal-team', to: ['team'] },
  { on: 'decision_taken', template: 'management-escalation', to: ['management'], decision: 'rollback' },
  { on: 'rollback_started', template: 'rollback-started', to: ['team'] },
  { on: 'rollback_finished', template: 'internal-team', to: ['team'] },
  { on: 'rollback_finished', template: 'management-escalation', to: ['management'] },
  { on: 'rollback_finished', template: 'post-rollback-next-steps', to: ['team'] },
  { on: 'rollback_finished', template: 'customer', to: ['customers'] },
  { on: 'rollback_failed', template: 'rollback-completed', to: ['team'] },
  { on: 'rollback_failed', template: 'management-escalation', to: ['management'] },
  { on: 'drill_finished', template: 'drill-finished', to: ['team'] },
];

/** The default audiences: the team and management, through the outbox only. */
const DEFAULT_AUDIENCES = { team: { email: [], chat: [], requires_approval: false }, management: { email: [], chat: [], requires_approval: false } } satisfies Record<string, Audience>;

/**
 * The communications a plan has in effect: its own, with the defaults
 * filled in. Default routes to an audience the plan does not have are left
 * out (a plan without `customers` sends no customer message).
 */
export function effectiveCommunications(section: Communications | undefined): Communications & { routes: Route[] } {
  const base = section ?? communicationsSchema.parse({});
  const audiences = Object.keys(base.audiences).length > 0 ? base.audiences : DEFAULT_AUDIENCES;
  const routes = base.routes ?? DEFAULT_ROUTES.map((route) => ({ ...route, to: route.to.filter((name) => name in audiences) })).filter((route) => route.to.length > 0);
  return { ...base, audiences, routes };
}

/** The moments of a route as a list. */
export function routeMoments(route: Route): Moment[] {
  return typeof route.on === 'string' ? [route.on] : route.on;
}
