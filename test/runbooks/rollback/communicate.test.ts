/**
 * The immediate rollback on the demo plan tells people: with the plan's
 * audiences given email addresses and a real local SMTP server, the
 * rollback-started, internal team, management and post-rollback messages
 * go out by email and are kept in the outbox, each with the figures of
 * that run; the customer message waits for `notify approve`. A mail server
 * that hangs does not stop a rollback: the messages are recorded failed,
 * and `notify retry` sends them once it answers. No secret is written.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runCliRaw } from '../../support/cli-run.js';
import { demoOnDatabases, runCli } from '../../support/demo-databases.js';
import { hangingSmtp, smtpReceiver, type SmtpReceiver } from '../../support/smtp-receiver.js';
import type { TestDatabase } from '../../support/databases.js';

const SMTP_USER = 'crm-migration';
const SMTP_PASSWORD = 'Sm7p-pa55-3e9d1c0b';
const ENV = { SMTP_PASSWORD };
const TEAM = ['sales@acme.test', 'support@acme.test'];
const MANAGEMENT = ['cto@acme.test'];
const CUSTOMERS = ['key-accounts@acme.test'];

let dir: string;
let smtp: SmtpReceiver;
const databases: TestDatabase[] = [];
const outputs: string[] = [];

async function cli(args: string[]) {
  const result = await runCli(dir, args, ENV);
  outputs.push(result.out, result.err);
  return result;
}

/** Points the plan's email at a port, with delivery settings. */
function setEmail(port: number, delivery: Record<string, unknown> = { retries: 1, timeout: '2s', backoff: '50ms' }): void {
  const file = path.join(dir, 'cutover.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.setIn(['communications', 'email'], { host: '127.0.0.1', port, starttls: 'never', from: 'CRM migration <crm-migration@acme.test>', user: SMTP_USER, password: 'env:SMTP_PASSWORD' });
  doc.setIn(['communications', 'audiences', 'team', 'email'], TEAM);
  doc.setIn(['communications', 'audiences', 'management', 'email'], MANAGEMENT);
  doc.setIn(['communications', 'audiences', 'customers', 'email'], CUSTOMERS);
  doc.setIn(['communications', 'delivery'], delivery);
  writeFileSync(file, doc.toString());
}

function outboxFiles(): Map<string, string> {
  const folder = path.join(dir, 'outbox');
  return new Map(readdirSync(folder).map((name) => [name.replace(/\.md$/, ''), readFileSync(path.join(folder, name), 'utf8')]));
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cutover-communicate-'));
  smtp = await smtpReceiver(SMTP_USER, SMTP_PASSWORD);
  databases.push(...(await demoOnDatabases(dir, { source: 'sqlite', target: 'sqlite' }, { records: 200, seed: 5 })));
  setEmail(smtp.port);
  for (const args of [['check'], ['snapshot', 'salesforce'], ['backup', 'legacy'], ['verify', 'latest'], ['migrate', '--yes'], ['go-live', '--freeze-source', '--yes']]) {
    const step = await cli(args);
    expect(step.code, `${args.join(' ')}: ${step.err}`).toBe(0);
  }
});

afterAll(async () => {
  await smtp?.close();
  for (const db of databases) await db.drop();
});

describe('communications on the demo plan', () => {
  it('previews the customer message with the facts of the moment, sending nothing', async () => {
    const before = smtp.mails.length;
    const kept = outboxFiles().size;
    const preview = await cli(['notify', 'customer', '--preview']);
    expect(preview.code, preview.err).toBe(0);
    expect(preview.json.messages).toHaveLength(1);
    const [message] = preview.json.messages;
    expect(message).toMatchObject({ template: 'customer', audience: 'customers', to: CUSTOMERS, requiresApproval: true });
    expect(message.subject).toBe('Service update from Acme Corp — legacy CRM to Salesforce (demo)');
    expect(message.text).toContain('back to normal within 4h');
    expect(message.text).toContain('Questions? Contact Dana Whitfield at dana.whitfield@example.com');
    expect(smtp.mails.length).toBe(before);
    // Without --json, the terminal shows the audience, the subject and the text, and says nothing was sent.
    const shown = await runCliRaw(dir, ['notify', 'customer'], ENV);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('── customer → customers (email key-accounts@acme.test;');
    expect(shown.out).toContain('Subject: Service update from Acme Corp');
    expect(shown.out).toContain('Nothing was sent. Send with --send.');
    expect(outboxFiles().size).toBe(kept);
    // What is there came from the go-live: its notice to the team.
    expect([...outboxFiles().values()].map((text) => /^template: (.+)$/m.exec(text)?.[1])).toEqual(['go-live']);
  });

  it('the immediate rollback sends its messages by email and to the outbox, each with the figures of the run', async () => {
    const simulated = await cli(['simulate', 'salesforce', '--new', '12', '--edits', '6', '--deletes', '3', '--days', '1']);
    expect(simulated.code, simulated.err).toBe(0);
    // Every record people touched in the new CRM, once: created, edited or deleted.
    const touched = (simulated.json.objects as Array<{ object: string; createdIds: string[]; edits: Array<{ id: string }>; deletedIds: string[] }>).reduce(
      (sum, object) => sum + new Set([...object.createdIds, ...object.edits.map((edit) => edit.id), ...object.deletedIds]).size,
      0,
    );
    // The first round that fires tells the team; the next one, firing the same, does not again.
    const watched = await cli(['watch', '--once']);
    expect(watched.code).toBe(1);
    expect(watched.json.messages.map((m: { template: string; status: string }) => `${m.template} ${m.status}`)).toEqual(['internal-team sent']);
    expect((await cli(['watch', '--once'])).json.messages).toEqual([]);
    const fired = (await cli(['notify', 'list'])).json.messages.filter((m: { event: string }) => m.event === 'trigger_fired');
    expect(fired.map((m: { template: string; audience: string; status: string }) => `${m.template} ${m.audience} ${m.status}`)).toEqual(['internal-team team sent']);
    const firedMail = smtp.mails.find((mail) => mail.messageId === fired[0].id)!;
    expect(firedMail.subject).toContain('Rollback recommended');
    expect(firedMail.body).toMatch(/^- data-loss \(fired\): measured Contact: \d+ deleted since go-live/m);
    const decided = await cli(['decide', 'rollback', '--reason', 'records deleted after go-live']);
    expect(decided.code, decided.err).toBe(0);
    // The decision goes to management at once.
    expect(decided.json.messages.map((m: { template: string; status: string }) => `${m.template} ${m.status}`)).toEqual(['management-escalation sent']);
    const mailsBefore = smtp.mails.length;

    const rollback = await cli(['rollback', '--yes']);
    expect(rollback.code, rollback.err).toBe(0);
    const communicate = rollback.json.steps.find((step: { name: string }) => step.name === 'communicate');
    expect(communicate.status).toBe('succeeded');
    expect(communicate.outcome.counts).toEqual({ sent: 4, awaitingApproval: 1, failed: 0 });
    const messages: Array<{ id: string; template: string; audience: string; status: string }> = communicate.outcome.data.messages;
    const byTemplate = new Map(messages.map((message) => [message.template, message]));
    expect([...byTemplate.keys()].sort()).toEqual(['customer', 'internal-team', 'management-escalation', 'post-rollback-next-steps', 'rollback-started']);

    // By email: the right recipients, subject and body.
    const mails = smtp.mails.slice(mailsBefore);
    expect(mails).toHaveLength(4);
    const mailOf = (template: string) => mails.find((mail) => mail.messageId === byTemplate.get(template)!.id)!;
    expect(mailOf('internal-team').to).toEqual(TEAM);
    expect(mailOf('post-rollback-next-steps').to).toEqual(TEAM);
    expect(mailOf('rollback-started').to).toEqual(TEAM);
    expect(mailOf('management-escalation').to).toEqual(MANAGEMENT);
    expect(mails.every((mail) => mail.from === 'crm-migration@acme.test')).toBe(true);
    expect(mailOf('internal-team').subject).toBe('[Acme Corp — legacy CRM to Salesforce (demo)] Rollback done: salesforce back to legacy');

    // The figures of this run, as the steps measured them.
    const step = (name: string) => rollback.json.steps.find((s: { name: string }) => s.name === name).outcome.counts;
    const exported = step('export-delta').created + step('export-delta').updated + step('export-delta').deleted;
    const restored = step('restore-source').created + step('restore-source').updated + step('restore-source').pruned;
    expect(exported).toBe(touched);
    expect(restored).toBeGreaterThan(0);
    expect(mailOf('management-escalation').body).toContain(`Records entered since go-live and exported for carrying back: ${exported}.`);
    expect(mailOf('management-escalation').body).toContain(`Records restored: ${restored}.`);
    expect(mailOf('management-escalation').body).toContain('Reason: records deleted after go-live');
    expect(mailOf('internal-team').body).toContain(`${restored} records restored into legacy.`);
    expect(mailOf('post-rollback-next-steps').body).toContain(`${exported} records entered in salesforce since go-live were exported`);
    expect(mailOf('post-rollback-next-steps').body).toContain(`the export of run ${rollback.json.id}`);
    expect(mailOf('rollback-started').body).toContain(`cutover run ${rollback.json.id}`);

    // The outbox keeps every message as sent; the customer message waits there.
    const files = outboxFiles();
    for (const message of messages) expect(files.get(message.id), message.template).toContain(`template: ${message.template}`);
    expect(files.get(byTemplate.get('management-escalation')!.id)).toMatch(/^status: sent$/m);
    expect(files.get(byTemplate.get('customer')!.id)).toMatch(/^status: awaiting_approval$/m);
    expect(mails.some((mail) => mail.to.includes(CUSTOMERS[0]!))).toBe(false);

    expect((await cli(['status'])).json.messages).toEqual({ awaitingApproval: [byTemplate.get('customer')!.id], failed: [] });
    const approved = await cli(['notify', 'approve', byTemplate.get('customer')!.id]);
    expect(approved.code, approved.err).toBe(0);
    expect(approved.json.messages[0].status).toBe('sent');
    const customerMail = smtp.mails.find((mail) => mail.messageId === byTemplate.get('customer')!.id)!;
    expect(customerMail.to).toEqual(CUSTOMERS);
    expect(customerMail.body).toContain('Nothing you sent us is lost.');
    expect((await cli(['notify', 'approve', byTemplate.get('customer')!.id])).code).toBe(2);
    expect((await cli(['status'])).json.messages).toEqual({ awaitingApproval: [], failed: [] });
    const listed = await cli(['notify', 'list', '--run', rollback.json.id]);
    expect(listed.json.messages.map((m: { status: string }) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
  });

  it('a mail server that hangs does not stop the rollback; the messages are failed with the reason, and retry sends them', async () => {
    const hung = await hangingSmtp();
    try {
      setEmail(hung.port, { retries: 1, timeout: '300ms', backoff: '50ms' });
      const started = Date.now();
      const rollback = await cli(['rollback', '--force', '--yes']);
      expect(rollback.code, rollback.err).toBe(0);
      expect(rollback.json.steps.every((step: { status: string }) => step.status === 'succeeded')).toBe(true);
      const communicate = rollback.json.steps.find((step: { name: string }) => step.name === 'communicate').outcome;
      expect(communicate.counts).toMatchObject({ sent: 0, awaitingApproval: 1, failed: 4 });
      expect(communicate.summary).toMatch(/timed out after 300 ms \(after 2 attempts\)/);
      // Two attempts per message, all at once: seconds, not minutes.
      expect(hung.connections()).toBeGreaterThanOrEqual(8);
      expect(Date.now() - started).toBeLessThan(60_000);
      const failed = await cli(['notify', 'list', '--status', 'failed', '--run', rollback.json.id]);
      expect(failed.json.messages).toHaveLength(4);
      for (const message of failed.json.messages) {
        expect(outboxFiles().get(message.id)).toMatch(/^status: failed$/m);
        expect(message.deliveries.find((d: { channel: string }) => d.channel === 'email')).toMatchObject({ status: 'failed', attempts: 2 });
      }

      setEmail(smtp.port);
      const before = smtp.mails.length;
      for (const message of failed.json.messages) {
        const retried = await cli(['notify', 'retry', message.id]);
        expect(retried.code, retried.err).toBe(0);
        expect(retried.json.messages[0].status).toBe('sent');
        expect(outboxFiles().get(message.id)).toMatch(/^status: sent$/m);
      }
      expect(smtp.mails.length - before).toBe(4);
    } finally {
      await hung.close();
    }
  });

  it('a rollback that fails tells the team and management that it stopped, and how to go on', async () => {
    const backups = path.join(dir, 'backups');
    renameSync(backups, `${backups}.away`);
    try {
      const before = smtp.mails.length;
      const failed = await cli(['rollback', '--force', '--yes']);
      expect(failed.code, failed.err).toBeGreaterThan(1);
      expect(failed.err).toMatch(/Messages: .*rollback-completed to team sent/);
      const run = (await cli(['runs', '--kind', 'rollback'])).json.runs[0];
      expect(run.status).toBe('failed');
      const listed = await cli(['notify', 'list', '--run', run.id]);
      const templates = listed.json.messages.map((m: { event: string; template: string; status: string }) => `${m.event} ${m.template} ${m.status}`).sort();
      expect(templates).toEqual(['rollback_failed management-escalation sent', 'rollback_failed rollback-completed sent', 'rollback_started rollback-started sent']);
      const stopped = smtp.mails.slice(before).find((mail) => mail.subject.includes('Rollback stopped'))!;
      expect(stopped.to).toEqual(TEAM);
      expect(stopped.body).toContain('The rollback stopped on a failed step');
      expect(stopped.body).toContain('cutover rollback --resume');
      expect(smtp.mails.slice(before).find((mail) => mail.to.includes(MANAGEMENT[0]!))!.body).toContain('stopped on a failed step');
    } finally {
      renameSync(`${backups}.away`, backups);
    }
  });

  it('writes the SMTP password nowhere: not in outbox files, the state, nor any output', () => {
    const stateDir = path.join(dir, '.cutover');
    const stateFiles = readdirSync(stateDir).filter((name) => name.startsWith('state.db'));
    expect(stateFiles.length).toBeGreaterThan(0);
    for (const name of stateFiles) expect(readFileSync(path.join(stateDir, name)).includes(SMTP_PASSWORD), name).toBe(false);
    for (const [id, text] of outboxFiles()) expect(text.includes(SMTP_PASSWORD), id).toBe(false);
    expect(outputs.some((text) => text.includes(SMTP_PASSWORD))).toBe(false);
    expect(outputs.join('').length).toBeGreaterThan(0);
  });
});
