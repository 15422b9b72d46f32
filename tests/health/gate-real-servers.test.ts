// The gate against the real reference servers, launched by the real process runtime.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { runGate } from '../../src/health/index.js';
import type { Runtime } from '../../src/runtimes/runtime.js';
import type { RenderedServer } from '../../src/spec/desired.js';
import { createHarness, type Harness } from '../runtimes/process/helpers/harness.js';
import { everything, memory } from '../runtimes/process/helpers/servers.js';
import { freePort, isAlive } from '../runtimes/process/helpers/system.js';

let h: Harness;
beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await h.cleanup();
});

function withHealth(server: RenderedServer, health: Partial<RenderedServer['spec']['health']>): RenderedServer {
  const spec = { ...server.spec, health: { ...server.spec.health, ...health } };
  return { ...server, spec, masked: spec };
}

/** Delegates to `inner`, counting transports handed out and closed. */
function spying(inner: Runtime): { runtime: Runtime; opened: number; closed: number } {
  const spy = { opened: 0, closed: 0, runtime: inner };
  spy.runtime = {
    capabilities: inner.capabilities,
    observe: () => inner.observe(),
    start: (s, c) => inner.start(s, c),
    remove: (id) => inner.remove(id),
    onExit: (l) => inner.onExit(l),
    shutdown: () => inner.shutdown(),
    connect: async (id) => {
      const t = await inner.connect(id);
      spy.opened++;
      const close = t.close.bind(t);
      t.close = () => {
        spy.closed++;
        return close();
      };
      return t;
    },
  };
  return spy;
}

describe('health gate with real MCP servers', () => {
  it.each([
    ['stdio', false],
    ['sse', true],
    ['streamableHttp', true],
  ] as const)('server-everything over %s passes with its real tool list', async (mode, http) => {
    const rt = h.runtime();
    const server = withHealth(everything('everything', mode, http ? await freePort() : undefined), { timeoutSeconds: 15, expectTools: ['echo', 'get-sum'] });
    const inst = await rt.start(server, h.ctx);
    const spy = spying(rt);

    const result = await runGate({ runtime: spy.runtime, instanceId: inst.id, server: server.spec });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    const names = result.tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(result.tools.find((t) => t.name === 'echo')?.description).toBeTruthy();
    // Every transport the gate opened was closed, the server itself still runs.
    expect(spy.opened).toBeGreaterThanOrEqual(1);
    expect(spy.closed).toBe(spy.opened);
    expect(isAlive(rt.pidOf(inst.id)!)).toBe(true);
  });

  it('server-memory passes with expectTools [read_graph]', async () => {
    const rt = h.runtime();
    const server = withHealth(memory('memory', join(h.base, 'memory.jsonl')), { expectTools: ['read_graph'] });
    const inst = await rt.start(server, h.ctx);
    const result = await runGate({ runtime: rt, instanceId: inst.id, server: server.spec });
    expect(result.ok && result.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['read_graph', 'create_entities']));
  });

  it('stays healthy through stabilizationSeconds, then leaves the stdio server usable', async () => {
    const rt = h.runtime();
    const server = withHealth(everything('everything', 'stdio'), { stabilizationSeconds: 1 });
    const inst = await rt.start(server, h.ctx);
    const t0 = Date.now();
    const result = await runGate({ runtime: rt, instanceId: inst.id, server: server.spec, stabilizationPingMs: 200 });
    expect(result.ok).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);

    const client = new Client({ name: 'after-gate', version: '1' });
    await client.connect(await rt.connect(inst.id));
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await client.close();
  });
});
