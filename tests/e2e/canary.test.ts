// Canary rollouts judged by the gateway, against the real daemon under a load of real SDK clients:
// a good version is promoted through every step, a failing one and a slow one are reverted at the
// first step with CanaryFailed, and no call to the stable version fails meanwhile.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Daemon, Status } from './helpers/daemon.js';
import { startLoad, type Load } from './helpers/canary-load.js';
import { RUNTIMES } from './helpers/runtimes.js';
import { flaky, type Spec } from './helpers/servers.js';
import { SseStream } from './helpers/sse.js';
import { World } from './helpers/world.js';

const CANARY = { steps: [10, 50, 100], stepSeconds: 3, minCalls: 5, maxErrorRate: 0.05, maxLatencyP99Ms: 1000 };
const version = (v: string, errorRate: number, delayMs = 0): Spec => flaky(v, errorRate, delayMs, { strategy: 'canary', canary: CANARY });
/** Steps far longer than any test: only a person, a newer commit or a restart ends them. */
const slow = (v: string): Spec => flaky(v, 0, 0, { strategy: 'canary', canary: { ...CANARY, stepSeconds: 3600 } });
const TOKEN = 'canary-api-token-for-tests';

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('canary on the %s runtime', (_name, rt) => {
  let w: World;
  let load: Load | undefined;
  let events: SseStream | undefined;
  beforeEach(() => {
    w = new World(rt);
  });
  afterEach(async () => {
    events?.close();
    await load?.stop();
    await w.cleanup();
  });

  const finished = (d: Daemon, commit: string, result: string): Promise<Status> =>
    d.until(`${commit.slice(0, 7)} ${result}`, (s) => s.history[0]?.commit === commit && s.history[0].result === result, 90_000);

  const forCommit = (commit: string, type: string) => events!.ofType(type).filter((e) => e.data.commit === commit);

  it('v2 promoted through 10/50/100; v3 (30 % errors) and a slow v4 reverted at the first step; no call to the stable version fails', async () => {
    const v1 = w.repo.commit(w.server('svc', version('v1', 0)));
    const d = await w.start({ env: { MCP_GITOPS_DRAIN_TIMEOUT: '2' } });
    let st = await w.converged(d, v1, ['svc']);
    events = await SseStream.open(`${d.url}/events`);
    load = startLoad(st.servers[0].endpoint!, { workers: 8, callsPerSession: 2 });

    // v2: every step passes, the canary is promoted, the stable v1 drained
    const v2 = w.repo.commit(w.server('svc', version('v2', 0)));
    const during = await d.until('v2 in canary in /status', (s) => s.servers[0]?.canary?.canaryVersion === 'v2', 60_000);
    expect(during.servers[0].canary).toMatchObject({ stableVersion: 'v1', canaryVersion: 'v2', steps: [10, 50, 100] });
    expect(during.servers[0].canary!.step).toBeGreaterThanOrEqual(1);
    expect(during.servers[0].version).toBe('v1');
    st = await finished(d, v2, 'succeeded');
    expect(st.servers[0]).toMatchObject({ version: 'v2', phase: 'Running' });
    expect(st.servers[0].canary).toBeUndefined();
    const v2Instance = st.servers[0].instanceId;
    await events.until('v2 promoted', () => forCommit(v2, 'canary.promoted').length === 1 || undefined);
    const judged = JSON.stringify(forCommit(v2, 'canary.judged').map((e) => e.data));
    expect(
      forCommit(v2, 'canary.step').map((e) => e.data.weight),
      judged,
    ).toEqual([10, 50, 100]);
    expect(forCommit(v2, 'canary.judged').map((e) => e.data.verdict)).toEqual(['pass', 'pass', 'pass']);

    // v3: 30 % of its calls fail: reverted at the first step, v2 keeps serving
    const v3 = w.repo.commit(w.server('svc', version('v3', 0.3)));
    st = await finished(d, v3, 'reverted');
    expect(st.history[0].reason).toBe('CanaryFailed');
    expect(st.history[0].message).toMatch(/^svc: error rate 0\.\d\d over \d+ calls > 0\.05 at step 10 %$/);
    expect(st.failedRevision?.commit).toBe(v3);
    expect(st.servers[0]).toMatchObject({ version: 'v2', instanceId: v2Instance });
    expect(forCommit(v3, 'canary.step').map((e) => e.data.weight)).toEqual([10]);
    expect(forCommit(v3, 'canary.reverted')[0]?.data).toMatchObject({ code: 'CanaryFailed' });
    expect(load.calls.some((c) => c.version === 'v3' && c.toolError)).toBe(true);

    // v4: answers slower than the p99 bound: reverted at the first step
    const v4 = w.repo.commit(w.server('svc', version('v4', 0, 1500)));
    st = await finished(d, v4, 'reverted');
    expect(st.history[0].reason).toBe('CanaryFailed');
    expect(st.history[0].message).toMatch(/^svc: tools\/call p99 \d+ ms over \d+ calls > 1000 ms at step 10 %$/);
    expect(st.servers[0]).toMatchObject({ version: 'v2', instanceId: v2Instance });

    await load.stop();
    const stable = load.calls.filter((c) => c.version === 'v1' || c.version === 'v2');
    expect(stable.length).toBeGreaterThan(50);
    expect(stable.filter((c) => !c.ok || c.toolError)).toEqual([]);
    expect(load.calls.filter((c) => c.version === null)).toEqual([]);
    await w.noOrphans(['svc']);
  }, 240_000);

  const post = (d: Daemon, path: string, token = TOKEN): Promise<Response> =>
    fetch(`${d.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const inCanary = (d: Daemon, v: string): Promise<Status> =>
    d.until(`${v} in canary`, (s) => s.servers[0]?.canary?.canaryVersion === v && s.servers[0].canary.weight === 10, 60_000);

  it('a person promotes or aborts a canary; a newer commit supersedes one; kill -9 mid-canary comes back with the stable version and the canary from its first step', async () => {
    const v1 = w.repo.commit(w.server('svc', slow('v1')));
    let d = await w.start({ env: { MCP_GITOPS_API_TOKEN: TOKEN, MCP_GITOPS_DRAIN_TIMEOUT: '2' } });
    let st = await w.converged(d, v1, ['svc']);
    expect((await post(d, '/rollouts/svc/promote')).status).toBe(409); // no canary runs

    const v2 = w.repo.commit(w.server('svc', slow('v2')));
    await inCanary(d, 'v2');
    expect((await post(d, '/rollouts/svc/promote', 'wrong')).status).toBe(401);
    expect((await post(d, '/rollouts/svc/restart')).status).toBe(404);
    expect((await post(d, '/rollouts/svc/promote')).status).toBe(202);
    st = await finished(d, v2, 'succeeded');
    expect(st.servers[0]).toMatchObject({ version: 'v2' });

    const v3 = w.repo.commit(w.server('svc', slow('v3')));
    await inCanary(d, 'v3');
    expect((await post(d, '/rollouts/svc/abort')).status).toBe(202);
    st = await finished(d, v3, 'reverted');
    expect(st.history[0]).toMatchObject({ reason: 'CanaryAborted', message: 'svc: aborted by a person (POST /rollouts/svc/abort) at step 10 %' });
    expect(st.servers[0]).toMatchObject({ version: 'v2' });

    // a newer commit supersedes the canary: it is removed, the stable version keeps serving
    w.repo.commit(w.server('svc', slow('v4')));
    await inCanary(d, 'v4');
    const v5 = w.repo.commit(w.server('svc', slow('v5')));
    st = await inCanary(d, 'v5');
    expect(st.history.find((h) => h.result === 'superseded')).toBeDefined();
    expect(st.servers[0].canary).toMatchObject({ stableVersion: 'v2', step: 1 });

    // kill -9 mid-canary: the restart puts the stable version back and runs the canary from step 1
    await d.kill();
    d = await w.start({ env: { MCP_GITOPS_API_TOKEN: TOKEN, MCP_GITOPS_DRAIN_TIMEOUT: '2' } });
    st = await inCanary(d, 'v5');
    expect(st.servers[0].canary).toMatchObject({ stableVersion: 'v2', step: 1 });
    expect(st.history.some((h) => h.reason === 'Interrupted')).toBe(true);
    expect((await post(d, '/rollouts/svc/promote')).status).toBe(202);
    st = await finished(d, v5, 'succeeded');
    expect(st.servers[0]).toMatchObject({ version: 'v5' });
    await w.noOrphans(['svc']);
  }, 240_000);
});
