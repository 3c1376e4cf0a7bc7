/**
 * Redaction of secrets before anything is stored in the state file: command
 * line arguments, free text (summaries, failure messages) and object trees.
 * A secret is replaced by `***`, as {@link redactUrl} in the plan code does.
 * Secret references (`env:NAME`, `file:PATH`) name where a secret is, not the
 * secret, so they are kept: they tell a reader which secret was used.
 */

/** What a secret is replaced by. */
export const REDACTED = '***';

/** Names (lower case, without `-`, `_` and spaces) that hold a secret exactly. */
const SECRET_NAMES = new Set([
  'key',
  'encryptionkey',
  'masterkey',
  'signingkey',
  'clientkey',
  'authorization',
  'credentials',
  'pwd',
  'sessionid',
  'cookie',
  'webhook',
  'webhookurl',
]);

/** Name endings that make a name secret: password, dbPassword, PGPASSWORD, clientSecret, accessToken, refresh_token, x-api-key. */
const SECRET_ENDINGS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'privatekey', 'secretkey', 'accesskey'];

/**
 * Whether a setting, option or key of this name holds a secret. Only the
 * last dotted segment counts (`systems.legacy.password`). Deliberately
 * narrow: `keyboard`, `idField`, `primaryKey`, `tokenCount`, `keyFile` and
 * `passwordEnv` are not secrets (a key file's path is not; its contents are).
 */
export function isSecretName(name: string): boolean {
  const last = name.split('.').at(-1) ?? name;
  const normalized = last.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_NAMES.has(normalized) || SECRET_ENDINGS.some((ending) => normalized.endsWith(ending));
}

/** Whether a value is a reference to a secret (`env:NAME`, `file:PATH`) rather than a secret. */
export function isSecretReference(value: string): boolean {
  return /^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value) || /^file:\S+$/.test(value);
}

type Replacer = (match: string, ...groups: string[]) => string;

/** Patterns of secrets inside free text, applied in order. */
const TEXT_RULES: ReadonlyArray<[RegExp, string | Replacer]> = [
  // The password of a URL: postgres://u:pw@h → postgres://u:***@h (up to the last @ of the authority).
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@?#]*):[^\s/?#]*@/gi, `$1:${REDACTED}@`],
  // "password":"…" in JSON-like text.
  [/("([A-Za-z_][\w.-]*)"\s*:\s*")((?:[^"\\]|\\.)*)"/g, (match, head = '', name = '', value = '') => (secretValue(name, value) ? `${head}${REDACTED}"` : match)],
  // name=value: --password=…, ?token=…, PGPASSWORD=…, systems.crm.password=…
  [/([A-Za-z_][\w.-]*)=([^\s&,;"'()[\]{}]+)/g, (match, name = '', value = '') => (secretValue(name, value) ? `${name}=${REDACTED}` : match)],
  [/\b(authorization\s*:\s*)[^\r\n]+/gi, `$1${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/g, `Bearer ${REDACTED}`],
  // Tokens recognisable by their shape: JWTs, HubSpot private app tokens, Slack tokens and webhooks, Salesforce session ids.
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\bpat-[a-z]{2}\d-[0-9a-f-]{36}\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{8,}/g, REDACTED],
  [/(https:\/\/hooks\.slack\.com\/services\/)[^\s"']+/g, `$1${REDACTED}`],
  [/\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+/g, REDACTED],
];

function secretValue(name: string, value: string): boolean {
  return isSecretName(name) && value !== '' && value !== REDACTED && !isSecretReference(value);
}

/** Redacts secrets inside free text: URL passwords, `name=value` of secret names, authorization headers and token-shaped values. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_RULES) {
    // The function and string overloads of replace are separate; both are fine here.
    result = typeof replacement === 'string' ? result.replace(pattern, replacement) : result.replace(pattern, replacement);
  }
  return result;
}

/** Whether `--name` takes a secret; `--no-password` (a negated flag) does not. */
function isSecretOption(name: string): boolean {
  return !/^no-/i.test(name) && isSecretName(name);
}

/**
 * Redacts secrets in command-line arguments: the value after a secret option
 * (`--password hunter2` → `--password ***`; also `--token`, `--secret`,
 * `--key`, `--api-key`, `--db-password`…), `--option=value` forms, passwords
 * in URLs (`postgres://u:pw@h` → `postgres://u:***@h`) and token-shaped
 * values anywhere. `--key-file PATH` is kept: a path is not a secret.
 * Secret references (`--password env:PGPASSWORD`) are kept.
 */
export function redactArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let secretNext = false;
  for (const arg of args) {
    if (secretNext) {
      secretNext = false;
      out.push(arg === '' || isSecretReference(arg) ? arg : REDACTED);
      continue;
    }
    const option = /^--([A-Za-z][\w.-]*)$/.exec(arg);
    if (option?.[1] && isSecretOption(option[1])) {
      out.push(arg);
      secretNext = true;
      continue;
    }
    // In `--name=value` and `NAME=value` the whole rest of the argument is the value, brackets and all.
    const assignment = /^(--[A-Za-z][\w.-]*|[A-Za-z_][\w.-]*)=(.*)$/s.exec(arg);
    const [, name = '', value = ''] = assignment ?? [];
    if (assignment && isSecretOption(name.replace(/^--/, '')) && value !== '' && !isSecretReference(value)) {
      out.push(`${name}=${REDACTED}`);
      continue;
    }
    out.push(redactText(arg));
  }
  return out;
}

/**
 * Redacts an object tree, returning a copy: values under secret keys
 * (password, passwd, secret, token, apiKey, api_key, key, privateKey,
 * clientSecret, accessToken, refreshToken, authorization, and names ending in
 * password/secret/token; see {@link isSecretName}) become `***`, and every
 * string is passed through {@link redactText}. Booleans, null and secret
 * references under secret keys are kept. Plain objects and arrays are
 * copied; other objects (Date, Buffer…) are returned as they are.
 */
export function redactValue<T>(value: T): T {
  return walk(value, new WeakMap()) as T;
}

function walk(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(walk(item, seen));
    return copy;
  }
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretName(key) ? hide(item) : walk(item, seen);
  }
  return copy;
}

function hide(value: unknown): unknown {
  if (value === null || value === undefined || typeof value === 'boolean' || value === '') return value;
  if (typeof value === 'string' && isSecretReference(value)) return value;
  return REDACTED;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
