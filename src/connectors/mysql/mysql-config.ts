/** Settings of the MySQL/MariaDB connector, from a `mysql://` or `mariadb://` URL or a plan's system entry. */
import { userInfo } from 'node:os';
import { CutoverError } from '../../core/errors.js';

/** How TLS is used: not at all, with the server's certificate verified, or encrypted without verification. */
export type MysqlSsl = 'off' | 'verify' | 'no-verify';

/** Where a MySQL or MariaDB CRM lives. */
export interface MysqlConfig {
  /** The URL's scheme, kept for messages; the server's real flavor is read from its version at open. */
  scheme: 'mysql' | 'mariadb';
  host: string;
  /** TCP port. Default 3306. */
  port: number;
  /** Login name. Default: the operating-system user, as the `mysql` client does. */
  user: string;
  /** Secret: never shown, logged or stored. From `password: env:NAME` in the plan, or the URL. */
  password?: string;
  database: string;
  /** TLS use, from `?ssl=`. Default `off`. */
  ssl: MysqlSsl;
}

const SSL_VALUES: Record<string, MysqlSsl> = {
  true: 'verify',
  '1': 'verify',
  required: 'verify',
  verify: 'verify',
  'skip-verify': 'no-verify',
  'no-verify': 'no-verify',
  insecure: 'no-verify',
  false: 'off',
  '0': 'off',
  off: 'off',
  disabled: 'off',
};

/** The URL as shown in a message: without its password or query. */
function redactedUrl(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/[^:@/]*):[^@/]*@/i, '$1:***@').replace(/\?.*$/, '');
}

function defaultUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'root';
  }
}

/**
 * Parses `mysql://user:password@host:3306/crm?ssl=true` (or `mariadb://…`).
 * A password in `options.password` (from `password: env:NAME` in the plan)
 * wins over one in the URL. A URL without a database is an error.
 */
export function parseMysqlUrl(url: string, options: { password?: string } = {}): MysqlConfig {
  const shown = redactedUrl(url.trim());
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new CutoverError('system.url', `"${shown}" is not a valid MySQL/MariaDB URL.`, {
      hints: ['write it as mysql://user@host:3306/database (or mariadb://…), with the password in the plan as password: env:NAME'],
    });
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme !== 'mysql' && scheme !== 'mariadb') {
    throw new CutoverError('system.url', `"${shown}" is not a mysql:// or mariadb:// URL.`, { hints: ['write it as mysql://user@host:3306/database'] });
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\/+/, '').replace(/\/+$/, ''));
  if (!database) {
    throw new CutoverError('system.url', `"${shown}" names no database.`, {
      hints: [`add the database after the host: ${scheme}://${parsed.username || 'user'}@${parsed.hostname || 'host'}:${parsed.port || 3306}/crm`],
    });
  }
  if (database.includes('/')) {
    throw new CutoverError('system.url', `"${shown}": "${database}" is not a database name.`, { hints: ['name one database after the host, e.g. /crm'] });
  }
  const port = parsed.port ? Number(parsed.port) : 3306;
  const problems: string[] = [];
  let ssl: MysqlSsl = 'off';
  for (const [key, value] of parsed.searchParams) {
    if (key === 'ssl' || key === 'sslmode' || key === 'ssl-mode') {
      const mode = SSL_VALUES[value.toLowerCase()];
      if (mode) ssl = mode;
      else problems.push(`ssl=${value} is not one of ${Object.keys(SSL_VALUES).join(', ')}`);
    } else {
      problems.push(`unknown option "${key}" (known: ssl)`);
    }
  }
  if (problems.length > 0) {
    throw new CutoverError('system.url', `"${shown}" has ${problems.length === 1 ? 'a bad option' : 'bad options'}.`, {
      details: problems,
      hints: ['use ?ssl=true to verify the server certificate, ?ssl=skip-verify to encrypt without verifying'],
    });
  }
  const config: MysqlConfig = {
    scheme,
    host: parsed.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port,
    user: parsed.username ? decodeURIComponent(parsed.username) : defaultUser(),
    database,
    ssl,
  };
  const password = options.password ?? (parsed.password ? decodeURIComponent(parsed.password) : undefined);
  if (password !== undefined) config.password = password;
  return config;
}

/** The system as shown in messages: its URL without the password. */
export function mysqlDisplayName(config: MysqlConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const ssl = config.ssl === 'off' ? '' : `?ssl=${config.ssl === 'verify' ? 'true' : 'skip-verify'}`;
  return `${config.scheme}://${encodeURIComponent(config.user)}@${host}:${config.port}/${encodeURIComponent(config.database)}${ssl}`;
}
