// Webhooks against the real daemon following a real remote (git http-backend on 127.0.0.1) with a
// poll interval of an hour: a pushed commit is only synced because a webhook said so. Every provider
// starts a sync within a second, bad deliveries start none, and a burst of 20 coalesces.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sample } from '../http/metric-value.js';
import type { Daemon } from './helpers/daemon.js';
import { ServedRepo } from './helpers/served-repo.js';
import { everythingStdio } from './helpers/servers.js';
import { SseStream, type SseEvent } from './helpers/sse.js';
import { deliver, deliveryHeaders, pushBody, type Provider } from './helpers/webhooks.js';
import { useWorld } from './helpers/use-world.js';

const SECRET = 'e2e-webhook-secret-3f9a1c';
/** CONTRACT §4: "a sync starts within a second". */
const SYNC_START_BOUND_MS = 1000;

const scene = useWorld();

const of = (type: string, commit: string) => (events: SseEvent[]) => events.find((e) => e.event === type && e.data.commit === commit);

/** Commits version `v` of the one server and pushes it to the served remote. */
function pushVersion(served: ServedRepo, v: number): string {
  scene.w.repo.commit(scene.w.server('svc', everythingStdio({ version: String(v) })), `svc ${v}`);
  return served.push();
}

async function metrics(d: Daemon): Promise<string> {
  return (await fetch(`${d.url}/metrics`)).text();
}

describe('POST /webhook on the real daemon', () => {
  it('each provider starts a sync of the pushed commit within a second; bad deliveries start none; 20 at once make at most 2 syncs', async () => {
    const w = scene.w;
    const first = w.repo.commit(w.server('svc', everythingStdio()));
    const served = scene.later(await ServedRepo.start(w.repo, join(w.dir, 'served')), (r) => r.close());
    const d = await w.start({ repo: served.url, interval: 3600, env: { MCP_GITOPS_WEBHOOK_SECRET: SECRET } });
    const sse = scene.later(await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' }), (x) => x.close());
    await w.converged(d, first, ['svc']);
    const latencies: Record<string, number> = {};

    // a pushed commit the daemon does not know of yet; none of these deliveries may sync it
    const second = pushVersion(served, 2);
    const checks = (await d.status()).checks!;
    const body = pushBody('refs/heads/main', second);
    const bad: [string, Record<string, string>, string, number][] = [
      ['tampered body', deliveryHeaders('github', SECRET, body), body.replace('e2e', 'e2f'), 401],
      ['wrong secret', deliveryHeaders('gitea', 'not-the-secret', body), body, 401],
      ['missing signature', { 'content-type': 'application/json', 'x-github-event': 'push' }, body, 401],
      ['other branch', deliveryHeaders('gitlab', SECRET, pushBody('refs/heads/dev', second)), pushBody('refs/heads/dev', second), 202],
      [
        'ping',
        deliveryHeaders('github', SECRET, '{"zen":"Keep it logically awesome.","hook_id":7}', 'ping'),
        '{"zen":"Keep it logically awesome.","hook_id":7}',
        202,
      ],
      ['non-JSON', { ...deliveryHeaders('bearer', SECRET, body), 'content-type': 'text/plain' }, 'hello', 415],
    ];
    for (const [what, headers, payload, code] of bad) {
      const res = await deliver(d.url, headers, payload);
      expect(res.status, what).toBe(code);
      expect(res.json.syncId, what).toBeUndefined();
      expect(JSON.stringify(res.json), what).not.toContain(SECRET);
    }
    const big = pushBody('refs/heads/main', second, { pad: 'x'.repeat(2 * 1024 * 1024) });
    expect((await deliver(d.url, deliveryHeaders('github', SECRET, big), big)).status).toBe(413);

    // then one valid delivery per provider, each for a newly pushed commit
    const providers: Provider[] = ['github', 'gitlab', 'gitea', 'bearer'];
    let commit = second;
    for (const [i, p] of providers.entries()) {
      if (i > 0) commit = pushVersion(served, 2 + i);
      const payload = pushBody('refs/heads/main', commit);
      const sentAt = Date.now();
      const res = await deliver(d.url, deliveryHeaders(p, SECRET, payload), payload);
      expect(res).toEqual({ status: 202, json: { accepted: true, syncId: expect.any(Number) as number } });
      const started = await sse.until(`sync.started for ${commit.slice(0, 7)} (${p})`, of('sync.started', commit), 10_000);
      latencies[p] = started.receivedAt - sentAt;
      expect(started.data).toMatchObject({ syncId: res.json.syncId, reason: `webhook:${p}` });
      expect((await sse.until(`${p} sync finished`, of('sync.finished', commit))).data.result).toBe('succeeded');
    }
    // the bad deliveries checked nothing: the first sync after them was the github one, alone
    expect((await d.status()).checks).toBe(checks + providers.length);

    // a burst: 20 valid deliveries at once for one pushed commit
    const burst = pushVersion(served, 10);
    const before = await d.status();
    const payload = pushBody('refs/heads/main', burst);
    const sentAt = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, () => deliver(d.url, deliveryHeaders('github', SECRET, payload), payload)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = new Set(answers.map((a) => a.json.syncId));
    expect(ids.size).toBeGreaterThanOrEqual(1);
    expect(ids.size).toBeLessThanOrEqual(2);
    latencies.burst = (await sse.until("the burst's sync.started", of('sync.started', burst), 10_000)).receivedAt - sentAt;
    await sse.until("the burst's sync to finish", of('sync.finished', burst));
    const after = await d.until(
      'the coalesced syncs to run',
      (s) => (s.checks ?? 0) >= (before.checks ?? 0) + ids.size && !/^Applying|^Loading/.test(s.message),
    );
    expect(sse.ofType('sync.started').filter((e) => e.data.commit === burst)).toHaveLength(1);
    expect(after.history.length - before.history.length).toBe(1);
    expect(after.checks! - before.checks!).toBeLessThanOrEqual(2);
    expect([...ids].every((id) => Number(id) > before.history[0].id)).toBe(true);

    const text = await metrics(d);
    const hooks = (provider: string, result: string) => sample(text, 'mcp_gitops_webhook_requests_total', { provider, result });
    expect([hooks('github', 'accepted'), hooks('gitlab', 'accepted'), hooks('gitea', 'accepted'), hooks('bearer', 'accepted')]).toEqual([21, 1, 1, 1]);
    expect([hooks('github', 'unauthorized'), hooks('gitea', 'unauthorized'), hooks('unknown', 'unauthorized')]).toEqual([1, 1, 1]);
    expect([hooks('gitlab', 'ignored'), hooks('github', 'ping'), hooks('bearer', 'bad_request'), hooks('github', 'too_large')]).toEqual([1, 1, 1, 1]);
    expect(sample(text, 'mcp_gitops_sync_total', { result: 'succeeded' })).toBe(6);

    const slow = Object.entries(latencies).filter(([, ms]) => ms >= SYNC_START_BOUND_MS);
    expect(slow, `webhook -> sync.started (ms): ${JSON.stringify(latencies)}`).toEqual([]);
  }, 120_000);

  it('without MCP_GITOPS_WEBHOOK_SECRET: 403 for every delivery and a start-up log line that says why', async () => {
    const w = scene.w;
    const first = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start({ env: { MCP_GITOPS_API_TOKEN: 'an-api-token-only' } });
    await w.converged(d, first, ['svc']);
    expect(d.logs.filter((l) => /webhook/i.test(l.msg)).map((l) => [l.level, l.msg])).toEqual([
      [30, 'POST /webhook is disabled: MCP_GITOPS_WEBHOOK_SECRET is not set'],
    ]);
    const body = pushBody('refs/heads/main', first);
    for (const p of ['github', 'gitlab', 'gitea', 'bearer'] as const) {
      const res = await deliver(d.url, deliveryHeaders(p, 'whatever-secret', body), body);
      expect(res).toEqual({ status: 403, json: { error: 'webhooks are disabled: MCP_GITOPS_WEBHOOK_SECRET is not set' } });
    }
    expect(JSON.stringify(d.logs)).not.toContain('an-api-token-only');
  }, 60_000);
});
