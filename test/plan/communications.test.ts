import { describe, expect, it } from 'vitest';
import { CutoverError } from '../../src/core/errors.js';
import { DEFAULT_ROUTES, effectiveCommunications } from '../../src/plan/communications-schema.js';
import { parsePlan } from '../../src/plan/load-plan.js';

const FILE = '/plans/cutover.yaml';

/** A plan with a source and a target (nothing connects to them) and the given communications section, indented under it. */
const planWith = (communications: string): string => `version: 1
project:
  name: Acme CRM move
systems:
  legacy: { role: source, url: "sqlite:./legacy.db" }
  crm: { role: target, url: "sqlite:./crm.db" }
${communications ? `communications:\n${communications}` : ''}`;

function problemsOf(text: string): readonly string[] {
  try {
    parsePlan(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(CutoverError);
    expect((error as CutoverError).code).toBe('plan.invalid');
    return (error as CutoverError).details;
  }
  throw new Error('expected the plan to be rejected');
}

const EMAIL = `  email: { host: smtp.acme.test, port: 587, from: "Migration <cutover@acme.test>", user: cutover, password: env:SMTP_PASSWORD }
`;

describe('the communications section of a plan', () => {
  it('accepts a full section and keeps what it says', () => {
    const loaded = parsePlan(
      planWith(`${EMAIL}  chat:
    team-chat: { kind: slack, url: env:SLACK_WEBHOOK }
    board: { kind: teams, url: file:./secrets/teams-url }
  audiences:
    team: { email: [team@acme.test], chat: [team-chat] }
    management: { email: [board@acme.test], chat: [board] }
    customers: { email: [customers@acme.test], requires_approval: true }
  routes:
    - { on: rollback_finished, template: internal-team, to: [team] }
    - { on: [decision_taken, rollback_failed], template: management-escalation, to: [management], decision: rollback }
  delivery: { retries: 1, timeout: 2s, backoff: 100ms }
`),
      FILE,
    );
    expect(loaded.warnings).toEqual([]);
    const section = loaded.plan.communications;
    expect(section?.email).toMatchObject({ host: 'smtp.acme.test', port: 587, starttls: 'required', user: 'cutover', password: 'env:SMTP_PASSWORD' });
    expect(section?.audiences.customers).toEqual({ email: ['customers@acme.test'], chat: [], requires_approval: true });
    expect(section?.audiences.team?.requires_approval).toBe(false);
    expect(section?.routes?.[1]).toEqual({ on: ['decision_taken', 'rollback_failed'], template: 'management-escalation', to: ['management'], decision: 'rollback' });
    expect(section?.delivery).toEqual({ retries: 1, timeout: '2s', backoff: '100ms' });
  });

  it('reports every cross-field problem at once, each with its path', () => {
    const details = problemsOf(
      planWith(`  chat:
    team-chat: { kind: slack, url: env:SLACK_WEBHOOK }
  audiences:
    team: { email: [team@acme.test], chat: [team-chat, ops-room] }
    management: { chat: [team-chat] }
  routes:
    - { on: rollback_finished, template: internal-team, to: [team, customers] }
    - { on: rollback_started, template: rollback-started, to: [management], decision: rollback }
`),
    );
    expect(details.map((detail) => detail.replace(/ \(line \d+\)/, ''))).toEqual([
      'communications.audiences.team.email: team has email addresses but the plan names no email server; add communications.email (host, port, from)',
      'communications.audiences.team.chat: no chat channel named "ops-room" in communications.chat (channels: team-chat)',
      'communications.routes[0].to: no audience named "customers" in communications.audiences (audiences: team, management)',
      'communications.routes[1].decision: decision filters the moment decision_taken only; add it to on, or remove decision',
    ]);
    // Problems in mappings carry their line; those inside lists get the line of communications: for now, as in mapping.objects.
    expect(details.map((detail) => /\(line (\d+)\)/.exec(detail)?.[1])).toEqual(['11', '11', '7', '7']);
  });

  it('reports a route to an unknown audience with the audiences there are, or none', () => {
    expect(problemsOf(planWith(`${EMAIL}  audiences:\n    team: { email: [team@acme.test] }\n  routes:\n    - { on: go_live, template: go-live, to: [team] }\n    - { on: go_live, template: go-live, to: [tema] }\n`))).toEqual([
      'communications.routes[1].to (line 7): no audience named "tema" in communications.audiences (audiences: team)',
    ]);
    expect(problemsOf(planWith(`  routes:\n    - { on: go_live, template: go-live, to: [team] }\n`)).map((detail) => detail.replace(/ \(line \d+\)/, ''))).toEqual([
      'communications.routes[0].to: no audience named "team" in communications.audiences; define it there',
      'communications.audiences: routes need audiences: name at least one (team: { email: [...] })',
    ]);
  });

  it('reports a bad moment name with the moments there are', () => {
    const details = problemsOf(planWith(`  audiences:\n    team: {}\n  routes:\n    - { on: rollback_done, template: internal-team, to: [team] }\n    - { on: [go_live, golive], template: go-live, to: [team] }\n`));
    const moments = '"go_live" or "trigger_fired" or "decision_taken" or "rollback_started" or "rollback_finished" or "rollback_failed" or "drill_finished"';
    expect(details.map((detail) => detail.replace(/ \(line \d+\)/, ''))).toEqual([
      `communications.routes[0].on: expected ${moments}`,
      `communications.routes[1].on[1]: expected ${moments}, got "golive"`,
    ]);
  });

  it('accepts decision on a route that includes decision_taken', () => {
    const loaded = parsePlan(planWith(`  audiences:\n    management: {}\n  routes:\n    - { on: [decision_taken, rollback_failed], template: management-escalation, to: [management], decision: continue }\n`), FILE);
    expect(loaded.plan.communications?.routes?.[0]?.decision).toBe('continue');
  });

  it('warns about a webhook URL or an SMTP password written in the plan, without repeating it', () => {
    const loaded = parsePlan(
      planWith(`  email: { host: smtp.acme.test, from: cutover@acme.test, user: cutover, password: "Inl1ne-pa55" }
  chat:
    team-chat: { kind: slack, url: "https://hooks.slack.com/services/T000/B000/XXXXSECRET" }
    board: { kind: teams, url: env:TEAMS_WEBHOOK }
  audiences:
    team: { chat: [team-chat, board] }
`),
      FILE,
    );
    expect(loaded.warnings).toEqual([
      'communications.email.password: the secret is written in the plan; use env:NAME or file:PATH',
      'communications.chat.team-chat.url: the webhook URL is a secret written in the plan; use env:NAME or file:PATH',
    ]);
    expect(loaded.warnings.join('\n')).not.toMatch(/XXXXSECRET|Inl1ne-pa55/);
  });

  it('wants a login name with an SMTP password', () => {
    expect(problemsOf(planWith(`  email: { host: smtp.acme.test, from: cutover@acme.test, password: env:SMTP_PASSWORD }\n`)).map((detail) => detail.replace(/ \(line \d+\)/, ''))).toEqual([
      'communications.email.user: a password needs the login name: add user',
    ]);
  });
});

describe('the communications in effect', () => {
  it('without a section: team and management through the outbox, and the default routes without customers', () => {
    const loaded = parsePlan(planWith(''), FILE);
    expect(loaded.plan.communications).toBeUndefined();
    const effective = effectiveCommunications(loaded.plan.communications);
    expect(effective.audiences).toEqual({ team: { email: [], chat: [], requires_approval: false }, management: { email: [], chat: [], requires_approval: false } });
    expect(effective.outbox).toBe('./outbox');
    expect(effective.templates).toBe('./templates');
    expect(effective.chat).toEqual({});
    expect(effective.email).toBeUndefined();
    expect(effective.delivery).toEqual({ retries: 3, timeout: '10s', backoff: '500ms' });
    expect(effective.routes).toEqual(DEFAULT_ROUTES.filter((route) => route.template !== 'customer'));
    expect(effective.routes.flatMap((route) => route.to)).not.toContain('customers');
    expect(DEFAULT_ROUTES.some((route) => route.to.includes('customers'))).toBe(true);
  });

  it('with audiences but no routes: the default routes to the audiences the plan has, customers included when it has them', () => {
    const loaded = parsePlan(planWith(`${EMAIL}  audiences:\n    team: { email: [team@acme.test] }\n    customers: { email: [all@acme.test], requires_approval: true }\n`), FILE);
    const effective = effectiveCommunications(loaded.plan.communications);
    expect(Object.keys(effective.audiences)).toEqual(['team', 'customers']);
    const finished = effective.routes.filter((route) => route.on === 'rollback_finished');
    expect(finished.map((route) => `${route.template} → ${route.to.join(',')}`)).toEqual(['internal-team → team', 'post-rollback-next-steps → team', 'customer → customers']);
    // Management is not an audience of this plan, so its routes are left out.
    expect(effective.routes.flatMap((route) => route.to)).not.toContain('management');
  });

  it('keeps the routes a plan names, and nothing else', () => {
    const loaded = parsePlan(planWith(`  audiences:\n    team: {}\n  routes:\n    - { on: go_live, template: go-live, to: [team] }\n`), FILE);
    expect(effectiveCommunications(loaded.plan.communications).routes).toEqual([{ on: 'go_live', template: 'go-live', to: ['team'] }]);
  });
});
