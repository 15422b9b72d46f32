// Dependency graph over server names: cycles (named) and waves (depth layers).

export type Graph = ReadonlyMap<string, readonly string[]>;

/**
 * Every elementary cycle found by DFS, each reported once, rotated to start at its smallest
 * name so messages are stable: ["a", "b", "a"].
 */
export function findCycles(graph: Graph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found = new Map<string, string[]>();
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (!graph.has(d)) continue;
      const s = state.get(d);
      if (s === 'open') {
        const cycle = stack.slice(stack.indexOf(d));
        const min = cycle.reduce((a, b) => (b < a ? b : a));
        const rotated = [...cycle.slice(cycle.indexOf(min)), ...cycle.slice(0, cycle.indexOf(min))];
        found.set(rotated.join('\u0000'), [...rotated, min]);
      } else if (s === undefined) {
        visit(d);
      }
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of [...graph.keys()].sort()) if (!state.has(n)) visit(n);
  return [...found.values()];
}

/** Depth of each node: 0 without dependencies, else 1 + the deepest dependency. Graph must be acyclic. */
export function depths(graph: Graph): Map<string, number> {
  const memo = new Map<string, number>();
  const depth = (n: string, seen: Set<string>): number => {
    const known = memo.get(n);
    if (known !== undefined) return known;
    if (seen.has(n)) throw new Error(`dependency cycle through ${n}`);
    seen.add(n);
    let d = 0;
    for (const dep of graph.get(n) ?? []) if (graph.has(dep)) d = Math.max(d, depth(dep, seen) + 1);
    seen.delete(n);
    memo.set(n, d);
    return d;
  };
  for (const n of graph.keys()) depth(n, new Set());
  return memo;
}

/** Names grouped in waves: everything in wave k depends only on waves < k. Sorted within a wave. */
export function waves(graph: Graph): string[][] {
  const out: string[][] = [];
  for (const [n, d] of depths(graph)) (out[d] ??= []).push(n);
  return out.filter(Boolean).map((w) => w.sort());
}
