/** The text and map rules. */
import { describe, expect, it } from 'vitest';
import { applyMap, mapKey } from '../../../src/core/mapping/transform-map.js';
import { changeCase, characterLength, concatValues, splitPart, textOf, trimText, truncateText } from '../../../src/core/mapping/transform-text.js';

describe('text rules', () => {
  it('concat joins non-empty values with the separator, null when there are none', () => {
    expect(concatValues(['Ada', null, '', '  ', 'Lovelace'], ' ')).toBe('Ada Lovelace');
    expect(concatValues([12, true, '3.50'], '/')).toBe('12/true/3.50');
    expect(concatValues([null, ''], ' ')).toBeNull();
    expect(() => concatValues([new Uint8Array([1])], ' ')).toThrow('binary values have no text');
  });

  it('split takes a part by index, from the end when negative, ignoring empty parts; rest keeps the tail', () => {
    expect(splitPart('Mary  Ann Smith', ' ', 0)).toBe('Mary');
    expect(splitPart('Mary  Ann Smith', ' ', -1)).toBe('Smith');
    expect(splitPart('Mary Ann Smith', ' ', 1, true)).toBe('Ann Smith');
    expect(splitPart('Smith', ' ', 1)).toBeNull();
    expect(splitPart('Smith', ' ', -2)).toBeNull();
    expect(splitPart('a;b;c', ';', 2)).toBe('c');
  });

  it('trim removes surrounding white space and turns empty text into null', () => {
    expect(trimText('  x y \n')).toBe('x y');
    expect(trimText(' \t ')).toBeNull();
  });

  it('case makes text upper, lower or title case, also past accents and hyphens', () => {
    expect(changeCase('émile zola', 'upper')).toBe('ÉMILE ZOLA');
    expect(changeCase('ÉMILE Zola', 'lower')).toBe('émile zola');
    expect(changeCase("jean-PIERRE o'neil van der berg", 'title')).toBe("Jean-Pierre O'Neil Van Der Berg");
    expect(changeCase('łukasz ŻUK', 'title')).toBe('Łukasz Żuk');
  });

  it('counts and cuts characters, not UTF-16 units', () => {
    expect(characterLength('a😀b')).toBe(3);
    expect(truncateText('a😀bc', 2)).toBe('a😀');
    expect(truncateText('short', 10)).toBe('short');
  });

  it('gives text of numbers and booleans as written', () => {
    expect(textOf(5)).toBe('5');
    expect(textOf(false)).toBe('false');
    expect(textOf(null)).toBeNull();
  });
});

describe('map rule', () => {
  const stages = { prospecting: 'Prospecting', closed_won: 'Closed Won', '1': 'One', true: 'Yes' };

  it('maps by the value as text, including numbers and booleans', () => {
    expect(applyMap('closed_won', stages)).toEqual({ ok: true, value: 'Closed Won' });
    expect(applyMap(1, stages)).toEqual({ ok: true, value: 'One' });
    expect(applyMap(true, stages)).toEqual({ ok: true, value: 'Yes' });
    expect(mapKey(2.5)).toBe('2.5');
  });

  it('uses otherwise for values the map does not list, and fails without it, naming the value', () => {
    expect(applyMap('lost', stages, { value: 'Closed Lost' })).toEqual({ ok: true, value: 'Closed Lost' });
    expect(applyMap('lost', stages, { value: null })).toEqual({ ok: true, value: null });
    expect(applyMap('lost', stages)).toEqual({ ok: false, message: 'no mapping for the value "lost" (add it to map, or give otherwise)' });
    expect(applyMap('toString', stages)).toMatchObject({ ok: false });
  });

  it('leaves null alone and refuses binary data', () => {
    expect(applyMap(null, stages)).toEqual({ ok: true, value: null });
    expect(applyMap(new Uint8Array([1]), stages)).toEqual({ ok: false, message: 'binary values cannot be mapped' });
  });
});
