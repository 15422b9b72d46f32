// The per-server call series behind the status page's sparkline: fixed buckets that roll with the
// clock and stay bounded, fed by the gateway's metrics hook from real calls through /mcp/<name>.
import { afterEach, describe, expect, it } from 'vitest';
import { CallSeries } from '../../src/gateway/call-series.js';
import { createWorld, type World } from './helpers.js';

describe('CallSeries', () => {
  it('counts calls and errors per 10 s bucket, the newest last, and forgets what is older than 15 minutes', () => {
    let now = Date.parse('2026-12-01T10:00:05Z');
    const s = new CallSeries({ now: () => now });
    s.call('a');
    s.call('a');
    s.error('a');
    s.call('b');
    now += 10_000;
    s.call('a');
    const a = s.series('a');
    expect(a.bucketSeconds).toBe(10);
    expect(a.points).toHaveLength(90);
    expect(a.points.slice(-2)).toEqual([
      { at: '2026-12-01T10:00:00.000Z', calls: 2, errors: 1 },
      { at: '2026-12-01T10:00:10.000Z', calls: 1, errors: 0 },
    ]);
    expect(a.points.slice(0, -2).every((p) => p.calls === 0 && p.errors === 0)).toBe(true);
    expect(s.series('b').points.at(-2)).toMatchObject({ calls: 1 });
    expect(s.series('never').points.every((p) => p.calls === 0)).toBe(true);
    // 89 buckets later the first one is the oldest shown; one more and it is gone (its slot reused)
    now += 88 * 10_000;
    expect(s.series('a').points[0]).toEqual({ at: '2026-12-01T10:00:00.000Z', calls: 2, errors: 1 });
    now += 10_000;
    s.call('a');
    const later = s.series('a');
    expect(later.points[0]).toEqual({ at: '2026-12-01T10:00:10.000Z', calls: 1, errors: 0 });
    expect(later.points.at(-1)).toMatchObject({ calls: 1, errors: 0 });
    expect(later.points.reduce((n, p) => n + p.calls, 0)).toBe(2);
    s.forget('a');
    expect(s.series('a').points.every((p) => p.calls === 0)).toBe(true);
  });
});

describe('the gateway feeds the series from its metrics hook', () => {
  let w: World | undefined;
  afterEach(async () => {
    await w?.close();
    w = undefined;
  });

  it('counts real requests through /mcp/<name>, and a refused one as a call and an error', async () => {
    const series = new CallSeries();
    w = await createWorld({ series });
    await w.serve('everything', 'stdio');
    const c = await w.client('everything');
    await c.callTool({ name: 'echo', arguments: { message: 'x' } });
    await c.callTool({ name: 'echo', arguments: { message: 'y' } });
    const sum = (k: 'calls' | 'errors') => series.series('everything').points.reduce((n, p) => n + p[k], 0);
    const calls = sum('calls');
    expect(calls).toBeGreaterThanOrEqual(3); // initialize and the two tools/call at least
    expect(sum('errors')).toBe(0);
    const r = await fetch(w.url('everything'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
    });
    expect(r.status).toBe(404);
    expect([sum('calls'), sum('errors')]).toEqual([calls + 1, 1]);
  });
});
