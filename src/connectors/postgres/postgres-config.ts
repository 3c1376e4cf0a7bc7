/** Settings of the PostgreSQL connector, from a `postgres://` URL and the plan's password. */
import { CutoverError } from '../../core/errors.js';

/** How the connection uses TLS, as libpq's `sslmode` names it. */
export type PostgresSslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

const SSL_MODES: readonly PostgresSslMode[] = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/** Where a PostgreSQL CRM lives. */
export interface PostgresConfig {
  /** Host name, IP address, or a Unix socket folder (from `?host=`). Default `localhost`. */
  host: string;
  /** Default 5432. */
  port: number;
  /** Login role. Default `postgres`. */
  user: string;
  /** Secret: never shown. From the plan's `password: env:NAME`, or the URL. */
  password?: string;
  /** Database name. Default: the user name, as libpq does. */
  database: string;
  /** Schema whose tables are the CRM. Default `public`. */
  schema: string;
  /**
   * TLS: `disable`, `allow` and `prefer` connect without TLS; `require` uses TLS
   * without checking the certificate; `verify-ca` checks the chain;
   * `verify-full` also the host name. Default `prefer`.
   */
  sslmode: PostgresSslMode;
}

/** The URL with any password replaced, for messages about the URL itself. */
function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, '$1:***@');
}

/**
 * Parses `postgres://user:password@host:port/database?sslmode=require&schema=crm`
 * (or `postgresql://…`). A password in `options.password` wins over one in
 * the URL. Throws `system.url` naming the problem, never echoing a password.
 */
export function parsePostgresUrl(url: string, options: { password?: string } = {}): PostgresConfig {
  const text = url.trim();
  const fail = (problem: string): never => {
    throw new CutoverError('system.url', `"${redactUrl(text)}" is not a PostgreSQL URL: ${problem}.`, {
      hints: ['write it as postgres://user@host:5432/database (give the password in the plan as password: env:NAME)'],
    });
  };
  if (!/^postgres(ql)?:\/\//i.test(text)) fail('it must start with postgres:// or postgresql://');
  let parsed: URL;
  try {
    // WHATWG URL only parses host and port of "special" schemes reliably; http stands in.
    // `postgres:///db?host=/socket/dir` has no host; http would read "db" as one.
    parsed = new URL(text.replace(/^postgres(ql)?:\/\/\//i, 'http://localhost/').replace(/^postgres(ql)?:/i, 'http:'));
  } catch {
    return fail('it cannot be parsed');
  }
  const params = parsed.searchParams;
  const decode = (part: string): string => {
    try {
      return decodeURIComponent(part);
    } catch {
      return fail('it has a malformed %-escape');
    }
  };
  const user = decode(parsed.username) || params.get('user') || 'postgres';
  const host = params.get('host') ?? (parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost');
  const portText = params.get('port') ?? parsed.port;
  const port = portText ? Number(portText) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`port "${portText}" is not a port number`);
  const database = decode(parsed.pathname.replace(/^\//, '')) || user;
  if (database.includes('/')) fail('the database name cannot contain "/"');
  const sslmode = (params.get('sslmode') ?? 'prefer').toLowerCase();
  if (!SSL_MODES.includes(sslmode as PostgresSslMode)) fail(`sslmode "${sslmode}" is not one of ${SSL_MODES.join(', ')}`);
  const config: PostgresConfig = {
    host,
    port,
    user,
    database,
    schema: params.get('schema') || params.get('currentSchema') || 'public',
    sslmode: sslmode as PostgresSslMode,
  };
  const password = options.password ?? (parsed.password ? decode(parsed.password) : undefined);
  if (password !== undefined) config.password = password;
  return config;
}

/** The connection as a URL without its password, for messages, logs and reports. */
export function postgresDisplayName(config: PostgresConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const socket = config.host.startsWith('/');
  const params = new URLSearchParams();
  if (socket) params.set('host', config.host);
  if (config.schema !== 'public') params.set('schema', config.schema);
  if (config.sslmode !== 'prefer') params.set('sslmode', config.sslmode);
  const query = params.toString();
  const authority = `${encodeURIComponent(config.user)}@${socket ? '' : `${host}:${config.port}`}`;
  return `postgres://${authority}/${encodeURIComponent(config.database)}${query ? `?${query}` : ''}`;
}
