/**
 * The order to migrate object mappings in: parents before children by the
 * lookups, then plan order. Cycles (and self-references) are allowed: the
 * mappings of one cycle stay together in plan order, and their lookups to
 * records not migrated yet are deferred to a second pass.
 */

/** One object mapping as the ordering sees it. */
export interface OrderNode {
  /** The source object it migrates. */
  source: string;
  /** Source objects its lookups reference. */
  references: readonly string[];
}

/** The order, and which mappings share a cycle. */
export interface MappingOrder {
  /** Indexes of the nodes, in migration order. */
  order: number[];
  /** Per node, the index of its strongly connected component (equal for mappings in one cycle). */
  component: number[];
}

/** Orders the nodes (Tarjan's strongly connected components, then a topological order of them, ties broken by plan order). */
export function orderMappings(nodes: readonly OrderNode[]): MappingOrder {
  // Edges child → parent: the mappings that migrate a referenced source object.
  const parents = nodes.map((node, i) => {
    const set = new Set<number>();
    for (const reference of node.references) {
      nodes.forEach((candidate, j) => {
        if (j !== i && candidate.source === reference) set.add(j);
      });
    }
    return [...set];
  });

  const component = new Array<number>(nodes.length).fill(-1);
  const index = new Array<number>(nodes.length).fill(-1);
  const low = new Array<number>(nodes.length).fill(0);
  const onStack = new Array<boolean>(nodes.length).fill(false);
  const stack: number[] = [];
  let counter = 0;
  let components = 0;
  const visit = (v: number): void => {
    index[v] = counter;
    low[v] = counter;
    counter += 1;
    stack.push(v);
    onStack[v] = true;
    for (const w of parents[v] as number[]) {
      if (index[w] === -1) {
        visit(w);
        low[v] = Math.min(low[v] as number, low[w] as number);
      } else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
    }
    if (low[v] === index[v]) {
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = false;
        component[w] = components;
      } while (w !== v);
      components += 1;
    }
  };
  for (let v = 0; v < nodes.length; v += 1) if (index[v] === -1) visit(v);

  // Kahn's algorithm over the components; among those ready, the one appearing first in the plan.
  const members: number[][] = Array.from({ length: components }, () => []);
  nodes.forEach((_node, i) => members[component[i] as number]!.push(i));
  const waitingOn = members.map((group, c) => new Set(group.flatMap((i) => (parents[i] as number[]).map((p) => component[p] as number)).filter((p) => p !== c)));
  const done = new Set<number>();
  const order: number[] = [];
  while (done.size < components) {
    let next = -1;
    for (let c = 0; c < components; c += 1) {
      if (done.has(c) || [...(waitingOn[c] as Set<number>)].some((p) => !done.has(p))) continue;
      if (next === -1 || (members[c]![0] as number) < (members[next]![0] as number)) next = c;
    }
    done.add(next);
    order.push(...members[next]!);
  }
  return { order, component };
}
