/**
 * A real SMTP server on 127.0.0.1 for tests (the smtp-server package): it
 * asks for a login, captures every mail with its envelope, and decodes the
 * headers and body the way a mail client would. {@link hangingSmtp} gives a
 * server that accepts connections and never greets.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail the server received. */
export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  /** The raw message. */
  raw: string;
  /** The Subject header, decoded. */
  subject: string;
  /** The X-Cutover-Message header. */
  messageId: string | undefined;
  /** The body, decoded from quoted-printable or base64, with \n line ends. */
  body: string;
}

/** A running receiver. */
export interface SmtpReceiver {
  port: number;
  /** Every mail accepted, in order. */
  mails: ReceivedMail[];
  /** While `recipients` is set, every RCPT TO is answered 451 (a temporary failure, worth retrying). */
  refuse: { recipients: boolean };
  /** The recipients refused so far. */
  refused: string[];
  close(): Promise<void>;
}

/** Starts a server that accepts `user`/`password` only. */
export async function smtpReceiver(user: string, password: string): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const refuse = { recipients: false };
  const refused: string[] = [];
  const server = new SMTPServer({
    authOptional: false,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (!refuse.recipients) return callback();
      refused.push(address.address);
      callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom;
        mails.push({ from: from ? from.address : undefined, to: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, ...decodeMail(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, refuse, refused, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A TCP server that accepts connections and says nothing, as a hung mail server does. */
export async function hangingSmtp(): Promise<{ port: number; connections: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function decodeMail(raw: string): Pick<ReceivedMail, 'subject' | 'messageId' | 'body'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const header = (name: string): string | undefined => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
  const encoding = header('Content-Transfer-Encoding')?.toLowerCase();
  const body = raw.slice(split + 4);
  const decoded = encoding === 'quoted-printable' ? quotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  return { subject: decodeWords(header('Subject') ?? ''), messageId: header('X-Cutover-Message'), body: decoded.replace(/\r\n/g, '\n') };
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=). */
function decodeWords(text: string): string {
  return text
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_whole, kind: string, data: string) =>
      kind.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : quotedPrintable(data.replace(/_/g, ' ')),
    );
}

function quotedPrintable(text: string): string {
  const bytes: number[] = [];
  const joined = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}
