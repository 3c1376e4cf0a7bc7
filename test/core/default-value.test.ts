import { describe, expect, it } from 'vitest';
import { literalDefault } from '../../src/core/default-value.js';

describe('literalDefault', () => {
  it('reads the literals each database states, with their parentheses and casts', () => {
    expect(literalDefault('0', 'boolean')).toBe(false);
    expect(literalDefault('(1)', 'boolean')).toBe(true);
    expect(literalDefault('false', 'boolean')).toBe(false);
    expect(literalDefault("b'1'", 'boolean')).toBe(true);
    expect(literalDefault("'Open'", 'string')).toBe('Open');
    expect(literalDefault("'USD'::character varying", 'string')).toBe('USD');
    expect(literalDefault("('it''s'::text)", 'text')).toBe("it's");
    expect(literalDefault('-1', 'integer')).toBe(-1);
    expect(literalDefault("'2.50'::numeric(10,2)", 'decimal')).toBe(2.5);
    expect(literalDefault('((0))', 'integer')).toBe(0);
  });

  it('gives nothing for expressions, NULL, and literals that do not fit the type', () => {
    expect(literalDefault('CURRENT_TIMESTAMP', 'datetime')).toBeUndefined();
    expect(literalDefault("nextval('accounts_id_seq'::regclass)", 'integer')).toBeUndefined();
    expect(literalDefault('gen_random_uuid()', 'string')).toBeUndefined();
    expect(literalDefault('NULL', 'string')).toBeUndefined();
    expect(literalDefault("'maybe'", 'boolean')).toBeUndefined();
    expect(literalDefault("'abc'", 'integer')).toBeUndefined();
    expect(literalDefault(undefined, 'string')).toBeUndefined();
  });
});
