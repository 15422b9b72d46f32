// The real daemon rolling out real MCP servers from a real git repository.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort, isAlive } from './helpers/procs.js';
import { RUNTIMES } from './helpers/runtimes.js';
import { delayedHttp, everythingStdio, memory } from './helpers/servers.js';
import { SseStream } from './helpers/sse.js';
import { waitFor } from './helpers/wait-for.js';
import { World } from './helpers/world.js';

/** One MCP round trip (connect, tools/list, close) to a streamable-http server. */
async function answers(url: string): Promise<boolean> {
  const client = new Client({ name: 'e2e-probe', version: '1' });
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(url)), { timeout: 1000 });
    return (await client.listTools(undefined, { timeout: 1000 })).tools.some((t) => t.name === 'echo');
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('deploy on the %s runtime', (_name, rt) => {
  let w: World;
  beforeEach(() => {
    w = new World(rt);
  });
  afterEach(async () => {
    await w.cleanup();
  });
  it('adds servers: Running/Healthy with their tools, applied == lastGood == head; unchanged servers untouched', async () => {
    const first = w.repo.commit(w.server('everything', everythingStdio()));
    const d = await w.start();
    let st = await w.converged(d, first, ['everything']);
    expect(st.revision).toEqual({ head: first, applied: first, lastGood: first });
    expect(st.history[0]).toMatchObject({ commit: first, result: 'succeeded' });
    expect(st.servers[0]).toMatchObject({ name: 'everything', version: '1', commit: first, endpoint: `${d.url}/mcp/everything` });
    expect(st.servers[0].tools).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    const everythingPid = await w.pidOf(st.servers[0].instanceId);

    const second = w.repo.commit(w.server('memory', memory(`${w.dir}/memory.json`, { dependsOn: ['everything'] })));
    st = await w.converged(d, second, ['everything', 'memory']);
    expect(st.revision).toEqual({ head: second, applied: second, lastGood: second });
    expect(st.servers[1].tools).toEqual(expect.arrayContaining(['read_graph', 'create_entities']));
    expect(await w.pidOf(st.servers[0].instanceId)).toBe(everythingPid);
    expect(st.servers[0].commit).toBe(first); // deployed by the first commit, untouched since
    await w.noOrphans(['everything', 'memory']);
  });

  it('blue-green: the old version keeps answering until the new one passed its gate', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const v1 = w.repo.commit(w.server('web', delayedHttp(p1, 0)));
    const d = await w.start();
    const before = await w.converged(d, v1, ['web']);
    const oldId = before.servers[0].instanceId;
    const oldPid = await w.pidOf(oldId);

    const samples: { start: number; end: number; ok: boolean; oldAlive: boolean; newOk: boolean }[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const start = Date.now();
        const oldAlive = isAlive(oldPid);
        const ok = await answers(`http://127.0.0.1:${p1}/mcp`);
        const newOk = await answers(`http://127.0.0.1:${p2}/mcp`);
        samples.push({ start, end: Date.now(), ok, oldAlive, newOk });
      }
    })();
    const v2 = w.repo.commit(w.server('web', delayedHttp(p2, 2000, { version: '2' })));
    const after = await w.converged(d, v2, ['web']);
    // the sampler itself must record the old instance dead (a check here could see it before the sampler does)
    await waitFor(() => samples.some((s) => !s.oldAlive), { what: 'the sampler to record the old instance stopped' });
    sampling = false;
    await sampler;

    const web = after.servers[0];
    expect(web).toMatchObject({ version: '2', endpoint: `${d.url}/mcp/web` });
    expect(await answers(web.endpoint!)).toBe(true); // the HTTP server through the gateway
    expect(web.instanceId).not.toBe(oldId);
    const newStarted = Date.parse(web.startedAt!);
    const gatePassed = Date.parse(web.deployedAt!);
    // its gate waited for it to listen: the new instance ran, did not answer yet, and only then passed
    expect(samples.some((s) => s.start >= newStarted && s.end <= gatePassed && !s.newOk)).toBe(true);
    // every probe that finished before the new gate passed was answered by the old instance...
    const beforeCutover = samples.filter((s) => s.end < gatePassed);
    expect(beforeCutover.every((s) => s.ok && s.oldAlive)).toBe(true);
    // ...including while the new instance was already running
    expect(beforeCutover.filter((s) => s.start > newStarted).length).toBeGreaterThanOrEqual(1);
    // and the old one stopped only after that
    const firstDead = samples.find((s) => !s.oldAlive);
    expect(firstDead && firstDead.start).toBeGreaterThanOrEqual(gatePassed);
    expect(after.history.slice(0, 2).map((h) => h.result)).toEqual(['succeeded', 'succeeded']);
    await w.noOrphans(['web']);
  });

  it('waves: a dependent starts after its dependencies passed their gates; independent servers start in parallel', async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    const sha = w.repo.commit({
      ...w.server('a', delayedHttp(pa, 1200)),
      ...w.server('b', delayedHttp(pb, 1200)),
      ...w.server('c', everythingStdio({ dependsOn: ['a', 'b'] })),
    });
    const d = await w.start();
    const st = await w.converged(d, sha, ['a', 'b', 'c']);
    // the daemon's own account, in the order it happened (replayed from the first event)
    const sse = await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' });
    const at = (event: string, server: string): number => sse.events.findIndex((e) => e.event === event && e.data.server === server && e.data.commit === sha);
    try {
      await sse.until('c to pass its gate', () => at('gate.passed', 'c') >= 0);
    } finally {
      sse.close();
    }
    // a and b both started before either passed its gate; c started only after both passed
    expect(Math.max(at('server.starting', 'a'), at('server.starting', 'b'))).toBeLessThan(Math.min(at('gate.passed', 'a'), at('gate.passed', 'b')));
    expect(at('server.starting', 'c')).toBeGreaterThan(Math.max(at('gate.passed', 'a'), at('gate.passed', 'b')));
    expect(at('server.starting', 'a')).toBeGreaterThanOrEqual(0);
    const [a, b, c] = st.servers;
    const started = (s: typeof a): number => Date.parse(s.startedAt!);
    const passed = (s: typeof a): number => Date.parse(s.deployedAt!);
    // in parallel: each started before the other passed its gate (one after the other, one would start after)
    expect(started(b)).toBeLessThan(passed(a));
    expect(started(a)).toBeLessThan(passed(b));
    expect(started(c)).toBeGreaterThanOrEqual(Math.max(passed(a), passed(b)));
  });

  it('disabling or deleting a server in git stops it; an unlabeled instance is never touched', async () => {
    // looks exactly like a managed server, but the daemon did not start it
    const stranger = await rt.stranger(w.marker);
    try {
      const first = w.repo.commit({ ...w.server('x', everythingStdio()), ...w.server('y', everythingStdio()), ...w.server('z', everythingStdio()) });
      const d = await w.start();
      const st = await w.converged(d, first, ['x', 'y', 'z']);
      const [x, y, z] = await Promise.all(st.servers.map((s) => w.pidOf(s.instanceId)));
      const next = w.repo.commit({ ...w.server('y', everythingStdio({ enabled: false })), 'servers/z.yaml': null });
      const after = await w.converged(d, next, ['x']);
      expect(after.history[0]).toMatchObject({ commit: next, result: 'succeeded', message: '0 servers rolled out, 2 pruned' });
      await waitFor(() => !isAlive(y) && !isAlive(z), { what: 'y and z to stop' });
      expect(isAlive(x)).toBe(true);
      expect(await stranger.alive()).toBe(true);
      await w.noOrphans(['x']);
      const left = await w.instanceIds();
      expect(await d.stop()).toBe(0);
      // a graceful stop: the process runtime stops its children, docker leaves containers to adopt
      if (rt.keepsInstancesOnStop) expect(await w.instanceIds()).toEqual(left);
      else expect(w.pids()).toEqual([]);
      expect(await stranger.alive()).toBe(true);
    } finally {
      await stranger.remove();
    }
  });
});
