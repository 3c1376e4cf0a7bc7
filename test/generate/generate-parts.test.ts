import { describe, expect, it } from 'vitest';
import { isSalesforceId18 } from '../../src/core/ids.js';
import { Blocks } from '../../src/generate/blocks.js';
import { createContext } from '../../src/generate/context.js';
import { allocate, BUSINESS_RATIOS, defaultUsers } from '../../src/generate/counts.js';
import { salesforceIdOf, uuidId } from '../../src/generate/ids.js';
import { hash32, Rng, seedBase } from '../../src/generate/random.js';
import { logins, staffUsers } from '../../src/generate/staff.js';
import { AS_OF } from './generate-support.js';

describe('generator parts', () => {
  it('hash32 is a bijection of the index, so ids derived from it never collide', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200_000; i += 1) seen.add(hash32(12345, 678, i));
    expect(seen.size).toBe(200_000);
    expect(seedBase(1)).not.toBe(seedBase(2));
  });

  it('the PRNG is deterministic and spread', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(draws).toEqual(Array.from({ length: 1000 }, () => b.next()));
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('allocates exactly the requested records by the ratios, with an account whenever there is anything', () => {
    for (const records of [0, 1, 2, 7, 10, 999, 1000, 12_345, 1_000_000]) {
      const counts = allocate(records);
      expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(records);
      if (records > 0) expect(counts.accounts).toBeGreaterThan(0);
      if (records >= 1000) {
        for (const [kind, ratio] of Object.entries(BUSINESS_RATIOS)) expect(Math.abs(counts[kind as keyof typeof counts] / records - ratio)).toBeLessThan(0.002);
      }
    }
    expect([0, 1000, 100_000, 1_000_000].map(defaultUsers)).toEqual([8, 8, 500, 500]);
  });

  it('blocks cover every child once, in order, with uneven sizes', () => {
    for (const [parents, children] of [[10, 35], [100, 300], [300, 100], [1, 5], [5, 0]] as const) {
      const blocks = new Blocks(parents, children, 99, 7);
      let expected = 0;
      const sizes: number[] = [];
      for (let a = 0; a < parents; a += 1) {
        const [start, end] = blocks.range(a);
        expect(start).toBe(expected);
        expect(end).toBeGreaterThanOrEqual(start);
        for (let i = start; i < end; i += 1) expect(blocks.parentOf(i)).toBe(a);
        sizes.push(end - start);
        expected = end;
      }
      expect(expected).toBe(children);
      if (parents >= 10 && children > parents * 2) expect(new Set(sizes).size).toBeGreaterThan(2);
    }
  });

  it('makes unique UUIDs and valid Salesforce ids', () => {
    const uuids = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) uuids.add(uuidId(5, 6, i));
    expect(uuids.size).toBe(20_000);
    expect([...uuids][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ids = Array.from({ length: 1000 }, (_, i) => salesforceIdOf(5, '001', i));
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => id.startsWith('001') && isSalesforceId18(id))).toBe(true);
  });

  it('has users with one or two admins, inactive and locked users, and logins in time order inside the window', () => {
    const context = createContext(3, AS_OF, 0, 60);
    const admins = context.staff.filter((user) => user.isAdmin);
    expect(admins.length).toBeGreaterThanOrEqual(1);
    expect(admins.length).toBeLessThanOrEqual(2);
    expect(context.staff[0]?.isAdmin).toBe(true);
    expect(context.staff.some((user) => user.status === 'inactive')).toBe(true);
    expect(context.staff.some((user) => user.status === 'active' && user.lastLoginAt === null)).toBe(true);
    expect(new Set(context.staff.map((user) => user.email)).size).toBe(60);
    expect(new Set(context.staff.map((user) => user.username)).size).toBe(60);
    let last = -Infinity;
    let count = 0;
    for (const login of logins(context.base, context.staff, context.asOf)) {
      expect(login.at).toBeGreaterThanOrEqual(last);
      expect(login.at).toBeLessThan(context.asOf);
      expect(login.at).toBeGreaterThanOrEqual(context.asOf - 91 * 86_400_000);
      last = login.at;
      count += 1;
    }
    expect(count).toBeGreaterThan(500);
  });

  it('makes the same first users whatever the number of users', () => {
    const few = staffUsers(seedBase(9), 8, AS_OF.getTime());
    expect(few).toEqual(staffUsers(seedBase(9), 50, AS_OF.getTime()).slice(0, 8));
  });
});
