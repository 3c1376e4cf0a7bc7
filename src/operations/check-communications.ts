/**
 * `cutover check` for the communications: every route names a template
 * that exists (in the project's templates folder or built in), and every
 * channel's secret can be read, so that a rollback does not find out.
 */
import { listTemplates } from '../notify/template-source.js';
import { planChannels } from '../notify/plan-channels.js';
import { effectiveCommunications, routeMoments } from '../plan/communications-schema.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import path from 'node:path';

/** What the check found. */
export interface CommunicationsCheck {
  audiences: string[];
  /** Each route as one line: `rollback_finished: internal-team → team`. */
  routes: string[];
  /** The channels messages go through: outbox, email, chat channels by name. */
  channels: string[];
  problems: string[];
}

/** Checks the plan's communications (its defaults when it has none). */
export function checkCommunications(loaded: LoadedPlan, env: NodeJS.ProcessEnv): CommunicationsCheck {
  const communications = effectiveCommunications(loaded.plan.communications);
  const templatesDir = path.resolve(loaded.dir, communications.templates);
  const templates = new Set(listTemplates(templatesDir).map((template) => template.name));
  const problems: string[] = [];
  for (const [index, route] of communications.routes.entries()) {
    if (!templates.has(route.template)) {
      problems.push(`communications.routes[${index}].template: no template "${route.template}" in ${templatesDir} nor built in (templates: ${[...templates].join(', ')})`);
    }
  }
  const channels = planChannels(communications, loaded.dir, env);
  const named = ['outbox'];
  for (const channel of [channels.email, ...channels.chat.values()]) {
    if (!channel) continue;
    named.push(channel.ok ? (channel.config.name ?? channel.config.kind) : channel.name);
    if (!channel.ok) problems.push(channel.reason);
  }
  return {
    audiences: Object.keys(communications.audiences),
    routes: communications.routes.map((route) => `${routeMoments(route).join(', ')}: ${route.template} → ${route.to.join(', ')}`),
    channels: named,
    problems,
  };
}
