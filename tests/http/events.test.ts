import { get, type IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { listeningApp } from './helpers.js';

interface Sse { events: { id: string; event: string; data: Record<string, unknown> }[]; close: () => void; waitFor: (n: number) => Promise<void> }

function openSse(url: string, headers: Record<string, string> = {}): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const events: Sse['events'] = [];
    let buf = '';
    const waiters: (() => void)[] = [];
    const req = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res: IncomingMessage) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':') && l.includes(': ')).map((l) => [l.slice(0, l.indexOf(': ')), l.slice(l.indexOf(': ') + 2)]));
          if (f.data) events.push({ id: f.id, event: f.event, data: JSON.parse(f.data) as Record<string, unknown> });
          waiters.splice(0).forEach((w) => w());
        }
      });
      resolve({
        events, close: () => req.destroy(),
        waitFor: (n) => new Promise<void>((ok, fail) => {
          const deadline = setTimeout(() => fail(new Error(`only ${events.length} of ${n} events`)), 5000);
          const check = (): void => { if (events.length >= n) { clearTimeout(deadline); ok(); } else waiters.push(check); };
          check();
        }),
      });
    });
    req.on('error', reject);
  });
}

describe('GET /events', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => { await app?.close(); });

  it('streams events in order as JSON and resumes from Last-Event-ID', async () => {
    const l = await listeningApp();
    app = l.app;
    const sse = await openSse(`${l.base}/events`);
    l.bus.emit({ type: 'sync.started', syncId: 1, commit: 'abc', reason: 'poll' });
    l.bus.emit({ type: 'gate.passed', server: 'memory', commit: 'abc', instanceId: 'i1', tools: ['read_graph'], seconds: 0.4 });
    l.bus.emit({ type: 'sync.finished', syncId: 1, commit: 'abc', result: 'succeeded', message: 'ok', durationSeconds: 1 });
    await sse.waitFor(3);
    expect(sse.events.map((e) => `${e.id} ${e.event}`)).toEqual(['1 sync.started', '2 gate.passed', '3 sync.finished']);
    expect(sse.events[1].data).toMatchObject({ id: 2, type: 'gate.passed', server: 'memory', tools: ['read_graph'] });
    sse.close();
    const resumed = await openSse(`${l.base}/events`, { 'last-event-id': '1' });
    await resumed.waitFor(2);
    expect(resumed.events.map((e) => e.id)).toEqual(['2', '3']);
    resumed.close();
  });

  it('keeps a bounded buffer and scrubs secrets', async () => {
    const l = await listeningApp({ scrub: (s) => s.split('hunter2-secret').join('***') });
    app = l.app;
    for (let i = 0; i < 8; i++) l.bus.emit({ type: 'gate.failed', server: 'x', commit: 'c', reason: `boom ${i} hunter2-secret`, seconds: 0 });
    const sse = await openSse(`${l.base}/events`, { 'last-event-id': '0' });
    await sse.waitFor(5);
    expect(sse.events.map((e) => e.id)).toEqual(['4', '5', '6', '7', '8']);
    expect(JSON.stringify(sse.events)).not.toContain('hunter2');
    sse.close();
  });

  it('serves the status page', async () => {
    const l = await listeningApp();
    app = l.app;
    const res = await l.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.body).toContain('new EventSource');
  });
});
