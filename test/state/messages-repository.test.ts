import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import type { Delivery, MessageRecord, StateStore } from '../../src/state/index.js';
import { createTestState, STATE_KINDS, useTestState } from './helpers.js';

type NewMessage = Omit<MessageRecord, 'updatedAt'>;

function message(id: string, patch: Partial<NewMessage> = {}): NewMessage {
  return {
    id,
    createdAt: '2025-03-01T02:00:00.000Z',
    event: 'rollback_finished',
    template: 'internal-team',
    audience: 'team',
    runId: 'run-1',
    system: 'crm',
    subject: '[Acme] Rollback finished',
    status: 'sending',
    message: { to: ['team@acme.test', 'ops@acme.test'], chat: ['team-chat'], markdown: '# Done\n\n- **legacy** is back\n- "quoted" and \\ backslash', text: 'Done\n\n- legacy is back' },
    deliveries: [],
    outboxFile: null,
    approvedBy: null,
    approvedAt: null,
    ...patch,
  };
}

const sentBy = (channel: string, patch: Partial<Delivery> = {}): Delivery => ({
  channel,
  kind: channel === 'email' ? 'smtp' : 'slack',
  target: channel === 'email' ? 'smtp://127.0.0.1:2525' : 'http://127.0.0.1:8080/***',
  status: 'sent',
  attempts: 1,
  seconds: 0.042,
  at: '2025-03-01T02:00:01.000Z',
  ...patch,
});

describe.each(STATE_KINDS)('the messages in the %s state', (kind) => {
  const state = useTestState(kind, { beforeEach, afterEach });
  let store: StateStore;
  beforeEach(() => {
    store = state();
  });

  it('gives back every field of a recorded message, its text and deliveries as they were', async () => {
    const deliveries = [sentBy('outbox', { kind: 'outbox', target: '/plans/outbox', file: '/plans/outbox/msg-1.md' }), sentBy('email', { status: 'failed', attempts: 3, reason: 'connect ECONNREFUSED 127.0.0.1:2525 (after 3 attempts)' })];
    const recorded = message('msg-1', { status: 'failed', deliveries, outboxFile: '/plans/outbox/msg-1.md', approvedBy: 'dana', approvedAt: '2025-03-01T02:00:00.500Z', runId: null, system: null });
    await store.messages.record(recorded);
    expect(await store.messages.get('msg-1')).toEqual({ ...recorded, updatedAt: recorded.createdAt });
    expect(await store.messages.get('msg-nope')).toBeUndefined();
  });

  it('refuses a second message with the same id and keeps the first', async () => {
    await store.messages.record(message('msg-1'));
    const second = store.messages.record(message('msg-1', { subject: 'another', template: 'customer' }));
    await expect(second).rejects.toThrow(CutoverError);
    await expect(second).rejects.toThrow('A message msg-1 is already recorded.');
    expect(await store.messages.get('msg-1')).toMatchObject({ subject: '[Acme] Rollback finished', template: 'internal-team' });
    expect(await store.messages.list()).toHaveLength(1);
  });

  it('updates status, deliveries, file and approval, keeping what an update leaves out, and moves updatedAt', async () => {
    await store.messages.record(message('msg-1', { status: 'awaiting_approval', audience: 'customers' }));
    const before = Date.now();
    const approved = await store.messages.update('msg-1', { status: 'sending', approvedBy: 'dana', approvedAt: '2025-03-01T02:05:00.000Z' });
    expect(approved).toMatchObject({ status: 'sending', approvedBy: 'dana', approvedAt: '2025-03-01T02:05:00.000Z', deliveries: [], outboxFile: null });
    expect(Date.parse(approved.updatedAt)).toBeGreaterThanOrEqual(before);
    expect(approved.updatedAt > approved.createdAt).toBe(true);

    const deliveries = [sentBy('outbox', { kind: 'outbox', target: '/plans/outbox', file: '/plans/outbox/msg-1.md' }), sentBy('email')];
    const sent = await store.messages.update('msg-1', { status: 'sent', deliveries, outboxFile: '/plans/outbox/msg-1.md' });
    expect(sent).toEqual({ ...message('msg-1', { audience: 'customers' }), status: 'sent', deliveries, outboxFile: '/plans/outbox/msg-1.md', approvedBy: 'dana', approvedAt: '2025-03-01T02:05:00.000Z', updatedAt: sent.updatedAt });
    expect(await store.messages.get('msg-1')).toEqual(sent);
  });

  it('refuses to update a message that is not there, as a usage error', async () => {
    const update = store.messages.update('msg-ghost', { status: 'sent' });
    await expect(update).rejects.toMatchObject({ code: 'usage', message: 'There is no message msg-ghost.' });
    expect(await store.messages.list()).toEqual([]);
  });

  it('changes a message only from the status named, so that of two changes at once one wins', async () => {
    await store.messages.record(message('msg-1', { status: 'awaiting_approval' }));
    const refused = store.messages.update('msg-1', { status: 'sending', from: 'failed' });
    await expect(refused).rejects.toMatchObject({ code: 'usage', message: 'Message msg-1 is awaiting approval, not failed.' });
    expect(await store.messages.get('msg-1')).toMatchObject({ status: 'awaiting_approval', approvedBy: null });

    const outcomes = await Promise.allSettled(
      ['dana', 'eve', 'finn'].map((user) => store.messages.update('msg-1', { status: 'sending', from: 'awaiting_approval', approvedBy: user, approvedAt: '2025-03-01T02:05:00.000Z' })),
    );
    const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value.approvedBy] : []));
    expect(won).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => (outcome as PromiseRejectedResult).reason)).toEqual([
      expect.objectContaining({ code: 'usage', message: 'Message msg-1 is sending, not awaiting approval.' }),
      expect.objectContaining({ code: 'usage', message: 'Message msg-1 is sending, not awaiting approval.' }),
    ]);
    expect(await store.messages.get('msg-1')).toMatchObject({ status: 'sending', approvedBy: won[0] });
  });

  it('lists newest first, by run, moment and status, at most limit', async () => {
    await store.messages.record(message('msg-a', { createdAt: '2025-03-01T02:00:00.000Z', event: 'rollback_started', template: 'rollback-started' }));
    await store.messages.record(message('msg-b', { createdAt: '2025-03-01T02:10:00.000Z' }));
    await store.messages.record(message('msg-c', { createdAt: '2025-03-01T02:10:00.000Z', audience: 'management', template: 'management-escalation', status: 'failed' }));
    await store.messages.record(message('msg-d', { createdAt: '2025-03-01T02:20:00.000Z', runId: 'run-2', status: 'awaiting_approval', audience: 'customers', template: 'customer' }));
    await store.messages.record(message('msg-e', { createdAt: '2025-03-01T01:00:00.000Z', runId: null, event: 'manual' }));
    const ids = (messages: MessageRecord[]): string[] => messages.map((each) => each.id);
    // Two messages of the same moment: the later recorded is listed first.
    expect(ids(await store.messages.list())).toEqual(['msg-d', 'msg-c', 'msg-b', 'msg-a', 'msg-e']);
    expect(ids(await store.messages.list({ runId: 'run-1' }))).toEqual(['msg-c', 'msg-b', 'msg-a']);
    expect(ids(await store.messages.list({ runId: 'run-1', event: 'rollback_finished' }))).toEqual(['msg-c', 'msg-b']);
    expect(ids(await store.messages.list({ event: 'manual' }))).toEqual(['msg-e']);
    expect(ids(await store.messages.list({ status: 'failed' }))).toEqual(['msg-c']);
    expect(ids(await store.messages.list({ status: 'awaiting_approval', runId: 'run-2' }))).toEqual(['msg-d']);
    expect(ids(await store.messages.list({ runId: 'run-1', status: 'sent' }))).toEqual([]);
    expect(ids(await store.messages.list({ limit: 2 }))).toEqual(['msg-d', 'msg-c']);
    expect(ids(await store.messages.list({ runId: 'run-1', limit: 1 }))).toEqual(['msg-c']);
  });

  it('redacts secret-shaped values in the subject, the text and the deliveries, and keeps the rest readable', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkYW5hIn0.c2lnbmF0dXJlLXNlY3JldA';
    const slackToken = 'xoxb-1234567890-abcdefghij';
    await store.messages.record(
      message('msg-1', {
        subject: 'Rollback of crm (token=subj3ct-t0ken-value)',
        message: {
          to: ['team@acme.test'],
          chat: ['team-chat'],
          markdown: `# Rollback\n\nAuthorization: Bearer ${jwt}\n\nCall it with Authorization: Basic ZGFuYTpzM2NyZXQ=\n\nThe state is at postgres://cutover:Pg-pa55word@db.acme.test/state and the bot uses ${slackToken}.\n\nThe last line stays.`,
          text: `Rollback\n\nAuthorization: Bearer ${jwt}\nThe last line stays.`,
        },
      }),
    );
    await store.messages.update('msg-1', { status: 'failed', deliveries: [sentBy('email', { status: 'failed', reason: 'rejected: password=smtp-pa55word-leak, retry later' })] });
    const stored = await store.messages.get('msg-1');
    expect(stored?.subject).toBe('Rollback of crm (token=***)');
    expect(stored?.message.to).toEqual(['team@acme.test']);
    expect(stored?.message.chat).toEqual(['team-chat']);
    expect(stored?.message.markdown).toContain('# Rollback');
    expect(stored?.message.markdown).toContain('postgres://cutover:***@db.acme.test/state');
    expect(stored?.message.markdown).toMatch(/\nAuthorization: \*\*\*\n/);
    expect(stored?.message.markdown).toMatch(/\nCall it with Authorization: \*\*\*\n/);
    // A secret-shaped line does not swallow the rest of the message.
    expect(stored?.message.markdown).toMatch(/\n\nThe last line stays\.$/);
    expect(stored?.message.text).toMatch(/\nThe last line stays\.$/);
    expect(stored?.deliveries[0]?.reason).toBe('rejected: password=***, retry later');
    const everything = JSON.stringify(await store.messages.list());
    for (const secret of [jwt, slackToken, 'ZGFuYTpzM2NyZXQ=', 'Pg-pa55word', 'subj3ct-t0ken-value', 'smtp-pa55word-leak']) expect(everything).not.toContain(secret);
  });
});

describe('two commands changing one message in a shared PostgreSQL state', () => {
  it('lets the second wait for the first and then refuses it, even when it read the message before the first committed', async () => {
    const shared = await createTestState('postgres');
    const first = await shared.open();
    const second = await shared.open();
    const watcher = new pg.Client({ connectionString: shared.url });
    await watcher.connect();
    try {
      await first.messages.record(message('msg-1', { status: 'awaiting_approval' }));
      let secondOutcome: Promise<unknown> | undefined;
      await first.transaction(async () => {
        await first.messages.update('msg-1', { status: 'sending', from: 'awaiting_approval', approvedBy: 'dana' });
        // The second reads the message as still waiting (the first has not committed) and then waits on its row lock.
        secondOutcome = second.messages.update('msg-1', { status: 'sending', from: 'awaiting_approval', approvedBy: 'eve' }).then(
          (value) => value,
          (error: unknown) => error,
        );
        for (let waited = 0; ; waited += 20) {
          const waiting = await watcher.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
          if (waiting.rows[0].n === 1) break;
          if (waited > 5000) throw new Error('the second change never waited for the first');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      expect(await secondOutcome).toMatchObject({ code: 'usage', message: 'Message msg-1 is sending, not awaiting approval.' });
      expect(await second.messages.get('msg-1')).toMatchObject({ status: 'sending', approvedBy: 'dana' });
    } finally {
      await watcher.end();
      await second.close();
      await first.close();
      await shared.drop();
    }
  });
});
