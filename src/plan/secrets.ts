/**
 * Secret references in a plan (`env:NAME`, `file:PATH`) and their
 * resolution. Resolved secrets live only in memory; `redact` hides them
 * everywhere else.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CutoverError } from '../core/errors.js';

/** A parsed secret reference. */
export type SecretRef = { kind: 'env'; name: string } | { kind: 'file'; path: string } | { kind: 'inline' };

/** Parses a secret value as written in a plan. */
export function parseSecretRef(value: string): SecretRef {
  if (/^env:[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return { kind: 'env', name: value.slice(4) };
  if (value.startsWith('file:') && value.length > 5) return { kind: 'file', path: value.slice(5) };
  return { kind: 'inline' };
}

/**
 * Reads a secret. `where` names the plan setting for messages
 * (`systems.legacy.password`); `baseDir` is the plan's folder.
 */
export function resolveSecret(value: string, where: string, baseDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const ref = parseSecretRef(value);
  switch (ref.kind) {
    case 'env': {
      const secret = env[ref.name];
      if (secret === undefined || secret === '') {
        throw new CutoverError('plan.secret', `${where}: the environment variable ${ref.name} is not set.`, {
          hints: [`set it before running cutover (export ${ref.name}=…), or point ${where} at a file with file:PATH`],
        });
      }
      return secret;
    }
    case 'file': {
      const file = path.resolve(baseDir, ref.path);
      try {
        return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (error) {
        throw new CutoverError('plan.secret', `${where}: cannot read the secret file ${file}.`, {
          hints: ['check the path (relative to the plan) and that the file is readable by the user running cutover'],
          cause: error,
        });
      }
    }
    case 'inline':
      return value;
  }
}

/** Replaces the password in a connection URL with `***`. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** Whether a connection URL carries a password. */
export function urlHasPassword(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:[^@/]+@/i.test(url);
}
