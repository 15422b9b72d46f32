import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { SseStream } from '../e2e/helpers/sse.js';
import { connect } from 'node:net';
import { MAX_UNSENT_BYTES } from '../../src/http/events-route.js';
import { Masker } from '../../src/render/mask.js';
import { listeningApp } from './helpers.js';

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const atLeast = (n: number) => (events: unknown[]) => events.length >= n;

describe('GET /events', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('streams events in order as JSON and resumes from Last-Event-ID', async () => {
    const l = await listeningApp();
    app = l.app;
    const sse = await SseStream.open(`${l.base}/events`);
    l.bus.emit({ type: 'sync.started', syncId: 1, commit: 'abc', reason: 'poll' });
    l.bus.emit({ type: 'gate.passed', server: 'memory', commit: 'abc', instanceId: 'i1', tools: ['read_graph'], seconds: 0.4 });
    l.bus.emit({ type: 'sync.finished', syncId: 1, commit: 'abc', result: 'succeeded', code: 'Synced', message: 'ok', durationSeconds: 1 });
    await sse.until('3 events', atLeast(3), 5000);
    expect(sse.events.map((e) => `${e.id} ${e.event}`)).toEqual(['1 sync.started', '2 gate.passed', '3 sync.finished']);
    expect(sse.events[1].data).toMatchObject({ id: 2, type: 'gate.passed', server: 'memory', tools: ['read_graph'] });
    expect(sse.events[2].data).toMatchObject({ type: 'sync.finished', result: 'succeeded', code: 'Synced' });
    sse.close();
    const resumed = await SseStream.open(`${l.base}/events`, { 'last-event-id': '1' });
    await resumed.until('2 events', atLeast(2), 5000);
    expect(resumed.events.map((e) => e.id)).toEqual(['2', '3']);
    resumed.close();
  });

  it('keeps a bounded buffer and scrubs secrets', async () => {
    const l = await listeningApp({ mask: new Masker(['hunter2-secret']) });
    app = l.app;
    for (let i = 0; i < 8; i++)
      l.bus.emit({ type: 'gate.failed', server: 'x', commit: 'c', reason: `boom ${i} hunter2-secret`, code: 'HandshakeFailed', seconds: 0 });
    const sse = await SseStream.open(`${l.base}/events`, { 'last-event-id': '0' });
    await sse.until('5 events', atLeast(5), 5000);
    expect(sse.events.map((e) => e.id)).toEqual(['4', '5', '6', '7', '8']);
    expect(JSON.stringify(sse.events)).not.toContain('hunter2');
    sse.close();
  });

  it('drops a client that stops reading once its unsent output passes 1 MiB, and keeps serving others', async () => {
    const l = await listeningApp();
    app = l.app;
    const { port } = new URL(l.base);
    const stuck = connect({ host: '127.0.0.1', port: Number(port) });
    await new Promise((r) => stuck.once('connect', r));
    stuck.write('GET /events HTTP/1.1\r\nHost: x\r\n\r\n');
    stuck.pause(); // never reads: the kernel buffers fill, then the server's
    await waitUntil(() => l.events.subscriberCount === 1, 'the stuck client to subscribe');
    const big = 'x'.repeat(16 * 1024);
    let sent = 0;
    // bounded: 64 MiB at most, far more than the kernel's buffers plus MAX_UNSENT_BYTES
    while (l.events.subscriberCount > 0 && sent * big.length < 64 * 1024 * 1024) {
      for (let i = 0; i < 64; i++) l.bus.emit({ type: 'gate.failed', server: 'x', commit: 'c', reason: big, code: 'HandshakeFailed', seconds: 0 });
      sent += 64;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(l.events.subscriberCount).toBe(0);
    expect(sent * big.length).toBeGreaterThan(MAX_UNSENT_BYTES);
    const fresh = await SseStream.open(`${l.base}/events`);
    l.bus.emit({ type: 'sync.started', syncId: 9, commit: 'abc', reason: 'poll' });
    await fresh.until('the next event', (events) => events.some((e) => e.event === 'sync.started'), 5000);
    fresh.close();
    stuck.destroy();
  }, 30_000);

  it('serves the status page, whose script follows /events', async () => {
    const l = await listeningApp();
    app = l.app;
    const res = await l.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const live = await l.app.inject({ method: 'GET', url: '/page/live.js' });
    expect(live.body).toContain("new EventSource('events')");
  });
});
