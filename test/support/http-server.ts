/**
 * A real HTTP server on 127.0.0.1 for tests of HTTP checks: each path
 * answers as the test says (normally, slowly, with an error status, with
 * another body, or never), and every request is recorded with its headers
 * and body.
 * {@link closedPortUrl} gives a URL where nothing listens.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The request body as text, complete once the server answers (a hanging answer still records it). */
  body: string;
}

/** How a path answers. */
export interface Answer {
  /** Default 200. */
  status?: number;
  /** The body, or a function of the request (to echo what was sent). Default `ok`. */
  body?: string | ((request: RecordedRequest) => string);
  /** Wait this long before answering. Default 0. */
  delayMs?: number;
  /** Never answer: keep the connection open until the server closes. */
  hang?: boolean;
}

/** A running test server. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Every request received, oldest first. */
  requests: RecordedRequest[];
  /** Sets how a path answers; other paths answer 404. */
  answer(path: string, answer: Answer): void;
  /** Closes the server and every connection still open. */
  close(): Promise<void>;
}

/** Starts a server on a free port of 127.0.0.1. */
export async function startHttpServer(): Promise<TestHttpServer> {
  const answers = new Map<string, Answer>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((request, response) => {
    const recorded: RecordedRequest = { method: request.method ?? 'GET', path: (request.url ?? '/').split('?')[0] ?? '/', headers: request.headers, body: '' };
    requests.push(recorded);
    // Read the whole body before answering, so that what was sent is recorded.
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      recorded.body = Buffer.concat(chunks).toString('utf8');
      reply(recorded, response);
    });
  });
  const reply = (recorded: RecordedRequest, response: ServerResponse): void => {
    const answer = answers.get(recorded.path);
    if (!answer) {
      respond(response, 404, 'no such path');
      return;
    }
    if (answer.hang) return;
    const send = (): void => {
      const body = typeof answer.body === 'function' ? answer.body(recorded) : (answer.body ?? 'ok');
      respond(response, answer.status ?? 200, body);
    };
    if (!answer.delayMs) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, answer.delayMs);
    timers.add(timer);
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    answer: (path, answer) => answers.set(path, answer),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function respond(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** A URL on 127.0.0.1 at a port that was free a moment ago and has nothing listening: connections are refused. */
export async function closedPortUrl(path = '/health'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}
