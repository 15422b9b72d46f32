import { describe, expect, it } from 'vitest';
import { depths, findCycles, waves, type Graph } from '../../src/spec/graph.js';

const g = (edges: Record<string, string[]>): Graph => new Map(Object.entries(edges));

describe('findCycles', () => {
  it('finds none in an acyclic graph (diamond)', () => {
    expect(findCycles(g({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }))).toEqual([]);
  });

  it('reports a self-dependency as a one-node cycle', () => {
    expect(findCycles(g({ a: ['a'] }))).toEqual([['a', 'a']]);
  });

  it('reports a two-node cycle once, starting at its smallest name', () => {
    expect(findCycles(g({ b: ['a'], a: ['b'] }))).toEqual([['a', 'b', 'a']]);
  });

  it('rotates a three-node cycle to its smallest name, whatever the entry point', () => {
    expect(findCycles(g({ z: ['x'], y: ['z'], x: ['y'], entry: ['y'] }))).toEqual([['x', 'y', 'z', 'x']]);
  });

  it('reports separate cycles separately', () => {
    const cycles = findCycles(g({ a: ['b'], b: ['a'], c: ['d'], d: ['c'], e: ['a', 'c'] }));
    expect(cycles).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ]);
  });

  it('ignores edges to names that are not in the graph (reported elsewhere as unknown)', () => {
    expect(findCycles(g({ a: ['ghost'], b: ['a'] }))).toEqual([]);
  });

  it('keeps the direction of the edges in the message order', () => {
    // a depends on c, c on b, b on a: a -> c -> b -> a
    expect(findCycles(g({ a: ['c'], b: ['a'], c: ['b'] }))).toEqual([['a', 'c', 'b', 'a']]);
  });
});

describe('depths and waves', () => {
  it('puts servers without dependencies in wave 0 and each dependent after its deepest dependency', () => {
    const graph = g({ app: ['db', 'cache'], db: [], cache: ['db'], web: ['app'], lone: [] });
    expect(Object.fromEntries(depths(graph))).toEqual({ app: 2, db: 0, cache: 1, web: 3, lone: 0 });
    expect(waves(graph)).toEqual([['db', 'lone'], ['cache'], ['app'], ['web']]);
  });

  it('runs independent servers in one wave, sorted by name', () => {
    expect(waves(g({ c: [], a: [], b: [] }))).toEqual([['a', 'b', 'c']]);
  });

  it('ignores dependencies on names outside the graph', () => {
    expect(waves(g({ a: ['disabled-or-missing'], b: ['a'] }))).toEqual([['a'], ['b']]);
  });

  it('returns no waves for an empty graph', () => {
    expect(waves(new Map())).toEqual([]);
  });

  it('refuses a cyclic graph instead of looping', () => {
    expect(() => depths(g({ a: ['b'], b: ['a'] }))).toThrow(/cycle/);
  });
});
