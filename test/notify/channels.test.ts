import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { readBuiltinTemplate } from '../../src/notify/builtin-templates.js';
import type { ChannelConfig, SendResult } from '../../src/notify/channels/channel-types.js';
import { delay, send } from '../../src/notify/channels/send.js';
import { createMessage, type OutgoingMessage } from '../../src/notify/message.js';
import { renderTemplate } from '../../src/notify/render.js';
import { smtpReceiver, type ReceivedMail, type SmtpReceiver } from '../support/smtp-receiver.js';
import { FULL_FACTS } from './notify-facts.js';

const SMTP_USER = 'cutover';
const SMTP_PASSWORD = 'S3cret-smtp-pa55word';
const WEBHOOK_TOKEN = 'T0KEN4b9f2e7c1d8a6x';

interface Hook {
  path: string;
  body: unknown;
}

let dir: string;
let smtp: SmtpReceiver;
let smtpPort: number;
let mails: ReceivedMail[] = [];
let http: Server;
let httpBase: string;
const hooks: Hook[] = [];
let flakyCalls = 0;
let message: OutgoingMessage;
const produced: string[] = [];

function record(result: SendResult): SendResult {
  produced.push(JSON.stringify(result));
  return result;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cutover-notify-'));
  smtp = await smtpReceiver(SMTP_USER, SMTP_PASSWORD);
  smtpPort = smtp.port;
  mails = smtp.mails;

  http = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const body = await readBody(request);
      const url = request.url ?? '';
      if (url.startsWith('/hang')) return; // never answers
      if (url.startsWith('/flaky')) {
        flakyCalls += 1;
        if (flakyCalls === 1) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end(`internal error at ${url}`);
          return;
        }
      }
      if (url.startsWith('/gone')) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end(`no such hook ${url}`);
        return;
      }
      hooks.push({ path: url, body: JSON.parse(body) as unknown });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  httpBase = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

  const rendered = await renderTemplate(await readBuiltinTemplate('rollback-completed'), 'rollback-completed', FULL_FACTS);
  message = createMessage(rendered, { to: ['team@acme.test', 'ops@acme.test'], audience: 'team', event: 'rollback_finished' });
});

afterAll(async () => {
  http?.closeAllConnections();
  await new Promise((resolve) => http?.close(resolve));
  await smtp?.close();
  await rm(dir, { recursive: true, force: true });
});

const smtpChannel = (): ChannelConfig => ({
  kind: 'smtp',
  host: '127.0.0.1',
  port: smtpPort,
  starttls: 'never',
  from: 'cutover@acme.test',
  auth: { user: SMTP_USER, password: SMTP_PASSWORD },
});

describe('channels against real local receivers', () => {
  test('the outbox keeps the message as sent, one file per message', async () => {
    const outbox = path.join(dir, 'outbox');
    const result = record(await send(message, { kind: 'outbox', dir: outbox }));
    expect(result).toMatchObject({ status: 'sent', kind: 'outbox', attempts: 1, messageId: message.id });
    const files = await readdir(outbox);
    expect(files).toEqual([`${message.id}.md`]);
    const text = await readFile(path.join(outbox, files[0] ?? ''), 'utf8');
    expect(text).toContain(`id: ${message.id}`);
    expect(text).toContain('template: rollback-completed');
    expect(text).toContain('subject: "[Acme CRM move] Rollback completed: legacy is back"');
    expect(text).toContain('  - team@acme.test');
    expect(text.endsWith(message.markdown)).toBe(true);
  });

  test('an outbox that cannot be written fails with the reason instead of throwing, leaving no file', async () => {
    const blocker = path.join(dir, 'outbox', `${message.id}.md`);
    const result = record(await send(message, { kind: 'outbox', dir: path.join(blocker, 'nested') }, { retries: 2, backoff: { initialMs: 10 } }));
    expect(result).toMatchObject({ status: 'failed', attempts: 1 });
    expect(result.reason).toMatch(/could not write .*ENOTDIR|EEXIST/);
    expect(await readdir(path.join(dir, 'outbox'))).toEqual([`${message.id}.md`]);
  });

  test('SMTP: a real server receives the recipients, subject and body', async () => {
    const result = record(await send(message, smtpChannel(), { retries: 0, timeoutMs: 5000 }));
    expect(result).toMatchObject({ status: 'sent', kind: 'smtp', target: `smtp://127.0.0.1:${smtpPort}`, attempts: 1 });
    expect(result.detail?.['accepted']).toBe(2);
    const mail = mails.at(-1);
    expect(mail?.from).toBe('cutover@acme.test');
    expect(mail?.to).toEqual(['team@acme.test', 'ops@acme.test']);
    expect(mail?.raw).toMatch(/^Subject: \[Acme CRM move\] Rollback completed: legacy is back\r?$/m);
    expect(mail?.raw).toContain(`X-Cutover-Message: ${message.id}`);
    expect(mail?.raw).toContain('Total: 600.3 seconds');
    produced.push(mail?.raw ?? '');
  });

  test('SMTP: a wrong password fails at once with the reason and without the password', async () => {
    const channel = { ...smtpChannel(), auth: { user: SMTP_USER, password: `${SMTP_PASSWORD}-wrong` } } as ChannelConfig;
    const result = record(await send(message, channel, { retries: 3, backoff: { initialMs: 10 }, timeoutMs: 5000 }));
    expect(result.status).toBe('failed');
    expect(result.attempts).toBe(1);
    expect(result.reason).toMatch(/Invalid username or password|EAUTH/);
  });

  test('SMTP: a server that is not there fails after the retries with the reason', async () => {
    const channel = { ...smtpChannel(), port: 1 } as ChannelConfig;
    const result = record(await send(message, channel, { retries: 1, backoff: { initialMs: 10 }, timeoutMs: 2000 }));
    expect(result).toMatchObject({ status: 'failed', attempts: 2 });
    expect(result.reason).toMatch(/ECONNREFUSED/);
  });

  test('SMTP with STARTTLS: required TLS is used, and an unknown certificate is refused unless allowed', async () => {
    const secured: boolean[] = [];
    const tlsServer = new SMTPServer({
      authOptional: true,
      logger: false,
      onData(stream, session, callback) {
        secured.push(session.secure);
        stream.resume();
        stream.on('end', () => callback());
      },
    });
    const port = await new Promise<number>((resolve) => tlsServer.listen(0, '127.0.0.1', () => resolve((tlsServer.server.address() as AddressInfo).port)));
    try {
      const base = { kind: 'smtp', host: '127.0.0.1', port, from: 'cutover@acme.test' } as const;
      const refused = record(await send(message, base, { retries: 0, timeoutMs: 5000 }));
      expect(refused.status).toBe('failed');
      expect(refused.reason).toMatch(/certificate/i);
      const sent = record(await send(message, { ...base, starttls: 'required', tls: { rejectUnauthorized: false } }, { retries: 0, timeoutMs: 5000 }));
      expect(sent.status).toBe('sent');
      expect(secured).toEqual([true]);
    } finally {
      await new Promise<void>((resolve) => tlsServer.close(() => resolve()));
    }
  });

  test('Slack: the payload is { text, blocks }', async () => {
    const result = record(await send(message, { kind: 'slack', url: `${httpBase}/slack/services/${WEBHOOK_TOKEN}` }, { retries: 0 }));
    expect(result).toMatchObject({ status: 'sent', kind: 'slack', target: `${httpBase}/***`, detail: { status: 200, response: 'ok' } });
    const hook = hooks.at(-1) as { body: { text: string; blocks: Array<{ type: string; text: { text: string } }> } };
    expect(hook.body.text).toMatch(/^\*\[Acme CRM move\] Rollback completed: legacy is back\*\n\n\*Rollback completed\*/);
    expect(hook.body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[Acme CRM move] Rollback completed: legacy is back' } });
    expect(hook.body.blocks[1]?.type).toBe('section');
    expect(hook.body.blocks[1]?.text.text).toContain('• Carry the 87 exported records back into legacy');
  });

  test('Slack: text only when blocks are off', async () => {
    record(await send(message, { kind: 'slack', url: `${httpBase}/slack/services/${WEBHOOK_TOKEN}`, blocks: false }, { retries: 0 }));
    expect(Object.keys(hooks.at(-1)?.body as object)).toEqual(['text']);
  });

  test('Teams: the payload is a message with an Adaptive Card', async () => {
    const result = record(await send(message, { kind: 'teams', url: `${httpBase}/teams/workflows/${WEBHOOK_TOKEN}?sig=${WEBHOOK_TOKEN}` }, { retries: 0 }));
    expect(result.status).toBe('sent');
    const body = hooks.at(-1)?.body as { type: string; attachments: Array<{ contentType: string; content: { type: string; body: Array<{ text: string }> } }> };
    expect(body.type).toBe('message');
    expect(body.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(body.attachments[0]?.content.type).toBe('AdaptiveCard');
    expect(body.attachments[0]?.content.body[0]?.text).toBe(message.subject);
    expect(body.attachments[0]?.content.body[1]?.text).toBe(message.text);
  });

  test('a webhook that fails with 500 and then succeeds is retried', async () => {
    const before = hooks.length;
    const result = record(await send(message, { kind: 'slack', url: `${httpBase}/flaky/${WEBHOOK_TOKEN}` }, { retries: 3, backoff: { initialMs: 20 } }));
    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(flakyCalls).toBe(2);
    expect(hooks.length).toBe(before + 1);
  });

  test('a webhook that hangs times out and fails with the reason, quickly', async () => {
    const started = Date.now();
    const result = record(await send(message, { kind: 'teams', url: `${httpBase}/hang/${WEBHOOK_TOKEN}` }, { retries: 1, backoff: { initialMs: 20 }, timeoutMs: 200 }));
    expect(result).toMatchObject({ status: 'failed', attempts: 2, reason: 'timed out after 200 ms (after 2 attempts)' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('a 404 is not retried: the URL is wrong, waiting will not help', async () => {
    const result = record(await send(message, { kind: 'slack', url: `${httpBase}/gone/${WEBHOOK_TOKEN}` }, { retries: 3, backoff: { initialMs: 20 } }));
    expect(result).toMatchObject({ status: 'failed', attempts: 1 });
    expect(result.reason).toBe('the webhook answered 404 Not Found: no such hook ***');
  });

  test('an aborted send stops waiting and says so', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = record(await send(message, { kind: 'slack', url: `${httpBase}/hang/${WEBHOOK_TOKEN}` }, { retries: 5, timeoutMs: 10_000, signal: controller.signal }));
    expect(result).toMatchObject({ status: 'failed', attempts: 1, reason: 'aborted' });
  });

  test('backoff grows exponentially up to its cap', () => {
    expect([1, 2, 3, 4, 5].map((retry) => delay(retry, { initialMs: 100, factor: 2, maxMs: 1000 }))).toEqual([100, 200, 400, 800, 1000]);
  });

  test('no secret appears in any result, outbox file or error', async () => {
    const outboxFiles = await readdir(path.join(dir, 'outbox'));
    for (const file of outboxFiles) produced.push(await readFile(path.join(dir, 'outbox', file), 'utf8'));
    expect(produced.length).toBeGreaterThanOrEqual(12);
    const everything = produced.join('\n');
    expect(everything).toContain('ECONNREFUSED');
    for (const secret of [SMTP_PASSWORD, WEBHOOK_TOKEN, encodeURIComponent(WEBHOOK_TOKEN), '/slack/services/', '/teams/workflows/']) {
      expect(everything).not.toContain(secret);
    }
  });
});

