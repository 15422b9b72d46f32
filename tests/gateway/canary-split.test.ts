// The gateway's canary bookkeeping, with a seeded draw: which instance a new session goes to, what
// each track's calls count as, the p99 window, and the metrics /metrics shows.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Canaries } from '../../src/gateway/canary/canaries.js';
import { p99, RESERVOIR, StepWindow } from '../../src/gateway/canary/step-window.js';
import { noMetrics } from '../../src/gateway/metrics.js';

function draws(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

describe('canary split in the gateway', () => {
  it('sends a new session to the canary when the draw falls under its weight, else to the stable one', () => {
    const c = new Canaries({ random: draws([0.05, 0.15, 0.95]) });
    expect(c.choose('a')).toBeUndefined(); // no canary: the active instance
    c.set('a', 'new', 10);
    expect([c.choose('a'), c.choose('a'), c.choose('a')]).toEqual(['new', undefined, undefined]);
    c.set('a', 'new', 100);
    expect(c.choose('a')).toBe('new');
    c.lost('new', 'exited with code 1');
    expect(c.choose('a')).toBeUndefined(); // a lost canary takes nothing more
    expect(c.figures('a')?.lost).toBe('exited with code 1');
    c.end('a');
    expect(c.figures('a')).toBeUndefined();
  });

  it("counts each track's calls and errors per step; a new weight starts a new window", () => {
    const c = new Canaries();
    c.set('a', 'new', 10);
    const canary = c.metricsFor('new', noMetrics);
    const stable = c.metricsFor('old', noMetrics);
    canary.start('a', 'tools/call')('tool');
    canary.start('a', 'tools/call')();
    canary.start('a', 'resources/read')('jsonrpc');
    canary.start('a', 'tools/call')('drained'); // the gateway's own drain: not the instance's doing
    stable.start('a', 'tools/call')();
    expect(c.figures('a')).toMatchObject({ weight: 10, canaryWindow: { calls: 3, errors: 2 }, stableWindow: { calls: 1, errors: 0 } });
    expect(c.figures('a')!.canaryWindow.p99Ms).not.toBeNull();
    c.set('a', 'new', 50);
    expect(c.figures('a')).toMatchObject({ weight: 50, canaryWindow: { calls: 0, errors: 0, p99Ms: null } });
  });

  it('p99 is the nearest rank, and the reservoir stays bounded', () => {
    expect(p99([])).toBeNull();
    expect(p99(Array.from({ length: 100 }, (_, i) => i + 1))).toBe(99);
    expect(p99([5])).toBe(5);
    const w = new StepWindow(draws([0.5]));
    for (let i = 0; i < RESERVOIR * 3; i++) w.record('tools/call', i < RESERVOIR ? 10 : 10_000, undefined);
    expect(w.calls).toBe(RESERVOIR * 3);
    expect(w.figures().p99Ms).toBe(10_000);
  });

  it('shows mcp_gitops_canary_weight and per-track call and error counters', async () => {
    const registry = new Registry();
    const c = new Canaries({ registry });
    c.set('a', 'new', 50);
    c.metricsFor('new', noMetrics).start('a', 'tools/call')('timeout');
    c.metricsFor('old', noMetrics).start('a', 'tools/call')();
    const text = await registry.metrics();
    expect(text).toContain('mcp_gitops_canary_weight{server="a"} 50');
    expect(text).toContain('mcp_gitops_canary_calls_total{server="a",track="canary"} 1');
    expect(text).toContain('mcp_gitops_canary_calls_total{server="a",track="stable"} 1');
    expect(text).toContain('mcp_gitops_canary_errors_total{server="a",track="canary"} 1');
    c.end('a');
    expect(await registry.metrics()).not.toContain('mcp_gitops_canary_weight{');
  });
});
