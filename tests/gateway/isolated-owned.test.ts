// An isolated session's instance is the gateway's from the moment a sync can see it: a plan decided
// while runtime.start() has not returned yet must not count it (it counted it as an extra instance
// of the server and pruned it, so the session's initialize got "no instance <id>", UPSTREAM_UNAVAILABLE).
// The start is held open here until the plan has been decided, so the window is hit every time.
import { afterEach, expect, it } from 'vitest';
import type { Instance, StartContext } from '../../src/runtimes/runtime.js';
import { planNow } from '../../src/reconciler/converge.js';
import { isolatedSource, OwnedInstances } from '../../src/gateway/upstream/isolated-upstream.js';
import type { RenderedServer } from '../../src/spec/desired.js';
import { createHarness, type Harness } from '../runtimes/process/helpers/harness.js';
import { everything } from '../runtimes/process/helpers/servers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

it('a plan decided while a session instance is still starting neither keeps nor prunes it', { timeout: 60_000 }, async () => {
  h = await createHarness();
  const rt = h.runtime();
  const spec = { ...everything('iso', 'stdio').spec, gateway: { sessions: 'isolated' as const } };
  const server: RenderedServer = { ...everything('iso', 'stdio'), spec, masked: spec };
  const probe = await rt.start(server, h.ctx);
  const owned = new OwnedInstances();
  const plans: { seen: boolean; inPlan: boolean }[] = [];
  const runtime = {
    connect: rt.connect.bind(rt),
    remove: rt.remove.bind(rt),
    // a sync polls while the session's instance is started: it runs, yet start() has not returned
    async start(s: RenderedServer, ctx: StartContext): Promise<Instance> {
      const inst = await rt.start(s, ctx);
      const { plan, instances } = await planNow([server], { runtime: rt, verified: () => [], sharedPorts: false, owns: (i) => owned.has(i) });
      plans.push({ seen: instances.some((i) => i.id === inst.id), inPlan: JSON.stringify(plan).includes(inst.id) });
      return inst;
    },
  };
  const source = isolatedSource({
    server,
    ctx: h.ctx,
    runtime,
    connectTimeoutMs: 20_000,
    logger: { debug: () => undefined, info: () => undefined, warn: () => undefined },
    owned,
  });
  const up = await source.open({
    clientInfo: { name: 'c', version: '1' },
    capabilities: {},
    peer: { notify: () => undefined, request: () => Promise.reject(new Error('no client requests here')), lost: () => undefined },
  });
  try {
    expect(up.info.serverInfo.name).toBeTruthy();
    expect(plans).toEqual([{ seen: false, inPlan: false }]);
    const session = (await rt.observe()).find((i) => i.id !== probe.id && i.labels.server === 'iso');
    expect(session && owned.has(session)).toBe(true);
  } finally {
    await up.release();
    await source.close();
  }
});
