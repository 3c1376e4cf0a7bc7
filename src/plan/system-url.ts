/** Connection URLs of systems: which connector a URL needs, and systems named by URL. */
import { CutoverError } from '../core/errors.js';

/** The connectors that exist. */
export type ConnectorKind = 'sqlite' | 'postgres' | 'mysql';

const SCHEMES: Record<string, ConnectorKind> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mysql',
};

/** Whether text looks like a URL rather than a system name. */
export function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(text);
}

/** The connector a URL needs; a clear error for an unknown scheme. */
export function connectorKindOf(url: string): ConnectorKind {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url.trim())?.[1]?.toLowerCase();
  if (!scheme) {
    throw new CutoverError('system.url', `"${url}" is not a URL.`, {
      hints: ['write sqlite:./crm.db, postgres://user@host:5432/db or mysql://user@host:3306/db'],
    });
  }
  const kind = SCHEMES[scheme];
  if (!kind) {
    throw new CutoverError('system.url', `unknown URL scheme "${scheme}:" in "${url.replace(/\/\/[^@/]*@/, '//…@')}".`, {
      hints: ['cutover connects to sqlite:, postgres:// (postgresql://) and mysql:// (mariadb://) systems'],
    });
  }
  return kind;
}
