import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notifier, type MessageReport } from '../../src/notify/notifier.js';
import { parsePlan } from '../../src/plan/load-plan.js';
import type { StateStore } from '../../src/state/index.js';
import { closedPortUrl, startHttpServer, type TestHttpServer } from '../support/http-server.js';
import { smtpReceiver, type ReceivedMail, type SmtpReceiver } from '../support/smtp-receiver.js';
import { createTestState, STATE_KINDS, type TestState } from '../state/helpers.js';
import { FULL_FACTS } from './notify-facts.js';

const SMTP_USER = 'cutover';
const SMTP_PASSWORD = 'Smtp-pa55w0rd-9f3c2e71';
const WEBHOOK_TOKEN = 'HookT0ken-4b9f2e7c1d8a6e05';

const TEAM = ['team@acme.test', 'ops@acme.test'];
const MANAGEMENT = ['board@acme.test'];
const CUSTOMERS = ['customers@acme.test'];
const TEAM_SUBJECT = '[Acme CRM move] Rollback done: salesforce back to legacy';
const MANAGEMENT_SUBJECT = '[Acme CRM move] Escalation: rollback of salesforce (rollback)';
const CUSTOMER_SUBJECT = 'Service update from Acme CRM move';

let smtp: SmtpReceiver;
let smtpPort: number;
let mails: ReceivedMail[] = [];
let hooks: TestHttpServer;
/** Everything cutover produced that a secret could leak into: reports, errors, outbox files. */
const produced: string[] = [];
const projects: string[] = [];

beforeAll(async () => {
  smtp = await smtpReceiver(SMTP_USER, SMTP_PASSWORD);
  smtpPort = smtp.port;
  mails = smtp.mails;
  hooks = await startHttpServer();
});

afterAll(async () => {
  await hooks?.close();
  await smtp?.close();
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

/** How a test project differs from the usual one. */
interface ProjectOptions {
  /** The SMTP port. Default the local server's. */
  smtpPort?: number;
  /** How the Teams webhook answers. Default 200. */
  teams?: { hang?: boolean };
  /** Environment variables to leave out. */
  without?: string[];
  /** Files of the project's templates folder, by name. */
  templates?: Record<string, string>;
  /** Extra routes, YAML flow mappings. */
  routes?: string[];
}

/** A project in a temp folder: its plan, webhooks on the local receiver, and a notifier over the shared state. */
function project(name: string, state: StateStore, options: ProjectOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), `cutover-notifier-${name}-`));
  projects.push(dir);
  const slackPath = `/slack/${name}/${WEBHOOK_TOKEN}`;
  const teamsPath = `/teams/${name}/${WEBHOOK_TOKEN}`;
  hooks.answer(slackPath, { body: 'ok' });
  hooks.answer(teamsPath, options.teams?.hang ? { hang: true } : { status: 202, body: '' });
  const routes = [
    '{ on: rollback_finished, template: internal-team, to: [team] }',
    '{ on: [rollback_finished, rollback_failed], template: management-escalation, to: [management] }',
    '{ on: rollback_finished, template: customer, to: [customers] }',
    ...(options.routes ?? []),
  ];
  const plan = `version: 1
project:
  name: Acme CRM move
systems:
  legacy: { role: source, url: "sqlite:./legacy.db" }
  crm: { role: target, url: "sqlite:./crm.db" }
communications:
  email: { host: 127.0.0.1, port: ${options.smtpPort ?? smtpPort}, starttls: never, from: "Cutover <cutover@acme.test>", user: ${SMTP_USER}, password: env:CUTOVER_SMTP_PASSWORD }
  chat:
    team-chat: { kind: slack, url: env:CUTOVER_SLACK_URL }
    board: { kind: teams, url: env:CUTOVER_TEAMS_URL }
  audiences:
    team: { email: [${TEAM.join(', ')}], chat: [team-chat] }
    management: { email: [${MANAGEMENT.join(', ')}], chat: [board] }
    customers: { email: [${CUSTOMERS.join(', ')}], requires_approval: true }
  routes:
${routes.map((route) => `    - ${route}`).join('\n')}
  delivery: { retries: 2, timeout: 500ms, backoff: 50ms }
`;
  const file = path.join(dir, 'cutover.yaml');
  writeFileSync(file, plan);
  for (const [template, text] of Object.entries(options.templates ?? {})) {
    mkdirSync(path.join(dir, 'templates'), { recursive: true });
    writeFileSync(path.join(dir, 'templates', `${template}.md`), text);
  }
  const env: NodeJS.ProcessEnv = {
    CUTOVER_SMTP_PASSWORD: SMTP_PASSWORD,
    CUTOVER_SLACK_URL: `${hooks.origin}${slackPath}`,
    CUTOVER_TEAMS_URL: `${hooks.origin}${teamsPath}`,
  };
  for (const variable of options.without ?? []) delete env[variable];
  const loaded = parsePlan(plan, file);
  expect(loaded.warnings).toEqual([]);
  const outbox = path.join(dir, 'outbox');
  return {
    dir,
    outbox,
    loaded,
    env,
    notifier: new Notifier(loaded, state, env),
    slack: () => hooks.requests.filter((request) => request.path === slackPath),
    teams: () => hooks.requests.filter((request) => request.path === teamsPath),
    outboxFiles: () => readdirSync(outbox).sort(),
    outboxText: (report: Pick<MessageReport, 'id'>) => readFileSync(path.join(outbox, `${report.id}.md`), 'utf8'),
  };
}

/** Keeps what a call returned for the secrets check at the end. */
function kept<T>(value: T): T {
  produced.push(JSON.stringify(value));
  return value;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string; hints?: string[] }> {
  try {
    await promise;
  } catch (error) {
    produced.push(String(error), JSON.stringify(error));
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

const byAudience = (reports: readonly MessageReport[], audience: string): MessageReport => {
  const report = reports.find((each) => each.audience === audience);
  if (!report) throw new Error(`no message to ${audience} in ${JSON.stringify(reports)}`);
  return report;
};

const mailsOf = (report: Pick<MessageReport, 'id'>): ReceivedMail[] => mails.filter((mail) => mail.messageId === report.id);
const channelsOf = (report: MessageReport): Record<string, string> => Object.fromEntries(report.deliveries.map((delivery) => [delivery.channel, delivery.status]));

describe.each(STATE_KINDS)('the notifier with the %s state', (kind) => {
  let testState: TestState;
  let state: StateStore;
  beforeAll(async () => {
    testState = await createTestState(kind);
    state = await testState.open();
  });
  afterAll(async () => {
    await state?.close();
    await testState?.drop();
  });

  it('sends each routed message to its audience by email and chat, keeps it in the outbox and records it', async () => {
    const p = project(`all-${kind}`, state);
    const mailsBefore = mails.length;
    const reports = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-all-${kind}`, system: 'crm' }, FULL_FACTS));
    expect(reports.map((report) => `${report.template} → ${report.audience}: ${report.status}`).sort()).toEqual([
      'customer → customers: awaiting_approval',
      'internal-team → team: sent',
      'management-escalation → management: sent',
    ]);
    const team = byAudience(reports, 'team');
    const management = byAudience(reports, 'management');
    const customers = byAudience(reports, 'customers');
    expect(team.subject).toBe(TEAM_SUBJECT);
    expect(management.subject).toBe(MANAGEMENT_SUBJECT);

    // Email: the team's addresses in one mail, management's in another, nothing to customers yet.
    expect(mailsOf(team)).toEqual([{ from: 'cutover@acme.test', to: TEAM, messageId: team.id, subject: TEAM_SUBJECT, raw: expect.any(String), body: expect.stringContaining('Work in legacy from now on; salesforce stays frozen.') }]);
    expect(mailsOf(team)[0]?.body).toContain('Decision: rollback by dana');
    expect(mailsOf(management)).toEqual([{ from: 'cutover@acme.test', to: MANAGEMENT, messageId: management.id, subject: MANAGEMENT_SUBJECT, raw: expect.any(String), body: expect.any(String) }]);
    expect(mailsOf(customers)).toEqual([]);
    expect(mails.slice(mailsBefore).flatMap((mail) => mail.to).sort()).toEqual([...MANAGEMENT, ...TEAM].sort());

    // Chat: the team's Slack gets the team message only, the board's Teams the management message only.
    expect(p.slack()).toHaveLength(1);
    const slack = JSON.parse(p.slack()[0]?.body ?? '{}') as { text: string; blocks: Array<{ type: string; text: { text: string } }> };
    expect(slack.text.startsWith(`*${TEAM_SUBJECT}*\n\n`)).toBe(true);
    expect(slack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: TEAM_SUBJECT } });
    expect(p.teams()).toHaveLength(1);
    const teams = JSON.parse(p.teams()[0]?.body ?? '{}') as { type: string; attachments: Array<{ content: { type: string; body: Array<{ text: string }> } }> };
    expect(teams.type).toBe('message');
    expect(teams.attachments[0]?.content.type).toBe('AdaptiveCard');
    expect(teams.attachments[0]?.content.body[0]?.text).toBe(MANAGEMENT_SUBJECT);

    // The outbox: one file per message, no temporary files, each with where it stands.
    expect(p.outboxFiles()).toEqual(reports.map((report) => `${report.id}.md`).sort());
    expect(p.outboxText(team)).toMatch(/^status: sent$/m);
    expect(p.outboxText(team)).toContain(`subject: "${TEAM_SUBJECT}"`);
    expect(p.outboxText(team)).toMatch(/^ {2}- channel: email\n {4}status: sent\n {4}target: smtp:\/\/127\.0\.0\.1:\d+$/m);
    expect(p.outboxText(management)).toMatch(/^status: sent$/m);
    expect(p.outboxText(customers)).toMatch(/^status: awaiting_approval$/m);
    expect(p.outboxText(customers)).not.toMatch(/channel: email/);

    // The state: each message with its run, moment and a delivery per channel.
    const recorded = await state.messages.get(team.id);
    expect(recorded).toMatchObject({ id: team.id, event: 'rollback_finished', template: 'internal-team', audience: 'team', runId: `run-all-${kind}`, system: 'crm', subject: TEAM_SUBJECT, status: 'sent', outboxFile: path.join(p.outbox, `${team.id}.md`) });
    expect(recorded?.message).toMatchObject({ to: TEAM, chat: ['team-chat'] });
    expect(recorded?.deliveries.map((delivery) => [delivery.channel, delivery.kind, delivery.status, delivery.attempts])).toEqual([
      ['outbox', 'outbox', 'sent', 1],
      ['email', 'smtp', 'sent', 1],
      ['team-chat', 'slack', 'sent', 1],
    ]);
    expect(recorded?.deliveries.find((delivery) => delivery.channel === 'team-chat')?.target).toBe(`${hooks.origin}/***`);
    expect(recorded?.deliveries).toEqual(team.deliveries);
    expect(channelsOf((await state.messages.get(management.id)) as MessageReport & { deliveries: MessageReport['deliveries'] })).toEqual({ outbox: 'sent', email: 'sent', board: 'sent' });
    expect(await state.messages.get(customers.id)).toMatchObject({ status: 'awaiting_approval', approvedBy: null, deliveries: [{ channel: 'outbox', status: 'sent' }] });
    expect((await state.messages.list({ runId: `run-all-${kind}` })).map((message) => message.id).sort()).toEqual(reports.map((report) => report.id).sort());
  });

  it('holds a message for an audience that requires approval until it is approved, then sends it and records who approved', async () => {
    const p = project(`approve-${kind}`, state);
    const [waiting] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-approve-${kind}` }, FULL_FACTS, { audience: 'customers' }));
    expect(waiting).toMatchObject({ audience: 'customers', template: 'customer', status: 'awaiting_approval', subject: CUSTOMER_SUBJECT });
    const id = waiting?.id ?? '';
    expect(mailsOf({ id })).toEqual([]);
    expect(p.outboxText({ id })).toMatch(/^status: awaiting_approval$/m);

    const before = Date.now();
    const approved = kept(await p.notifier.approve(id, 'dana'));
    expect(approved).toMatchObject({ id, status: 'sent' });
    expect(channelsOf(approved)).toEqual({ outbox: 'sent', email: 'sent' });
    expect(mailsOf({ id })).toEqual([{ from: 'cutover@acme.test', to: CUSTOMERS, messageId: id, subject: CUSTOMER_SUBJECT, raw: expect.any(String), body: expect.stringContaining('Nothing you sent us is lost.') }]);
    const recorded = await state.messages.get(id);
    expect(recorded).toMatchObject({ status: 'sent', approvedBy: 'dana' });
    expect(Date.parse(recorded?.approvedAt ?? '')).toBeGreaterThanOrEqual(before);
    expect(p.outboxText({ id })).toMatch(/^status: sent$/m);
    expect(p.outboxFiles()).toEqual([`${id}.md`]);

    const again = await rejection(p.notifier.approve(id, 'eve'));
    expect(again).toMatchObject({ code: 'usage', message: `Message ${id} does not wait for approval: it is sent.` });
    expect(mailsOf({ id })).toHaveLength(1);
    expect(await state.messages.get(id)).toMatchObject({ approvedBy: 'dana' });
    expect(await rejection(p.notifier.approve('msg-none'))).toMatchObject({ code: 'usage', message: 'There is no message msg-none.' });
  });

  it('sends a message approved twice at once only once', async () => {
    const p = project(`approve-race-${kind}`, state);
    const [waiting] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-approve-race-${kind}` }, FULL_FACTS, { audience: 'customers' }));
    const id = waiting?.id ?? '';
    // Two people approving at the same moment, through two notifiers as two commands would.
    const other = new Notifier(p.loaded, state, p.env);
    const outcomes = await Promise.allSettled([p.notifier.approve(id, 'dana'), other.approve(id, 'eve')]);
    const fulfilled = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const rejected = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    produced.push(String(rejected[0]?.reason));
    expect(rejected[0]?.reason).toMatchObject({ code: 'usage', message: expect.stringMatching(new RegExp(`^Message ${id} does not wait for approval: it is (sending|sent)\\.$`)) });
    expect(mailsOf({ id })).toHaveLength(1);
    const recorded = await state.messages.get(id);
    expect(recorded?.status).toBe('sent');
    expect(recorded?.approvedBy).toBe(outcomes[0]?.status === 'fulfilled' ? 'dana' : 'eve');
    expect(p.outboxFiles()).toEqual([`${id}.md`]);
    expect(p.outboxText({ id })).toMatch(/^status: sent$/m);
  });

  it('fails the email after the retries when the SMTP server refuses, still sends the chat, and a retry after the fix re-sends the email only', async () => {
    const p = project(`refused-${kind}`, state);
    smtp.refused.length = 0;
    smtp.refuse.recipients = true;
    let report: MessageReport;
    try {
      [report] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-refused-${kind}` }, FULL_FACTS, { audience: 'team' })) as [MessageReport];
    } finally {
      smtp.refuse.recipients = false;
    }
    expect(report.status).toBe('failed');
    const email = report.deliveries.find((delivery) => delivery.channel === 'email');
    expect(email).toMatchObject({ status: 'failed', attempts: 3 });
    expect(email?.reason).toMatch(/451 Mailbox busy, try again later/);
    expect(email?.reason).toMatch(/\(after 3 attempts\)$/);
    // Each attempt offered both recipients and had both refused.
    expect(smtp.refused.filter((address) => address === TEAM[0])).toHaveLength(3);
    expect(channelsOf(report)).toEqual({ outbox: 'sent', email: 'failed', 'team-chat': 'sent' });
    expect(mailsOf(report)).toEqual([]);
    expect(p.slack()).toHaveLength(1);
    expect(p.outboxText(report)).toMatch(/^status: failed$/m);
    expect(p.outboxText(report)).toContain('451 Mailbox busy');
    expect(await state.messages.get(report.id)).toMatchObject({ status: 'failed' });
    const chatSentAt = report.deliveries.find((delivery) => delivery.channel === 'team-chat')?.at;

    const retried = kept(await p.notifier.retry(report.id));
    expect(retried.status).toBe('sent');
    expect(channelsOf(retried)).toEqual({ outbox: 'sent', email: 'sent', 'team-chat': 'sent' });
    expect(mailsOf(report)).toEqual([expect.objectContaining({ to: TEAM, subject: TEAM_SUBJECT })]);
    // The chat had it already: no second copy, and its delivery is the first one.
    expect(p.slack()).toHaveLength(1);
    expect(retried.deliveries.find((delivery) => delivery.channel === 'team-chat')?.at).toBe(chatSentAt);
    expect(await state.messages.get(report.id)).toMatchObject({ status: 'sent', deliveries: retried.deliveries });
    expect(p.outboxText(report)).toMatch(/^status: sent$/m);
    expect(p.outboxFiles()).toEqual([`${report.id}.md`]);

    expect(await rejection(p.notifier.retry(report.id))).toMatchObject({ code: 'usage', message: `Message ${report.id} is sent, not failed.` });
    expect(mailsOf(report)).toHaveLength(1);
  });

  it('fails the email with the reason when no SMTP server listens, after the retries', async () => {
    const closed = Number(new URL(await closedPortUrl()).port);
    const p = project(`closed-${kind}`, state, { smtpPort: closed });
    const [report] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-closed-${kind}` }, FULL_FACTS, { audience: 'management' }));
    expect(report?.status).toBe('failed');
    expect(report?.deliveries.find((delivery) => delivery.channel === 'email')).toMatchObject({ status: 'failed', attempts: 3, reason: expect.stringMatching(/ECONNREFUSED.*\(after 3 attempts\)$/) });
    expect(channelsOf(report as MessageReport)).toEqual({ outbox: 'sent', email: 'failed', board: 'sent' });
  });

  it('times out a webhook that hangs, retries it and fails it, and announce still resolves in bounded time', async () => {
    const p = project(`hang-${kind}`, state, { teams: { hang: true } });
    const started = Date.now();
    const [report] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-hang-${kind}` }, FULL_FACTS, { audience: 'management' }));
    // Three attempts of 500 ms and waits of 50 and 100 ms.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(report?.status).toBe('failed');
    expect(report?.deliveries.find((delivery) => delivery.channel === 'board')).toMatchObject({ status: 'failed', attempts: 3, reason: 'timed out after 500 ms (after 3 attempts)' });
    expect(channelsOf(report as MessageReport)).toEqual({ outbox: 'sent', email: 'sent', board: 'failed' });
    expect(p.teams()).toHaveLength(3);
    expect(mailsOf(report as MessageReport)).toHaveLength(1);
    expect(await state.messages.get(report?.id ?? '')).toMatchObject({ status: 'failed' });
  });

  it('sends a route for one decision only when that was decided', () => {
    const p = project(`decision-${kind}`, state, { routes: ['{ on: decision_taken, template: management-escalation, to: [management], decision: rollback }', '{ on: decision_taken, template: internal-team, to: [team] }'] });
    const routed = (decision?: string) => p.notifier.routed('decision_taken', decision ? { decision } : {}).map((pair) => `${pair.template} ${pair.audience}`);
    expect(routed('rollback')).toEqual(['management-escalation management', 'internal-team team']);
    expect(routed('continue')).toEqual(['internal-team team']);
    expect(routed()).toEqual(['internal-team team']);
  });

  it('takes over a message left sending by a killed command only once no attempt can still be running', async () => {
    const p = project(`stale-${kind}`, state);
    const prepared = await p.notifier.prepare({ template: 'internal-team', audience: 'team' }, FULL_FACTS, 'manual');
    const record = (id: string, createdAt: string) =>
      state.messages.record({
        id,
        createdAt,
        event: 'manual',
        template: 'internal-team',
        audience: 'team',
        runId: null,
        system: null,
        subject: prepared.message.subject,
        status: 'sending',
        message: { to: prepared.message.to, chat: prepared.chat, markdown: prepared.message.markdown, text: prepared.message.text },
        deliveries: [],
        outboxFile: null,
        approvedBy: null,
        approvedAt: null,
      });
    // Just started: another command may still be sending it (3 attempts of 500 ms and the waits, twice over: 3.3 s).
    await record(`msg-fresh-${kind}`, new Date().toISOString());
    const refused = await rejection(p.notifier.retry(`msg-fresh-${kind}`));
    expect(refused).toMatchObject({ code: 'usage', message: `Message msg-fresh-${kind} is being sent (since ${(await state.messages.get(`msg-fresh-${kind}`))!.updatedAt}).` });
    expect(refused.hints?.[0]).toMatch(/^if the command sending it was stopped, retry it after /);
    // Long ago: the command that was sending it is gone, and the retry sends it through every channel.
    await record(`msg-stale-${kind}`, new Date(Date.now() - 60_000).toISOString());
    const before = mails.length;
    const retried = kept(await p.notifier.retry(`msg-stale-${kind}`));
    expect(retried.status).toBe('sent');
    expect(channelsOf(retried)).toEqual({ outbox: 'sent', email: 'sent', 'team-chat': 'sent' });
    expect(mails.length - before).toBe(1);
    expect(p.outboxText(retried)).toMatch(/^status: sent$/m);
  });

  it('does not send a run’s messages twice when the moment is announced again', async () => {
    const p = project(`twice-${kind}`, state);
    const context = { event: 'rollback_finished', runId: `run-twice-${kind}` } as const;
    const first = kept(await p.notifier.announce(context, FULL_FACTS));
    expect(first).toHaveLength(3);
    const sentMails = mails.length;
    expect(kept(await p.notifier.announce(context, FULL_FACTS))).toEqual([]);
    expect(mails.length).toBe(sentMails);
    expect(p.slack()).toHaveLength(1);
    expect(p.teams()).toHaveLength(1);
    expect(p.outboxFiles()).toHaveLength(3);
    expect(await state.messages.list({ runId: context.runId })).toHaveLength(3);
    // Another run is told again.
    const other = kept(await p.notifier.announce({ ...context, runId: `run-twice-again-${kind}` }, FULL_FACTS, { audience: 'team' }));
    expect(other.map((report) => report.status)).toEqual(['sent']);
    expect(p.slack()).toHaveLength(2);
  });

  it('fails the email, naming the variable, when the SMTP password is not in the environment, and still sends the chat', async () => {
    const p = project(`noenv-${kind}`, state, { without: ['CUTOVER_SMTP_PASSWORD'] });
    const sentMails = mails.length;
    const [report] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-noenv-${kind}` }, FULL_FACTS, { audience: 'team' }));
    expect(report?.status).toBe('failed');
    expect(report?.deliveries.find((delivery) => delivery.channel === 'email')).toMatchObject({
      status: 'failed',
      attempts: 0,
      reason: 'communications.email.password: the environment variable CUTOVER_SMTP_PASSWORD is not set.',
    });
    expect(channelsOf(report as MessageReport)).toEqual({ outbox: 'sent', email: 'failed', 'team-chat': 'sent' });
    expect(mails.length).toBe(sentMails);
    expect(p.outboxText(report as MessageReport)).toContain('CUTOVER_SMTP_PASSWORD is not set');

    // Run again with the variable set (a new command), the retry sends the email and leaves the chat alone.
    const fixed = new Notifier(p.loaded, state, { ...p.env, CUTOVER_SMTP_PASSWORD: SMTP_PASSWORD });
    const retried = kept(await fixed.retry(report?.id ?? ''));
    expect(channelsOf(retried)).toEqual({ outbox: 'sent', email: 'sent', 'team-chat': 'sent' });
    expect(mailsOf(retried)).toEqual([expect.objectContaining({ to: TEAM, subject: TEAM_SUBJECT })]);
    expect(p.slack()).toHaveLength(1);
  });

  it('reports a template that cannot be rendered, with the reason, and sends the other messages', async () => {
    const p = project(`broken-${kind}`, state, {
      templates: { 'broken-facts': '---\nsubject: "Broken {{ project.name }}"\n---\nThe {{ no_such_fact.value }} is missing.\n', 'no-subject': '---\ndescription: no subject\n---\nBody\n' },
      routes: ['{ on: rollback_finished, template: broken-facts, to: [team] }', '{ on: rollback_finished, template: no-subject, to: [management] }', '{ on: rollback_finished, template: not-there, to: [team] }'],
    });
    const reports = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-broken-${kind}` }, FULL_FACTS));
    expect(reports.map((report) => `${report.template} → ${report.audience}: ${report.status}`)).toEqual([
      'internal-team → team: sent',
      'management-escalation → management: sent',
      'customer → customers: awaiting_approval',
      'broken-facts → team: failed',
      'no-subject → management: failed',
      'not-there → team: failed',
    ]);
    const failed = reports.filter((report) => report.status === 'failed');
    expect(failed.map((report) => report.reason)).toEqual([
      expect.stringMatching(/^cannot be rendered: the message template broken-facts cannot be rendered: .*no_such_fact/),
      'cannot be rendered: the message template no-subject is not valid',
      expect.stringMatching(/^cannot be rendered: There is no message template "not-there"/),
    ]);
    expect(failed.every((report) => report.id === '' && report.deliveries.length === 0 && report.outboxFile === null)).toBe(true);
    expect(p.outboxFiles()).toHaveLength(3);
    expect(await state.messages.list({ runId: `run-broken-${kind}` })).toHaveLength(3);
  });

  it('uses a template of the project’s templates folder instead of the built-in of that name', async () => {
    const p = project(`custom-${kind}`, state, {
      templates: { 'internal-team': '---\nsubject: "Heads up, {{ systems.target.name }} is rolled back"\n---\n# Our own words\n\nBack on {{ systems.source.name }} now.\n' },
    });
    const [report] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-custom-${kind}` }, FULL_FACTS, { audience: 'team' }));
    expect(report).toMatchObject({ template: 'internal-team', status: 'sent', subject: 'Heads up, salesforce is rolled back' });
    expect(mailsOf(report as MessageReport)).toEqual([expect.objectContaining({ subject: 'Heads up, salesforce is rolled back', body: expect.stringContaining('Back on legacy now.') })]);
    expect(mailsOf(report as MessageReport)[0]?.body).not.toContain('Work in legacy from now on');
    expect(p.outboxText(report as MessageReport)).toMatch(/\n---\n# Our own words\n\nBack on legacy now\.\n?$/);
    // The management message still comes from the built-in.
    const [management] = kept(await p.notifier.announce({ event: 'rollback_finished', runId: `run-custom-${kind}` }, FULL_FACTS, { audience: 'management' }));
    expect(management?.subject).toBe(MANAGEMENT_SUBJECT);
  });

  it('keeps the SMTP password and the webhook token out of the outbox, the state and every report', async () => {
    const texts = [...produced];
    for (const dir of projects) {
      const outbox = path.join(dir, 'outbox');
      // A project that only routed (no message sent) has no outbox.
      if (!existsSync(outbox)) continue;
      for (const file of readdirSync(outbox)) texts.push(readFileSync(path.join(outbox, file), 'utf8'));
    }
    const messages = await state.messages.list();
    texts.push(JSON.stringify(messages));
    if (kind === 'sqlite') {
      const files = readdirSync(path.dirname(state.where)).filter((name) => name.startsWith(path.basename(state.where)));
      expect(files).toContain(path.basename(state.where));
      const bytes = files.map((file) => readFileSync(path.join(path.dirname(state.where), file)).toString('latin1'));
      // The messages are in these files (in the database or still in its write-ahead log).
      expect(bytes.join('\n')).toContain(TEAM_SUBJECT);
      texts.push(...bytes);
    }
    const everything = texts.join('\n');
    // The check looks at real output: the messages, their deliveries and the failure reasons are there.
    expect(messages.length).toBeGreaterThanOrEqual(15);
    expect(everything).toContain('451 Mailbox busy');
    expect(everything).toContain('CUTOVER_SMTP_PASSWORD');
    expect(everything).toContain(TEAM_SUBJECT);
    for (const secret of [SMTP_PASSWORD, WEBHOOK_TOKEN, encodeURIComponent(WEBHOOK_TOKEN), Buffer.from(SMTP_PASSWORD).toString('base64'), '/slack/', '/teams/']) {
      expect(everything).not.toContain(secret);
    }
  });
});
