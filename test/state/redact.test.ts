import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { planSchema, secretRegistry } from '../../src/plan/plan-schema.js';
import { isSecretName, redactArgs, redactText, redactValue } from '../../src/state/index.js';

describe('redactArgs', () => {
  it.each([
    [['--password', 'hunter2'], ['--password', '***']],
    [['--password=hunter2'], ['--password=***']],
    [['postgres://u:hunter2@h/db'], ['postgres://u:***@h/db']],
    [['--token', 'abc'], ['--token', '***']],
    [['--secret', 's3', '--key', 'k3y', '--api-key', 'a1', '--db-password', 'p'], ['--secret', '***', '--key', '***', '--api-key', '***', '--db-password', '***']],
    [['--client-secret=x', '--access-token=y'], ['--client-secret=***', '--access-token=***']],
    [['--to=mysql://root:pa:ss@localhost:3306/crm'], ['--to=mysql://root:***@localhost:3306/crm']],
    [['--url', 'postgres://u:p@ss@h/db?sslmode=require'], ['--url', 'postgres://u:***@h/db?sslmode=require']],
    [['postgres://h/db?user=u&password=pw'], ['postgres://h/db?user=u&password=***']],
    [['systems.legacy.password=pw', 'PGPASSWORD=pw'], ['systems.legacy.password=***', 'PGPASSWORD=***']],
    [['--password=p w(x)&y;z', 'PGPASSWORD=a"b'], ['--password=***', 'PGPASSWORD=***']],
  ])('%j → %j', (args, expected) => {
    expect(redactArgs(args)).toEqual(expected);
  });

  it('keeps what is not a secret', () => {
    const args = ['backup', 'legacy', '--key-file', './backup.key', '--plan', 'cutover.yaml', '--json', 'postgres://u@h:5432/db', 'sqlite:./crm.db', '--no-password', '--keyboard', 'us', 'where=id=5'];
    expect(redactArgs(args)).toEqual(args);
  });

  it('keeps secret references: they say which secret, not what it is', () => {
    expect(redactArgs(['--password', 'env:PGPASSWORD', '--key=file:./backup.key'])).toEqual(['--password', 'env:PGPASSWORD', '--key=file:./backup.key']);
  });

  it('redacts token-shaped values anywhere', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';
    expect(redactArgs(['--header', `Authorization: Bearer ${jwt}`])).toEqual(['--header', 'Authorization: ***']);
    expect(redactArgs([jwt, 'pat-na1-11111111-2222-3333-4444-555555555555', 'https://hooks.slack.com/services/T000/B000/XXXXXXXX'])).toEqual([
      '***',
      '***',
      'https://hooks.slack.com/services/***',
    ]);
  });

  it('does not change its input', () => {
    const args = ['--password', 'hunter2'];
    redactArgs(args);
    expect(args).toEqual(['--password', 'hunter2']);
  });
});

describe('redactText', () => {
  it('hides URL passwords and secret assignments in messages', () => {
    expect(redactText('connect ECONNREFUSED postgres://crm:hunter2@db:5432/crm (password=hunter2)')).toBe('connect ECONNREFUSED postgres://crm:***@db:5432/crm (password=***)');
    expect(redactText('{"user":"crm","password":"hun\\"ter2","port":5432}')).toBe('{"user":"crm","password":"***","port":5432}');
    expect(redactText('migrated 1,204 records; key order kept')).toBe('migrated 1,204 records; key order kept');
  });
});

describe('redactValue', () => {
  it('redacts secret keys at any depth and URL passwords in strings, returning a copy', () => {
    const value = {
      project: { name: 'crm move', owner: 'ana@example.com' },
      systems: {
        legacy: { url: 'postgres://crm:hunter2@db/crm', password: 'hunter2', profile: 'suitecrm' },
        hubspot: { url: 'https://api.hubapi.com', auth: { accessToken: 'at', refreshToken: 'rt', clientSecret: 'cs', api_key: 'ak', privateKey: 'pk' } },
      },
      backup: { storage: './backups', key: 'K3Y', retention: { keep: 3 } },
      headers: [{ Authorization: 'Bearer abc' }, { 'x-api-key': 'k' }],
      fields: { keyboard: 'qwerty', idField: 'id', primaryKey: 'id', monkey: 'banana', token_count: 4, hasPassword: true, passwordEnv: 'PGPASSWORD' },
      when: new Date('2024-01-01T00:00:00Z'),
      nothing: null,
    };
    const copy = structuredClone(value);
    expect(redactValue(value)).toEqual({
      project: { name: 'crm move', owner: 'ana@example.com' },
      systems: {
        legacy: { url: 'postgres://crm:***@db/crm', password: '***', profile: 'suitecrm' },
        hubspot: { url: 'https://api.hubapi.com', auth: { accessToken: '***', refreshToken: '***', clientSecret: '***', api_key: '***', privateKey: '***' } },
      },
      backup: { storage: './backups', key: '***', retention: { keep: 3 } },
      headers: [{ Authorization: '***' }, { 'x-api-key': '***' }],
      fields: { keyboard: 'qwerty', idField: 'id', primaryKey: 'id', monkey: 'banana', token_count: 4, hasPassword: true, passwordEnv: 'PGPASSWORD' },
      when: new Date('2024-01-01T00:00:00Z'),
      nothing: null,
    });
    expect(value).toEqual(copy);
  });

  it('replaces a whole subtree under a secret key, keeps references, and survives cycles', () => {
    const node: Record<string, unknown> = { secret: { nested: 'x' }, password: 'env:PGPASSWORD', token: 'file:./token' };
    node.self = node;
    const redacted = redactValue(node);
    expect(redacted.secret).toBe('***');
    expect(redacted.password).toBe('env:PGPASSWORD');
    expect(redacted.token).toBe('file:./token');
    expect(redacted.self).toBe(redacted);
    expect(redactValue('postgres://u:pw@h/db')).toBe('postgres://u:***@h/db');
    expect(redactValue(42)).toBe(42);
  });

  it('covers every setting the plan schema marks as secret', () => {
    const names = secretSettingNames(planSchema);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(isSecretName(name), name).toBe(true);
  });
});

/** The names of the plan's settings registered in {@link secretRegistry}, found by walking the schema. */
function secretSettingNames(schema: z.ZodType, name = '', found: string[] = []): string[] {
  if (secretRegistry.has(schema) && name) found.push(name);
  if (schema instanceof z.ZodObject) {
    for (const [key, child] of Object.entries(schema.shape as Record<string, z.ZodType>)) secretSettingNames(child, key, found);
  } else if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable || schema instanceof z.ZodDefault) {
    secretSettingNames(schema.unwrap() as z.ZodType, name, found);
  } else if (schema instanceof z.ZodRecord) {
    secretSettingNames(schema.valueType as z.ZodType, name, found);
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as z.ZodType[]) secretSettingNames(option, name, found);
  }
  return [...new Set(found)];
}
