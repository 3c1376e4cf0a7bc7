/**
 * Telling people from a command at its moment (go-live, a trigger fired, a
 * decision): the routes' messages are sent after the command's own work is
 * recorded, and what became of them is one line on stderr. A message that
 * fails is reported and never fails the command.
 */
import { announceMoment, type MessageReport } from '../notify/index.js';
import type { Moment } from '../plan/communications-schema.js';
import type { LoadedPlan } from '../plan/load-plan.js';
import type { StateStore } from '../state/index.js';
import type { CliContext } from './context.js';

/** Sends the messages of a moment with the facts the state has now; returns their reports. */
export async function announce(context: CliContext, loaded: LoadedPlan, state: StateStore, moment: Moment, options: { system?: string; decision?: string } = {}): Promise<MessageReport[]> {
  try {
    const reports = await announceMoment(loaded, state, context.io.env, moment, options);
    if (reports.length > 0) context.note(`Messages: ${messagesLine(reports)}`);
    return reports;
  } catch (error) {
    context.note(`Messages for ${moment} could not be sent: ${error instanceof Error ? error.message : String(error)}`);
    return [];
  }
}

/** One line for a list of message reports: what went out, what waits, what failed and why. */
export function messagesLine(reports: readonly MessageReport[]): string {
  return reports
    .map((report) => {
      const failed = report.deliveries.filter((delivery) => delivery.status === 'failed');
      const status = report.status === 'awaiting_approval' ? `waits for approval (cutover notify approve ${report.id})` : report.status;
      const why = report.reason ?? failed.map((delivery) => `${delivery.channel}: ${delivery.reason ?? 'failed'}`).join(', ');
      return `${report.template} to ${report.audience} ${status}${why ? ` (${why})` : ''}`;
    })
    .join('; ');
}
