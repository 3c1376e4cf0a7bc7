/**
 * Integration checks: is each integration the CRM depends on healthy after
 * go-live? Either an HTTP health check (status, latency, body) or an error
 * rate over an integration log object of a system. Every config gives one
 * evaluation, `integration.<name>`; a check that cannot measure is
 * `unknown`, never `ok`, and never throws.
 */
import { CutoverError, isCutoverError } from '../../core/errors.js';
import { compileCondition } from '../../core/mapping/condition.js';
import type { MappingProblem } from '../../core/mapping/mapping-types.js';
import type { Value } from '../../core/values.js';
import { canonicalDatetime } from '../../core/values.js';
import { parseSecretRef, resolveSecret } from '../../plan/secrets.js';
import { spanMs, type IntegrationConfig } from '../../plan/triggers-schema.js';
import { isSecretName, REDACTED, redactText } from '../../state/redact.js';
import { unknownEvaluation, type CheckContext, type Evaluation } from '../check-types.js';

/** A problem of an integration in the plan, with its path (`triggers.integrations[2].url`). */
export interface IntegrationProblem {
  path: string;
  message: string;
}

/** Characters of the response body kept as evidence. */
const BODY_EXCERPT = 300;
/** Most of a response body read to match `body` against; the rest is not read. */
const BODY_LIMIT = 1024 * 1024;
/** Error record ids kept as evidence. */
const ERROR_SAMPLES = 5;
/** Field types an error-rate `at` field may have. */
const TIME_TYPES = new Set(['datetime', 'date', 'string', 'text']);

/**
 * The plan problems of the integrations: neither or both of `url` and
 * `errorRate`, a repeated name, a `body` that is not a regular expression
 * or given with HEAD, HTTP settings on an error-rate check, and (when
 * `systems` is given) an `errorRate.system` the plan does not name.
 */
export function integrationProblems(configs: readonly IntegrationConfig[], systems?: readonly string[]): IntegrationProblem[] {
  const problems: IntegrationProblem[] = [];
  const names = new Map<string, number>();
  configs.forEach((config, index) => {
    const at = `triggers.integrations[${index}]`;
    const first = names.get(config.name);
    if (first === undefined) names.set(config.name, index);
    else problems.push({ path: `${at}.name`, message: `"${config.name}" is already the name of triggers.integrations[${first}]; names must be unique` });
    if (config.url === undefined && config.errorRate === undefined) {
      problems.push({ path: `${at}.url`, message: 'give url (an HTTP health check) or errorRate (an error rate over a log object)' });
    }
    if (config.url !== undefined && config.errorRate !== undefined) {
      problems.push({ path: `${at}.errorRate`, message: 'url and errorRate are two checks: write them as two integrations, each with its own name' });
    }
    if (config.url === undefined && config.errorRate !== undefined) {
      for (const key of ['headers', 'body', 'maxLatency'] as const) {
        if (config[key] !== undefined) problems.push({ path: `${at}.${key}`, message: `${key} is for an HTTP health check (url); this integration checks an error rate` });
      }
    }
    if (config.body !== undefined) {
      try {
        new RegExp(config.body);
      } catch (error) {
        problems.push({ path: `${at}.body`, message: `not a valid regular expression: ${(error as Error).message}` });
      }
      if (config.url !== undefined && config.method === 'HEAD') {
        problems.push({ path: `${at}.body`, message: 'a HEAD request has no body to match: use method GET, or leave body out' });
      }
    }
    if (config.errorRate && systems && !systems.includes(config.errorRate.system)) {
      problems.push({ path: `${at}.errorRate.system`, message: `no system named "${config.errorRate.system}" (systems: ${systems.join(', ')})` });
    }
  });
  return problems;
}

/**
 * Evaluates every integration concurrently: one evaluation per config,
 * named `integration.<name>`, in the order of the configs. A config with a
 * plan problem, a secret that cannot be read, a system that cannot be
 * reached or anything else that throws gives an `unknown` evaluation saying
 * why. Systems are opened with `context.system` and left open (the watch
 * closes them).
 */
export async function integrationChecks(configs: readonly IntegrationConfig[], context: CheckContext): Promise<Evaluation[]> {
  const problems = integrationProblems(configs, Object.keys(context.plan.plan.systems));
  return Promise.all(
    configs.map(async (config, index) => {
      const started = { at: context.now.toISOString(), t0: performance.now() };
      const base: Base = { check: `integration.${config.name}`, kind: 'integration', severity: config.severity, threshold: thresholdOf(config) };
      const secrets: string[] = [];
      try {
        const own = problems.find((problem) => problem.path.startsWith(`triggers.integrations[${index}].`));
        if (own) throw new CutoverError('plan.invalid', `${own.path}: ${own.message}`);
        if (config.url !== undefined) return await httpCheck(config, config.url, index, context, base, started, secrets);
        return await errorRateCheck(config, index, context, base, started);
      } catch (error) {
        const evaluation = unknownEvaluation(base, started, error);
        // Plan and secret messages are cutover's own and name settings, not secrets; redactText
        // would take `headers.Authorization: the variable … is not set` for a header and hide it.
        const own = isCutoverError(error) && (error.code === 'plan.invalid' || error.code === 'plan.secret');
        return { ...evaluation, reason: own ? withoutSecrets(evaluation.reason ?? '', secrets) : hide(evaluation.reason ?? '', secrets) };
      }
    }),
  );
}

type Base = Pick<Evaluation, 'check' | 'kind' | 'severity' | 'threshold'>;
type Started = { at: string; t0: number };

/** What a healthy answer is, for people: `status 200, < 2000 ms, body /ok/`, `≤ 5% errors in 1h`. */
function thresholdOf(config: IntegrationConfig): string {
  if (config.url !== undefined) {
    const statuses = Array.isArray(config.status) ? config.status : [config.status];
    const parts = [`status ${statuses.join(' or ')}`];
    if (config.maxLatency !== undefined) parts.push(`< ${safeSpanMs(config.maxLatency)} ms`);
    if (config.body !== undefined) parts.push(`body /${config.body}/`);
    return parts.join(', ');
  }
  if (config.errorRate) return `≤ ${config.errorRate.max} errors in ${config.errorRate.window}`;
  return 'url or errorRate';
}

/** spanMs that never throws, for text built before the check's own error handling. */
function safeSpanMs(text: string): number | string {
  try {
    return spanMs(text);
  } catch {
    return text;
  }
}

function finish(base: Base, started: Started, result: Pick<Evaluation, 'status' | 'measured' | 'evidence'> & { reason?: string }): Evaluation {
  const evaluation: Evaluation = { ...base, status: result.status, measured: result.measured, evidence: result.evidence, at: started.at, seconds: Math.round(performance.now() - started.t0) / 1000 };
  if (result.reason !== undefined) evaluation.reason = result.reason;
  return evaluation;
}

/** Replaces every known secret in text by `***`. */
function withoutSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so that a secret containing another is hidden whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== '') result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** Replaces every known secret in text by `***`, then redacts what looks like a secret (URL passwords, tokens). */
function hide(text: string, secrets: readonly string[]): string {
  return redactText(withoutSecrets(text, secrets));
}

/** Adds a header's secret value, and its credential part after a scheme (`Bearer abc` → `abc`), to the secrets to hide. */
function addSecret(secrets: string[], value: string): void {
  secrets.push(value);
  const parts = value.trim().split(/\s+/);
  if (parts.length > 1) secrets.push(...parts.slice(1).filter((part) => part.length >= 6));
}

async function httpCheck(config: IntegrationConfig, url: string, index: number, context: CheckContext, base: Base, started: Started, secrets: string[]): Promise<Evaluation> {
  const target = new URL(url);
  const headers = new Headers();
  for (const [name, value] of Object.entries(config.headers ?? {})) {
    const resolved = resolveSecret(value, `triggers.integrations[${index}].headers.${name}`, context.plan.dir, context.env);
    if (parseSecretRef(value).kind !== 'inline' || isSecretName(name)) addSecret(secrets, resolved);
    headers.set(name, resolved);
  }
  // fetch refuses URLs with credentials: send them as basic authentication, as a browser would.
  if (target.username !== '' || target.password !== '') {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    if (password !== '') secrets.push(password, target.password);
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    secrets.push(basic);
    if (!headers.has('authorization')) headers.set('authorization', `Basic ${basic}`);
    target.username = '';
    target.password = '';
  }
  const shownUrl = hide(target.toString(), secrets);
  const timeoutMs = spanMs(config.timeout);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
  const evidence: Record<string, unknown> = { url: shownUrl, method: config.method, status: null, latencyMs: null, body: null };
  const t0 = performance.now();
  let status: number;
  let body: string;
  let latencyMs: number;
  try {
    const response = await fetch(target, { method: config.method, headers, signal, redirect: 'follow' });
    status = response.status;
    body = await readBody(response);
    latencyMs = Math.round(performance.now() - t0);
    if (response.redirected) evidence.redirectedTo = hide(stripCredentials(response.url), secrets);
  } catch (error) {
    latencyMs = Math.round(performance.now() - t0);
    if (context.signal?.aborted) throw new CutoverError('aborted', `the check of ${shownUrl} was interrupted`, { cause: context.signal.reason });
    evidence.latencyMs = latencyMs;
    if (timeout.aborted) {
      evidence.error = 'timeout';
      return finish(base, started, { status: 'fired', measured: `no answer in ${latencyMs} ms`, reason: `no answer within ${formatSpan(timeoutMs)}: the integration counts as down`, evidence });
    }
    const failure = connectionFailure(error, target);
    evidence.error = failure.code;
    return finish(base, started, { status: 'fired', measured: failure.summary, reason: hide(failure.reason, secrets), evidence });
  }
  const shownBody = hide(body, secrets);
  Object.assign(evidence, { status, latencyMs, body: shownBody.slice(0, BODY_EXCERPT) });
  const expected = Array.isArray(config.status) ? config.status : [config.status];
  const wrong: string[] = [];
  if (!expected.includes(status)) wrong.push(`status ${status}, expected ${expected.join(' or ')}`);
  if (config.maxLatency !== undefined && latencyMs > spanMs(config.maxLatency)) wrong.push(`answered in ${latencyMs} ms, more than the ${spanMs(config.maxLatency)} ms allowed`);
  if (config.body !== undefined && !new RegExp(config.body).test(body)) wrong.push(`the body does not match /${config.body}/`);
  const measured = `${status} in ${latencyMs} ms`;
  if (wrong.length === 0) return finish(base, started, { status: 'ok', measured, evidence });
  return finish(base, started, { status: 'fired', measured, reason: wrong.join('; '), evidence });
}

/** The body as text, at most {@link BODY_LIMIT} bytes of it. */
async function readBody(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    text += decoder.decode(value, { stream: true });
    if (bytes >= BODY_LIMIT) {
      await reader.cancel();
      break;
    }
  }
  return text + decoder.decode();
}

function stripCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Why a request got no answer: the first error code in the cause chain (and in aggregated errors). */
function connectionFailure(error: unknown, target: URL): { code: string; summary: string; reason: string } {
  const code = errorCode(error, new Set()) ?? 'failed';
  const where = target.host;
  const known: Record<string, [string, string]> = {
    ECONNREFUSED: ['connection refused', `connection refused by ${where}: nothing answers there`],
    ENOTFOUND: ['host not found', `the host ${target.hostname} was not found`],
    EAI_AGAIN: ['host not found', `the host ${target.hostname} could not be resolved`],
    ECONNRESET: ['connection reset', `${where} closed the connection without an answer`],
    UND_ERR_SOCKET: ['connection closed', `${where} closed the connection without an answer`],
    ETIMEDOUT: ['connection timed out', `connecting to ${where} timed out`],
    UND_ERR_CONNECT_TIMEOUT: ['connection timed out', `connecting to ${where} timed out`],
    EHOSTUNREACH: ['host unreachable', `${where} is unreachable`],
    ENETUNREACH: ['network unreachable', `the network of ${where} is unreachable`],
  };
  const entry = known[code];
  if (entry) return { code, summary: entry[0], reason: entry[1] };
  const message = innermostMessage(error);
  if (/CERT|SSL|TLS/i.test(code)) return { code, summary: 'TLS failed', reason: `the TLS connection to ${where} failed: ${message}` };
  return { code, summary: 'connection failed', reason: `the request to ${where} failed: ${message}` };
}

function errorCode(error: unknown, seen: Set<unknown>): string | undefined {
  if (typeof error !== 'object' || error === null || seen.has(error)) return undefined;
  seen.add(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  for (const inner of (error as { errors?: unknown[] }).errors ?? []) {
    const found = errorCode(inner, seen);
    if (found) return found;
  }
  return errorCode((error as { cause?: unknown }).cause, seen);
}

function innermostMessage(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/** A span for people: `200 ms`, `10 s`, `5 min`, `2 h`. */
function formatSpan(ms: number): string {
  const trim = (n: number): string => String(Math.round(n * 100) / 100);
  if (ms < 1_000) return `${trim(ms)} ms`;
  if (ms < 60_000) return `${trim(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

async function errorRateCheck(config: IntegrationConfig, index: number, context: CheckContext, base: Base, started: Started): Promise<Evaluation> {
  const rate = config.errorRate as NonNullable<IntegrationConfig['errorRate']>;
  const connector = await context.system(rate.system);
  const description = await connector.describe(context.signal ? { signal: context.signal } : {});
  const object = description.objects.find((candidate) => candidate.name === rate.object);
  if (!object) {
    const names = description.objects.map((candidate) => candidate.name);
    throw new CutoverError('schema.object_missing', `${rate.system} has no object "${rate.object}" (objects: ${names.length > 0 ? names.join(', ') : 'none'})`);
  }
  if (object.unsupported) throw new CutoverError('schema.unsupported', `${rate.system}.${rate.object} cannot be read: ${object.unsupported}`);
  const atField = object.fields.find((field) => field.name === rate.at);
  if (!atField) throw new CutoverError('schema.field_missing', `${rate.object} has no field "${rate.at}" (fields: ${object.fields.map((field) => field.name).join(', ')})`);
  if (!TIME_TYPES.has(atField.type)) throw new CutoverError('schema.unsupported', `${rate.object}.${rate.at} is ${atField.type}; the at field must hold dates or date-times`);

  const problems: MappingProblem[] = [];
  const reads = new Set<string>();
  const isError = compileCondition(rate.error, object, ['triggers', 'integrations', index, 'errorRate', 'error'], problems, reads);
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) {
    throw new CutoverError('plan.invalid', errors.map((problem) => `${dottedPath(problem.path)}: ${problem.message}`).join('; '));
  }

  const to = context.now.getTime();
  const from = to - spanMs(rate.window);
  // `since` filters by the modified-at field: use it only when that is the entry time.
  const since = description.capabilities.incrementalRead && object.modifiedAtField === rate.at ? { since: new Date(from) } : {};
  const signal = context.signal ? { signal: context.signal } : {};
  let entries = 0;
  let failures = 0;
  let undated = 0;
  const samples: Array<{ id: string; t: number }> = [];
  for await (const batch of connector.read(rate.object, { fields: [...new Set([rate.at, ...reads])], includeDeleted: false, ...since, ...signal })) {
    for (const record of batch.records) {
      const t = timeOf(record.values[rate.at]);
      if (t === null) {
        undated += 1;
        continue;
      }
      if (t < from || t > to) continue;
      entries += 1;
      if (!isError(record)) continue;
      failures += 1;
      samples.push({ id: record.id, t });
      // Keep the newest errors: they say most about now.
      if (samples.length > ERROR_SAMPLES) {
        samples.sort((a, b) => b.t - a.t);
        samples.pop();
      }
    }
  }
  samples.sort((a, b) => b.t - a.t);
  const evidence: Record<string, unknown> = {
    system: rate.system,
    object: rate.object,
    window: rate.window,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    entries,
    errors: failures,
    sampleErrorIds: samples.map((sample) => sample.id),
  };
  if (undated > 0) evidence.undated = undated;
  if (entries < rate.minEntries) {
    const fewer = rate.minEntries > 1 ? `, fewer than ${rate.minEntries}` : '';
    return finish(base, started, { status: 'unknown', measured: null, reason: `only ${entries} ${entries === 1 ? 'entry' : 'entries'} in the last ${rate.window}${fewer}: too little traffic to tell`, evidence });
  }
  const maxPercent = Number(rate.max.slice(0, -1));
  const measured = `${formatPercent(failures, entries)} (${failures} of ${entries})`;
  // Compared in whole numbers, so 2 of 40 is not above 5% by a rounding error.
  if (failures * 100 > maxPercent * entries) {
    return finish(base, started, { status: 'fired', measured, reason: `${formatPercent(failures, entries)} of the ${entries} entries in the last ${rate.window} are errors, more than ${rate.max}`, evidence });
  }
  return finish(base, started, { status: 'ok', measured, evidence });
}

/** Milliseconds since the epoch of an entry time, or null when it has none or is not a date. */
function timeOf(value: Value | undefined): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    return Date.parse(canonicalDatetime(value));
  } catch {
    return null;
  }
}

function formatPercent(part: number, whole: number): string {
  if (whole === 0 || part === 0) return '0%';
  const percent = (part * 100) / whole;
  const shown = Math.round(percent * 100) / 100;
  return shown === 0 ? '< 0.01%' : `${shown}%`;
}

function dottedPath(path: ReadonlyArray<string | number>): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`)).join('');
}
