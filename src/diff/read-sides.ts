/** Reading records from one or both sides of a diff, with the abort signal checked between batches. */
import type { CrmRecord } from '../connectors/contract.js';
import { isCutoverError, throwIfAborted } from '../core/errors.js';
import type { RecordSource } from './record-source.js';

/**
 * Calls `visit` for every record of one object of a source, until `visit`
 * returns `true` (then the source's iterator is closed and reading stops).
 */
export async function readEach(source: RecordSource, object: string, signal: AbortSignal | undefined, visit: (record: CrmRecord) => boolean | void): Promise<void> {
  const what = `reading ${object} from ${source.label}`;
  throwIfAborted(signal, what);
  try {
    for await (const batch of source.records(object, signal ? { signal } : {})) {
      throwIfAborted(signal, what);
      for (const record of batch) if (visit(record) === true) return;
    }
  } catch (error) {
    // A source may throw the signal's reason itself (AbortSignal.throwIfAborted): report it as an interruption.
    if (signal?.aborted && !isCutoverError(error)) throwIfAborted(signal, what);
    throw error;
  }
}

/**
 * Runs the two sides' work at once (so that two database servers answer in
 * parallel). If one side fails, the other is stopped and awaited before the
 * first failure is thrown, so nothing is still writing when the caller
 * cleans up.
 */
export async function bothSides<A, B>(
  signal: AbortSignal | undefined,
  sideA: (signal: AbortSignal) => Promise<A>,
  sideB: (signal: AbortSignal) => Promise<B>,
): Promise<[A, B]> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  const stopOnFailure = <T>(promise: Promise<T>): Promise<T> =>
    promise.catch((error: unknown) => {
      controller.abort(error);
      throw error;
    });
  try {
    const settled = await Promise.allSettled([stopOnFailure(sideA(controller.signal)), stopOnFailure(sideB(controller.signal))]);
    // The failure that came first is the cause; the other side's is usually just "interrupted".
    const failures = settled.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failures.length > 0) throw firstCause(failures.map((failure) => failure.reason as unknown), controller.signal.reason);
    return [(settled[0] as PromiseFulfilledResult<A>).value, (settled[1] as PromiseFulfilledResult<B>).value];
  } finally {
    signal?.removeEventListener('abort', forward);
  }
}

function firstCause(errors: unknown[], abortReason: unknown): unknown {
  return errors.find((error) => error === abortReason) ?? errors[0];
}
