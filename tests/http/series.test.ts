// GET /servers/<name>/series: the series of a deployed server, 404 for any other name.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { CallSeries } from '../../src/gateway/call-series.js';
import { sampleStatus } from './helpers.js';

describe('GET /servers/<name>/series', () => {
  it("answers a deployed server's buckets and 404 for an unknown name", async () => {
    const status = sampleStatus();
    const calls = new CallSeries();
    calls.call('memory');
    calls.error('memory');
    const app = buildApp({
      status: () => status,
      ready: () => true,
      requestSync: () => 1,
      series: (name) => (status.servers.some((s) => s.name === name) ? calls.series(name) : undefined),
    });
    const ok = await app.inject({ url: '/servers/memory/series' });
    expect(ok.statusCode).toBe(200);
    const body = ok.json<{ server: string; bucketSeconds: number; points: { calls: number; errors: number }[] }>();
    expect([body.server, body.bucketSeconds, body.points.length, body.points.at(-1)]).toEqual([
      'memory',
      10,
      90,
      expect.objectContaining({ calls: 1, errors: 1 }),
    ]);
    const missing = await app.inject({ url: '/servers/nope/series' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'no server named "nope" is deployed' });
    await app.close();
  });

  it('serves the page files under a strict CSP, and nothing else from the page folder', async () => {
    const app = buildApp({ status: sampleStatus, ready: () => true, requestSync: () => 1 });
    const index = await app.inject({ url: '/' });
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.body).toContain('<script type="module" src="page/app.js">');
    const js = await app.inject({ url: '/page/app.js' });
    expect([js.statusCode, js.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    for (const url of ['/page/..%2Fstatus-page.ts', '/page/nope.js', '/page/index.html']) expect((await app.inject({ url })).statusCode, url).toBe(404);
    await app.close();
  });
});
