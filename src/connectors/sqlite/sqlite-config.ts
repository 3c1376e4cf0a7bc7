/** Settings of the SQLite connector, from a `sqlite:` URL or a plan's system entry. */
import path from 'node:path';
import { CutoverError } from '../../core/errors.js';

/** Where a SQLite CRM lives. */
export interface SqliteConfig {
  /** Absolute path of the database file, or `:memory:`. */
  file: string;
  /** Open without write access. */
  readonly: boolean;
}

/**
 * Parses `sqlite:./crm.db`, `sqlite:crm.db`, `sqlite:///abs/crm.db` or
 * `sqlite::memory:`. Relative paths are resolved against `baseDir` (the plan's
 * folder, or the working directory for a URL typed on the command line).
 */
export function parseSqliteUrl(url: string, baseDir: string): SqliteConfig {
  const match = /^sqlite3?:(.*)$/i.exec(url.trim());
  let rest = match?.[1] ?? '';
  const query = rest.indexOf('?');
  const params = new URLSearchParams(query >= 0 ? rest.slice(query + 1) : '');
  if (query >= 0) rest = rest.slice(0, query);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (!rest) {
    throw new CutoverError('system.url', `"${url}" names no SQLite file.`, { hints: ['write it as sqlite:./crm.db (relative to the plan) or sqlite:///path/to/crm.db'] });
  }
  const file = rest === ':memory:' ? rest : path.resolve(baseDir, decodeURIComponent(rest));
  return { file, readonly: params.get('mode') === 'ro' || params.get('readonly') === 'true' };
}
