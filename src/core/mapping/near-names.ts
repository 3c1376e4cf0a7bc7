/** "Did you mean …?" for names of objects and fields written wrong in the plan. */

function distance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = previous[j] as number;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

/**
 * Names close to `name`: equal ignoring case and `_`, containing it, or a
 * few typing mistakes away (at most a third of its length); closest first,
 * at most three.
 */
export function nearNames(name: string, candidates: readonly string[]): string[] {
  const plain = (text: string): string => text.toLowerCase().replace(/_/g, '');
  const wanted = plain(name);
  const scored = candidates
    .map((candidate) => {
      const other = plain(candidate);
      const score = other === wanted ? 0 : other.includes(wanted) || wanted.includes(other) ? 1 : distance(wanted, other) + 1;
      return { candidate, score };
    })
    .filter(({ score }) => score <= Math.max(2, Math.ceil(wanted.length / 3) + 1))
    .sort((a, b) => a.score - b.score);
  return scored.slice(0, 3).map(({ candidate }) => candidate);
}

/** A hint naming the near names, else every name (shortened when there are many). */
export function nearHint(name: string, candidates: readonly string[], what: string): string {
  const near = nearNames(name, candidates);
  if (near.length > 0) return `did you mean ${near.join(' or ')}?`;
  const shown = candidates.length > 12 ? `${candidates.slice(0, 12).join(', ')} and ${candidates.length - 12} more` : candidates.join(', ');
  return `${what}: ${shown}`;
}
