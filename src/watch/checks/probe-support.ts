/**
 * What both kinds of workflow probe share: finding the described object and
 * field a probe names, compiling a condition against it, bounding work by a
 * time limit and the watch's signal, and an error told as one line of reason.
 */
import type { FieldDescription, ObjectDescription, SystemDescription } from '../../connectors/contract.js';
import { causeChain, isCutoverError } from '../../core/errors.js';
import { compileCondition, type RecordPredicate } from '../../core/mapping/condition.js';
import type { ConditionInput } from '../../core/mapping/mapping-input.js';
import type { MappingProblem } from '../../core/mapping/mapping-types.js';
import type { CheckStatus } from '../check-types.js';

/** Most sample ids a probe keeps as evidence (records a query expectation matches, records pointing at a test record). */
export const SAMPLE_IDS = 10;

/** What a probe measured, before the evaluation's name, timing and threshold are added. */
export interface Outcome {
  status: CheckStatus;
  measured: string | null;
  reason?: string;
  evidence: Record<string, unknown>;
}

/** A condition compiled against the described object; problems make the probe unknown, warnings go to the evidence. */
export function compile(condition: ConditionInput, object: ObjectDescription, reads: Set<string>): { predicate: RecordPredicate; warnings: string[] } {
  const problems: MappingProblem[] = [];
  const predicate = compileCondition(condition, object, [], problems, reads);
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((problem) => (problem.hint ? `${problem.message} (${problem.hint})` : problem.message)).join('; '));
  return { predicate, warnings: problems.map((problem) => problem.message) };
}

/** The object `name` of the described system, or an error naming the objects there are (or why it cannot be used). */
export function objectOf(description: SystemDescription, name: string, system: string): ObjectDescription {
  const object = description.objects.find((candidate) => candidate.name === name);
  if (!object) throw new Error(`${system} has no object "${name}"; its objects: ${listed(description.objects.map((candidate) => candidate.name))}`);
  if (object.unsupported) throw new Error(`${name} in ${system} cannot be used: ${object.unsupported}`);
  return object;
}

/** The field `name` of the described object, or an error naming the fields there are. */
export function fieldOf(object: ObjectDescription, name: string): FieldDescription {
  const field = object.fields.find((candidate) => candidate.name === name);
  if (!field) throw new Error(`${object.name} has no field "${name}"; its fields: ${listed(object.fields.map((candidate) => candidate.name))}`);
  return field;
}

/** An abort signal that fires after `limitMs` or with `outer`, with a reason saying which. */
export interface Stopper {
  signal: AbortSignal;
  dispose(): void;
}

export function stopper(limitMs: number, outer: AbortSignal | undefined, what = 'the probe'): Stopper {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what === 'the probe' ? 'did not finish' : `${what} did not finish`} within ${seconds(limitMs)}`)), limitMs);
  const onAbort = (): void => controller.abort(new Error(`${what} was interrupted: the watch was stopped`));
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

/** Settles with `promise`, or rejects with the signal's reason when it aborts first (the promise runs on; its outcome is then ignored). */
export function within<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An error as one line: its message, what caused it, and the hints it carries. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const causes = causeChain(error).filter((cause) => !message.includes(cause));
  const hints = isCutoverError(error) ? error.hints : [];
  return [message, ...causes.map((cause) => `caused by: ${cause}`), ...hints.map((hint) => `hint: ${hint}`)].join('; ');
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

function listed(names: string[], most = 30): string {
  if (names.length === 0) return '(none)';
  return names.length <= most ? names.join(', ') : `${names.slice(0, most).join(', ')} and ${names.length - most} more`;
}
