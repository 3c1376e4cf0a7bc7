/** The demo plan's mapping: clean against the two demo databases, and every generated legacy record transforms. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileMapping, matchUsers, type CompiledMapping, type TransformContext } from '../../../src/core/mapping/index.js';
import { demoFallbackUser } from '../../../src/operations/plan-templates.js';
import { openDemo, readAll, type DemoSystems } from './demo-systems.js';

/** An 18-character id, as Salesforce's, for a migrated source record. */
const targetIdOf = (object: string, id: string): string => `a${object.slice(0, 4)}${id.padStart(13, '0')}`;

describe('the demo mapping', () => {
  let demo: DemoSystems;
  let mapping: CompiledMapping;

  beforeAll(async () => {
    // The size `cutover init --demo` makes by default: the legacy CRM then has users the target lacks.
    // CUTOVER_TEST_DEMO_RECORDS / _SEED try other demos (20,000 records and seeds 1-3 were tried when this was written).
    demo = await openDemo(Number(process.env.CUTOVER_TEST_DEMO_RECORDS ?? 2000), Number(process.env.CUTOVER_TEST_DEMO_SEED ?? 7));
    const compiled = compileMapping(demo.loaded.plan.mapping!, demo.source, demo.target, { source: 'legacy', target: 'salesforce' });
    expect(compiled.problems).toEqual([]);
    mapping = compiled.mapping!;
  });
  afterAll(async () => demo?.cleanup());

  it('compiles with no problem and orders parents first', () => {
    expect(mapping.objects.map((object) => `${object.source}→${object.target}`)).toEqual([
      'accounts→Account',
      'contacts→Contact',
      'opportunities→Opportunity',
      'leads→Lead',
      'activities→Task',
      'notes→Note',
    ]);
    expect(mapping.users).toEqual({ by: 'email', table: {}, fallback: demoFallbackUser(demo.seed) });
    const users = matchUsers(mapping.users, demo.sourceUsers, demo.targetUsers);
    expect(users.problems).toEqual([]);
    expect(users.targets.size).toBe(demo.targetUsers.length);
    expect(demo.targetUsers.find((user) => user.id === mapping.users.fallback)).toMatchObject({ active: true });
  });

  it('transforms every generated legacy record without an error', async () => {
    const users = matchUsers(mapping.users, demo.sourceUsers, demo.targetUsers);
    const asked: string[] = [];
    const context: TransformContext = {
      targetIdOf: (object, id) => {
        asked.push(object);
        return targetIdOf(object, id);
      },
      failed: () => false,
      userOf: users.userOf,
    };
    const counts: Record<string, number> = {};
    const errors: string[] = [];
    for (const object of mapping.objects) {
      // Soft-deleted records too: the migration skips them, but they must map as well as the others.
      for await (const batch of demo.legacy.read(object.source, { fields: object.sourceFields })) {
        for (const record of batch.records) {
          expect(object.accepts(record)).toBe(true);
          const result = object.transform(record, context);
          counts[object.source] = (counts[object.source] ?? 0) + 1;
          if (!result.ok) errors.push(...result.errors.map((error) => `${object.source} ${record.id} ${error.field} (${error.rule}): ${error.message}`));
          else expect(result.deferred).toEqual([]);
        }
      }
      expect(counts[object.source]).toBe(await demo.legacy.count(object.source));
    }
    expect(errors).toEqual([]);
    expect(Object.keys(counts).sort()).toEqual(['accounts', 'activities', 'contacts', 'leads', 'notes', 'opportunities']);
    expect(new Set(asked)).toEqual(new Set(['accounts', 'contacts', 'leads', 'opportunities']));
  });

  it('writes what the plan says, in the target types', async () => {
    const users = matchUsers(mapping.users, demo.sourceUsers, demo.targetUsers);
    const context: TransformContext = { targetIdOf, failed: () => false, userOf: users.userOf };
    const opportunities = mapping.objects.find((object) => object.source === 'opportunities')!;
    const won = (await readAll(demo.legacy, 'opportunities')).find((record) => record.values.stage === 'closed_won')!;
    const result = opportunities.transform(won, context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.values).toMatchObject({
      StageName: 'Closed Won',
      IsClosed: true,
      IsWon: true,
      ForecastCategoryName: 'Closed',
      AccountId: targetIdOf('accounts', String(won.values.account_id)),
      OwnerId: users.userOf(String(won.values.owner_id)) ?? mapping.users.fallback,
      CloseDate: won.values.close_date,
      CreatedDate: won.values.created_at,
    });
    expect(typeof result.values.Probability).toBe('string');
    const tasks = mapping.objects.find((object) => object.source === 'activities')!;
    const call = (await readAll(demo.legacy, 'activities')).find((record) => record.values.type === 'call' && record.values.duration_minutes !== null)!;
    const task = tasks.transform(call, context);
    expect(task.ok && task.values.CallDurationInSeconds).toBe((call.values.duration_minutes as number) * 60);
    expect(task.ok && task.values.TaskSubtype).toBe('Call');
  });
});
