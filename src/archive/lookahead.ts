/**
 * Loading chunks ahead of their consumer: file reads and decompression run on
 * libuv's thread pool, so while the caller parses or hashes one chunk the
 * next ones are already being read and inflated.
 */
import { throwIfAborted } from '../core/errors.js';

/** The outcome of loading one item, in item order. */
export type Loaded<T, R> = { item: T; index: number; ok: true; value: R } | { item: T; index: number; ok: false; error: unknown };

/**
 * Loads items in order with up to `depth` loads in flight, yielding each
 * outcome in order. Stopping early leaves no unhandled rejection behind.
 */
export async function* loadAhead<T, R>(items: readonly T[], load: (item: T) => Promise<R>, depth: number, signal?: AbortSignal, what = 'Reading the backup'): AsyncGenerator<Loaded<T, R>> {
  const started: Array<Promise<Loaded<T, R>> | undefined> = [];
  const start = (index: number): void => {
    const item = items[index] as T;
    const promise = load(item).then(
      (value): Loaded<T, R> => ({ item, index, ok: true, value }),
      (error: unknown): Loaded<T, R> => ({ item, index, ok: false, error }),
    );
    started.push(promise);
  };
  let next = 0;
  for (let index = 0; index < items.length; index += 1) {
    throwIfAborted(signal, what);
    while (next < items.length && next <= index + depth - 1) start(next++);
    const outcome = await (started[index] as Promise<Loaded<T, R>>);
    started[index] = undefined;
    yield outcome;
  }
}
