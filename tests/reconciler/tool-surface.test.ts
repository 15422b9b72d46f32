// The tool surface through a rollout: recorded at the gate, durable, diffed per rollout, and a
// version that drops a tool is reverted with BreakingToolChange unless the spec allows it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActiveInstance, GatewayRouter } from '../../src/gateway/router.js';
import { StateStore } from '../../src/state/store.js';
import { surfaceOf } from '../../src/tools/surface.js';
import { useHarness, file, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

describe('tool surface in the rollout', () => {
  it('records the surface, refuses a removed tool, accepts it when allowed, and diffs each rollout', async () => {
    const first = await h.startWith(file('s', { tools: ['echo', 'fetch'] }));
    let st = h.r.status();
    const surface = st.servers[0].toolSurface!;
    expect(Object.keys(surface.tools)).toEqual(['echo', 'fetch']);
    expect(surface.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(h.store.get().servers.s.toolSurface).toEqual(surface);
    expect(st.history[0].toolChanges).toEqual({ s: { added: ['echo', 'fetch'], removed: [], changed: [] } });
    const old = h.runtime.only('s').id;

    const bad = await h.deploy(file('s', { version: '2', tools: ['echo'] }));
    st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: bad, result: 'reverted', reason: 'BreakingToolChange', message: 's: breaking tool change: removed: fetch' });
    expect(st.history[0].toolChanges).toBeUndefined();
    expect(st).toMatchObject({ phase: 'Failed', reason: 'BreakingToolChange', revision: { applied: first } });
    expect(h.runtime.only('s').id).toBe(old);
    expect(h.timeline.events('gate.failed').map((e) => e.code)).toEqual(['BreakingToolChange']);
    expect(st.servers[0].toolSurface).toEqual(surface);

    const ok = await h.deploy(file('s', { version: '3', tools: ['echo', 'search'], allowRemoved: ['fetch'] }));
    st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: ok, result: 'succeeded', toolChanges: { s: { added: ['search'], removed: ['fetch'], changed: [] } } });
    expect(Object.keys(st.servers[0].toolSurface!.tools)).toEqual(['echo', 'search']);
    expect(h.timeline.events('server.tools').at(-1)).toEqual({
      type: 'server.tools',
      server: 's',
      commit: ok,
      added: ['search'],
      removed: ['fetch'],
      changed: [],
    });

    // a new version with the same tools changes nothing of the surface: no diff recorded
    await h.deploy(file('s', { version: '4', tools: ['echo', 'search'] }));
    expect(h.r.status().history[0]).toMatchObject({ result: 'succeeded' });
    expect(h.r.status().history[0].toolChanges).toBeUndefined();
  });

  it('the approved surface survives a restart: a kept instance keeps it in /status', async () => {
    await h.startWith(file('s', { tools: ['echo', 'fetch'] }));
    const surface = h.r.status().servers[0].toolSurface!;
    await h.r.stop();
    const { store } = await StateStore.open(join(h.dir, 'state'));
    const r2 = h.reconciler(store, h.runtime);
    await r2.start();
    await r2.idle();
    expect(r2.status().servers[0]).toMatchObject({ phase: 'Running', toolSurface: surface });
    expect(h.timeline.events('gate.passed')).toHaveLength(1); // kept, not gated again
    expect(Object.keys(surface.tools)).toEqual(['echo', 'fetch']);
    expect(surface.tools.echo).toEqual(
      surfaceOf([{ name: 'echo', description: 'echo tool', inputSchema: store.get().servers.s.toolInputSchemas!.echo }]).tools.echo,
    );
  });

  it('a state file from before tool surfaces were kept loads, and the next version is not checked against nothing', async () => {
    await h.startWith(file('s', { tools: ['echo', 'fetch'] }));
    await h.store.update((s) => {
      delete s.servers.s.toolSurface;
      delete s.servers.s.toolInputSchemas;
    });
    const next = await h.deploy(file('s', { version: '2', tools: ['echo'] }));
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: next, result: 'succeeded' });
    expect(st.history[0].toolChanges).toBeUndefined();
    expect(Object.keys(h.store.get().servers.s.toolSurface!.tools)).toEqual(['echo']);
  });

  it('the gateway is handed the approved surface: at the gate for a new instance, from state for one kept after a restart', async () => {
    const active: ActiveInstance[] = [];
    const router = (): GatewayRouter => ({ setActive: (_s, i) => active.push(...[i].flat()), retire: () => Promise.resolve() });
    h.source.commit(file('s', { tools: ['echo', 'fetch'] }));
    const { store } = await StateStore.open(join(h.dir, 'state-router'));
    const r1 = h.reconciler(store, h.runtime, { router: router() });
    await r1.start();
    await r1.idle();
    const surface = r1.status().servers[0].toolSurface!;
    expect(active.at(-1)).toMatchObject({ id: h.runtime.only('s').id, approvedSurface: surface });
    await r1.stop();
    active.length = 0;
    const { store: again } = await StateStore.open(join(h.dir, 'state-router'));
    const r2 = h.reconciler(again, h.runtime, { router: router() });
    await r2.start();
    await r2.idle();
    expect(h.timeline.events('gate.passed')).toHaveLength(1); // kept: its surface comes from state
    expect(active).toEqual([expect.objectContaining({ id: h.runtime.only('s').id, approvedSurface: surface })]);
  });
});
