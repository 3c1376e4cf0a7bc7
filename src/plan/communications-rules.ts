/**
 * Rules of the `communications` section that span settings: routes name
 * audiences that exist, audiences name chat channels that exist and have a
 * way to reach their email addresses, and secrets are references.
 */
import type { Communications } from './communications-schema.js';
import type { PlanProblem } from './plan-issues.js';
import { parseSecretRef } from './secrets.js';

/** Problems of the section, and warnings for what works but should change. Pure. */
export function communicationsRules(section: Communications | undefined, warnings: string[]): PlanProblem[] {
  if (!section) return [];
  const problems: PlanProblem[] = [];
  const at = 'communications';
  const audiences = Object.keys(section.audiences);
  const channels = Object.keys(section.chat);
  for (const [name, audience] of Object.entries(section.audiences)) {
    if (audience.email.length > 0 && !section.email) {
      problems.push({ path: `${at}.audiences.${name}.email`, message: `${name} has email addresses but the plan names no email server; add communications.email (host, port, from)` });
    }
    for (const chat of audience.chat) {
      if (!section.chat[chat]) problems.push({ path: `${at}.audiences.${name}.chat`, message: `no chat channel named "${chat}" in communications.chat${channels.length > 0 ? ` (channels: ${channels.join(', ')})` : ''}` });
    }
  }
  for (const [index, route] of (section.routes ?? []).entries()) {
    // The same form as the paths of schema problems (communications.routes[0].on).
    const where = `${at}.routes[${index}]`;
    for (const audience of route.to) {
      if (!section.audiences[audience]) {
        problems.push({
          path: `${where}.to`,
          message: `no audience named "${audience}" in communications.audiences${audiences.length > 0 ? ` (audiences: ${audiences.join(', ')})` : '; define it there'}`,
        });
      }
    }
    const moments = typeof route.on === 'string' ? [route.on] : route.on;
    if (route.decision && !moments.includes('decision_taken')) problems.push({ path: `${where}.decision`, message: 'decision filters the moment decision_taken only; add it to on, or remove decision' });
  }
  if (section.routes && Object.keys(section.audiences).length === 0) {
    problems.push({ path: `${at}.audiences`, message: 'routes need audiences: name at least one (team: { email: [...] })' });
  }
  if (section.email?.password !== undefined) {
    if (section.email.user === undefined) problems.push({ path: `${at}.email.user`, message: 'a password needs the login name: add user' });
    if (parseSecretRef(section.email.password).kind === 'inline') warnings.push(`${at}.email.password: the secret is written in the plan; use env:NAME or file:PATH`);
  }
  for (const [name, channel] of Object.entries(section.chat)) {
    if (parseSecretRef(channel.url).kind === 'inline') warnings.push(`${at}.chat.${name}.url: the webhook URL is a secret written in the plan; use env:NAME or file:PATH`);
  }
  return problems;
}
