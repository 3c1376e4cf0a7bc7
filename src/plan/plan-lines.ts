/**
 * Line numbers of settings in plan text, for problems found after loading
 * (such as `cutover check` comparing the mapping with live systems).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { dottedPath } from './plan-issues.js';

/** Finds the line of a path in plan text; see {@link planLines}. */
export type LineFinder = (path: ReadonlyArray<string | number>) => number | undefined;

/**
 * A finder of 1-based lines in `text`: for a path like
 * `['mapping', 'objects', 0, 'fields', 'Name']`, the line of the deepest
 * part of the path the text has (the key `Name`, else the entry it should be
 * in). Undefined for an empty path or text that is not YAML.
 */
export function planLines(text: string): LineFinder {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return (path) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) break;
        const range = (pair.key as { range?: [number, number, number] }).range;
        if (range) line = counter.linePos(range[0]).line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as { range?: [number, number, number] } | undefined;
        if (!item) break;
        if (item.range) line = counter.linePos(item.range[0]).line;
        node = item;
      } else break;
    }
    return line;
  };
}

/** A plan path as people read it: `mapping.objects[0].fields.Name`. */
export function planPathText(path: ReadonlyArray<string | number>): string {
  return dottedPath(path);
}
