// The delivery queue against a real local receiver: retried answers, answers that are final, order,
// the signature over the exact bytes; and which reconciler events become which notifications.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/health/clock.js';
import { EventTranslator } from '../../src/notify/from-events.js';
import type { ReconcileEvent } from '../../src/reconciler/events.js';
import { concerns, matchesGlob } from '../../src/notify/glob.js';
import { body } from '../../src/notify/payload.js';
import { DeliveryQueue, MAX_ATTEMPTS } from '../../src/notify/queue.js';
import type { DesiredNotifier } from '../../src/spec/desired-notifier.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function receiver(answers: number[]): Promise<{ url: string; got: { raw: string; sig: string | undefined }[] }> {
  const got: { raw: string; sig: string | undefined }[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ raw: Buffer.concat(chunks).toString(), sig: req.headers['x-mcp-gitops-signature-256'] as string | undefined });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, got };
}

const notifier = (url: string, secret?: string): DesiredNotifier => ({
  name: 'n',
  type: 'webhook',
  url,
  events: ['succeeded'],
  servers: ['*'],
  ...(secret && { secret }),
});

function queue(counts: { delivered: number; failed: number }): DeliveryQueue {
  return new DeliveryQueue({
    clock: systemClock,
    mask: (s) => s,
    retryBaseMs: 5,
    metrics: { delivered: () => counts.delivered++, failed: () => counts.failed++ },
  });
}

describe('delivery queue', () => {
  it('retries 500 and 429 until delivered, in order, each request signed over its exact bytes', async () => {
    const rx = await receiver([500, 429]);
    const counts = { delivered: 0, failed: 0 };
    const q = queue(counts);
    for (const commit of ['a', 'b'])
      q.push({ notifier: notifier(rx.url, 'k3y-abcdef'), maskedUrl: rx.url, event: 'succeeded', commit, body: `{"commit":"${commit}"}` });
    await q.idle();
    expect(rx.got.map((g) => g.raw)).toEqual(['{"commit":"a"}', '{"commit":"a"}', '{"commit":"a"}', '{"commit":"b"}']);
    for (const g of rx.got) expect(g.sig).toBe(`sha256=${createHmac('sha256', 'k3y-abcdef').update(g.raw).digest('hex')}`);
    expect(counts).toEqual({ delivered: 2, failed: 2 });
    expect(q.status()[0]).toMatchObject({ name: 'n', deliveries: 2, failures: 2, pending: 0, lastDelivery: { commit: 'b', status: 200 } });
  });

  it('does not retry a 404, gives up after MAX_ATTEMPTS, and a refused connection is an error it retries', async () => {
    const rx = await receiver([404, ...Array<number>(MAX_ATTEMPTS).fill(503)]);
    const counts = { delivered: 0, failed: 0 };
    const q = queue(counts);
    q.push({ notifier: notifier(rx.url), maskedUrl: rx.url, event: 'succeeded', commit: 'a', body: '{}' });
    q.push({ notifier: notifier(rx.url), maskedUrl: rx.url, event: 'succeeded', commit: 'b', body: '{}' });
    await q.idle();
    expect(rx.got).toHaveLength(1 + MAX_ATTEMPTS);
    expect(rx.got[0].sig).toBeUndefined();
    expect(counts).toEqual({ delivered: 0, failed: 1 + MAX_ATTEMPTS });
    expect(q.status()[0].lastError?.message).toBe(`answered 503 (attempt ${MAX_ATTEMPTS} of ${MAX_ATTEMPTS})`);

    const closed = rx.url.replace(/:\d+\//, ':1/');
    q.push({ notifier: { ...notifier(closed), name: 'm' }, maskedUrl: closed, event: 'succeeded', commit: 'c', body: '{}' });
    await q.idle();
    expect(q.status().find((s) => s.name === 'm')).toMatchObject({ failures: MAX_ATTEMPTS, deliveries: 0 });
  });
});

describe('what is sent', () => {
  it('globs and servers', () => {
    expect(matchesGlob('api-eu', 'api-*')).toBe(true);
    expect(matchesGlob('api', 'api-?')).toBe(false);
    expect(matchesGlob('a.b', 'a?b')).toBe(true);
    expect(matchesGlob('axb', 'a.b')).toBe(false);
    expect(concerns(['db-*'], ['api'])).toBe(false);
    expect(concerns(['db-*'], [])).toBe(true);
  });

  it('a sync becomes one notification naming the servers it touched (failed ones for a revert); superseded none', () => {
    const t = new EventTranslator(() => 0);
    expect(t.translate({ type: 'sync.started', syncId: 1, commit: 'c1', reason: 'poll' })).toBeUndefined();
    t.translate({ type: 'server.starting', server: 'b', commit: 'c1', version: '1' });
    t.translate({ type: 'server.starting', server: 'a', commit: 'c1', version: '1' });
    t.translate({ type: 'gate.failed', server: 'a', commit: 'c1', reason: 'x', code: 'CheckFailed', seconds: 1 });
    const n = t.translate({ type: 'sync.finished', syncId: 1, commit: 'c1', result: 'reverted', code: 'CheckFailed', message: 'a: x', durationSeconds: 1 });
    expect(n).toEqual({
      event: 'reverted',
      commit: 'c1',
      result: 'reverted',
      reason: 'CheckFailed',
      message: 'a: x',
      servers: ['a'],
      at: '1970-01-01T00:00:00.000Z',
    });
    t.translate({ type: 'sync.started', syncId: 2, commit: 'c2', reason: 'poll' });
    expect(
      t.translate({ type: 'sync.finished', syncId: 2, commit: 'c2', result: 'superseded', code: 'Superseded', message: '', durationSeconds: 1 }),
    ).toBeUndefined();
    expect(t.translate({ type: 'drift.repaired', server: 's', instanceId: 'i', why: 'exited' })).toMatchObject({ event: 'driftRepaired', servers: ['s'] });
  });

  it('tool drift and a canary decision are notifications of their own', () => {
    const t = new EventTranslator(() => 0);
    const drift: ReconcileEvent = {
      type: 'server.toolDrift',
      server: 's',
      instanceId: 'i',
      code: 'ToolDrift',
      at: 'x',
      pin: 'warn',
      added: ['new'],
      removed: [],
      changed: [],
      message: 'tools drifted: +new',
    };
    expect(t.translate(drift)).toMatchObject({ event: 'toolDrift', result: 'drifted', reason: 'ToolDrift', servers: ['s'], message: 'tools drifted: +new' });
    expect(
      t.translate({ type: 'canary.reverted', server: 's', commit: 'c3', instanceId: 'i', code: 'CanaryFailed', message: 'error rate 0.31' }),
    ).toMatchObject({
      event: 'canary',
      commit: 'c3',
      result: 'reverted',
      reason: 'CanaryFailed',
    });
    expect(t.translate({ type: 'canary.promoted', server: 's', commit: 'c3', instanceId: 'i', message: 'all steps passed' })).toMatchObject({
      event: 'canary',
      result: 'promoted',
    });
  });

  it('slack gets only {text}; webhook our fields and the status link', () => {
    const e = {
      event: 'succeeded' as const,
      commit: 'abcdef0123',
      result: 'succeeded',
      reason: 'Synced',
      message: '1 server rolled out',
      servers: ['api'],
      at: 'T',
    };
    expect(JSON.parse(body('slack', 'n', e, 'http://h/status'))).toEqual({
      text: 'mcp-gitops: succeeded abcdef0 (Synced) [api]: 1 server rolled out\n<http://h/status|status>',
    });
    expect(JSON.parse(body('webhook', 'n', e, 'http://h/status'))).toEqual({ ...e, notifier: 'n', status: 'http://h/status' });
  });
});
