/** Matching the demo's legacy users to its Salesforce users: email, table, fallback, and what is checked of them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchUsers, userMappingRule } from '../../../src/core/mapping/index.js';
import { openDemo, type DemoSystems } from './demo-systems.js';

let demo: DemoSystems;
beforeAll(async () => {
  // At 2,000 records the legacy CRM has 10 users and the demo target only its first 8.
  demo = await openDemo(2000, 11);
});
afterAll(async () => demo?.cleanup());

describe('matchUsers', () => {
  it('matches by email, case-insensitively, and says which source users have no target user', () => {
    expect(demo.sourceUsers).toHaveLength(10);
    const shouting = demo.targetUsers.map((user) => ({ ...user, email: ` ${user.email?.toUpperCase()} ` }));
    const match = matchUsers(userMappingRule({}), demo.sourceUsers, shouting);
    expect(match.targets.size).toBe(8);
    expect(match.unmatched).toEqual(['9', '10']);
    for (const [source, target] of match.targets) {
      const email = demo.sourceUsers.find((user) => user.id === source)?.email;
      expect(demo.targetUsers.find((user) => user.id === target)?.email).toBe(email);
    }
    expect(match.problems).toEqual([
      {
        severity: 'warning',
        path: ['mapping', 'users'],
        message: '2 of 10 source users have no target user (9, 10); records they own fail on their user fields',
        hint: 'add them to mapping.users.table, create them in the target, or set mapping.users.fallback',
      },
    ]);
    expect(match.userOf('9')).toBeUndefined();
  });

  it('lets the table win over email, and checks its ids and the fallback', () => {
    const [first, second] = demo.targetUsers;
    const rule = userMappingRule({ table: { '1': second!.id, '9': first!.id, '77': first!.id, '10': 'nobody' }, fallback: 'ghost' });
    const match = matchUsers(rule, demo.sourceUsers, demo.targetUsers);
    expect(match.userOf('1')).toBe(second!.id);
    expect(match.userOf('9')).toBe(first!.id);
    expect(match.problems).toEqual([
      { severity: 'error', path: ['mapping', 'users', 'table', '10'], message: 'the target has no user with id "nobody"' },
      { severity: 'warning', path: ['mapping', 'users', 'table', '77'], message: 'the source has no user with id "77", so this entry is never used' },
      { severity: 'error', path: ['mapping', 'users', 'fallback'], message: 'the target has no user with id "ghost"' },
    ]);
  });

  it('uses only the table when by is table, and is quiet about unmatched users when there is a fallback', () => {
    const match = matchUsers(userMappingRule({ by: 'table', table: { '2': demo.targetUsers[0]!.id }, fallback: demo.targetUsers[1]!.id }), demo.sourceUsers, demo.targetUsers);
    expect([...match.targets.keys()]).toEqual(['2']);
    expect(match.unmatched).toHaveLength(9);
    expect(match.problems).toEqual([]);
  });

  it('prefers an active target user when several share an email', () => {
    const source = [{ id: 's1', email: 'a@x.example' }];
    const target = [
      { id: 't1', email: 'A@x.example', active: false },
      { id: 't2', email: 'a@x.example', active: true },
    ];
    expect(matchUsers(userMappingRule({}), source, target).userOf('s1')).toBe('t2');
  });
});
