import { describe, expect, it } from 'vitest';
import { mysqlDisplayName, parseMysqlUrl } from '../../../src/connectors/mysql/mysql-config.js';
import { CutoverError } from '../../../src/core/errors.js';

function thrown(fn: () => unknown): CutoverError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CutoverError) return error;
    throw error;
  }
  throw new Error('expected a CutoverError');
}

describe('mysql config', () => {
  it('parses mysql:// and mariadb:// URLs with defaults', () => {
    expect(parseMysqlUrl('mysql://crm@db.example.com/sales')).toEqual({
      scheme: 'mysql',
      host: 'db.example.com',
      port: 3306,
      user: 'crm',
      database: 'sales',
      ssl: 'off',
    });
    expect(parseMysqlUrl('mariadb://crm:p%40ss@127.0.0.1:3307/sales?ssl=true')).toMatchObject({
      scheme: 'mariadb',
      port: 3307,
      password: 'p@ss',
      ssl: 'verify',
    });
    expect(parseMysqlUrl('mysql://crm@h/sales?ssl=skip-verify').ssl).toBe('no-verify');
  });

  it('lets the plan password win over the URL one', () => {
    expect(parseMysqlUrl('mysql://crm:from-url@h/sales', { password: 'from-env' }).password).toBe('from-env');
  });

  it('refuses a URL without a database, with a hint and without the password', () => {
    const error = thrown(() => parseMysqlUrl('mysql://crm:Sup3r-Secret@db:3306/'));
    expect(error.code).toBe('system.url');
    expect(error.message).toContain('names no database');
    expect(error.message).not.toContain('Sup3r-Secret');
    expect(error.hints[0]).toContain('mysql://crm@db:3306/crm');
  });

  it('refuses unknown options and bad ssl values, all at once', () => {
    const error = thrown(() => parseMysqlUrl('mysql://crm@db/sales?ssl=maybe&pool=3'));
    expect(error.code).toBe('system.url');
    expect(error.details).toHaveLength(2);
  });

  it('shows the URL without the password', () => {
    const config = parseMysqlUrl('mysql://crm:Sup3r-Secret@db:3306/sales?ssl=true');
    expect(mysqlDisplayName(config)).toBe('mysql://crm@db:3306/sales?ssl=true');
    expect(mysqlDisplayName(config)).not.toContain('Sup3r');
  });
});
