// State survives restarts; a daemon that died mid-sync converges on the next start.
// A "crash" is simulated faithfully: the state dir is copied as it was at that moment, and a new
// runtime takes over the same instances (the abandoned reconciler keeps only its own view).
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Reconciler } from '../../src/reconciler/reconciler.js';
import { StateStore } from '../../src/state/store.js';
import { useHarness, file, waitFor, type Harness } from './helpers/harness.js';
import { MemoryRuntime } from './helpers/memory-runtime.js';

let h: Harness;
useHarness((x) => (h = x));

async function startWith(files: Record<string, string>): Promise<string> {
  const sha = h.source.commit(files);
  await h.r.start();
  await h.r.idle();
  h.clock.advance(1000);
  return sha;
}

/** The daemon dies now: a new one starts on a copy of the state dir and the surviving instances. */
async function crashAndRestart(prefix: string): Promise<{ r2: Reconciler; rt2: MemoryRuntime; store2: StateStore }> {
  const dir = join(h.dir, `state-${prefix}`);
  await cp(join(h.dir, 'state'), dir, { recursive: true });
  const rt2 = h.runtime.fork(prefix);
  const { store: store2 } = await StateStore.open(dir);
  const r2 = h.reconciler(store2, rt2);
  h.clock.advance(1000);
  await r2.start();
  await r2.idle();
  return { r2, rt2, store2 };
}

describe('durable state', () => {
  it('a new Reconciler on the same store keeps what runs: same instances, no new sync result', async () => {
    const sha = await startWith({ ...file('a'), ...file('b', { dependsOn: ['a'] }) });
    const ids = { a: h.runtime.only('a').id, b: h.runtime.only('b').id };
    const history = h.r.status().history;
    await h.r.stop();
    const { store } = await StateStore.open(join(h.dir, 'state'));
    const r2 = h.reconciler(store, h.runtime);
    await r2.start();
    await r2.idle();
    const st = r2.status();
    expect(st.revision).toEqual({ head: sha, applied: sha, lastGood: sha });
    expect(st.history).toEqual(history);
    expect({ a: h.runtime.only('a').id, b: h.runtime.only('b').id }).toEqual(ids);
    expect(st.servers.map((s) => [s.name, s.phase, s.health, s.instanceId])).toEqual([
      ['a', 'Running', 'Healthy', ids.a],
      ['b', 'Running', 'Healthy', ids.b],
    ]);
    expect(h.timeline.events('gate.passed')).toHaveLength(2);
  });

  it('after a reboot (nothing runs), the applied commit is started again', async () => {
    const sha = await startWith({ ...file('a'), ...file('b', { dependsOn: ['a'] }) });
    await h.r.stop();
    const { store } = await StateStore.open(join(h.dir, 'state'));
    const rt = new MemoryRuntime(h.timeline, () => h.clock.now(), 'boot');
    const r2 = h.reconciler(store, rt);
    await r2.start();
    await r2.idle();
    expect([...rt.running().keys()].sort()).toEqual(['a', 'b']);
    expect(r2.status()).toMatchObject({ phase: 'Synced', revision: { applied: sha } });
    expect(r2.status().history).toHaveLength(1);
  });

  it('inFlight recovery: a crash while a good commit is gated converges to it, gating the leftover in place', async () => {
    const good = await startWith(file('s'));
    const v1 = h.runtime.only('s').id;
    h.runtime.hold('x');
    const x = h.source.commit(file('s', { version: '2', hold: 'x' }));
    h.r.requestSync('commit');
    const v2 = await waitFor('v2 started', () => h.timeline.ops('start', 's').find((e) => e.version === '2')?.id);
    expect(h.store.get().inFlight).toMatchObject({ commit: x });

    const { r2, rt2, store2 } = await crashAndRestart('j');
    const st = r2.status();
    expect(st.history.map((e) => [e.commit, e.result])).toEqual([
      [x, 'succeeded'],
      [x, 'failed'],
      [good, 'succeeded'],
    ]);
    expect(st.history[1].message).toMatch(/^interrupted/);
    expect(st.revision).toEqual({ head: x, applied: x, lastGood: x });
    expect(rt2.only('s').id).toBe(v2);
    expect(h.timeline.events('server.verifying').map((e) => e.instanceId)).toEqual([v2]);
    expect(h.timeline.ops('remove').map((e) => e.id)).toEqual([v1]);
    expect(store2.get().inFlight).toBeNull();
  });

  it('inFlight recovery: a leftover of a bad commit is gated, not trusted, and the commit reverted', async () => {
    await startWith(file('s'));
    const v1 = h.runtime.only('s').id;
    h.runtime.hold('x');
    const x = h.source.commit(file('s', { version: '2', hold: 'x', expectTools: ['read_graph'] }));
    h.r.requestSync('commit');
    await waitFor('v2 started', () => h.timeline.ops('start', 's').some((e) => e.version === '2'));

    const { r2, rt2 } = await crashAndRestart('j');
    const st = r2.status();
    expect(st.history[0]).toMatchObject({ commit: x, result: 'reverted', message: 's: expectTools missing read_graph' });
    expect(st.failedRevision?.commit).toBe(x);
    expect(rt2.only('s').id).toBe(v1);
  });

  it('a crash mid-revert converges to last good, never a mix', async () => {
    const good = await startWith({ ...file('a'), ...file('s', { strategy: 'recreate', hold: 'g' }) });
    h.runtime.hold('g'); // the revert's fresh v1 instance of s waits at its gate
    const x = h.source.commit({ ...file('a', { version: '2' }), ...file('s', { version: '2', strategy: 'recreate', behavior: 'exit' }) });
    h.r.requestSync('commit');
    await waitFor('revert started s v1', () => h.timeline.ops('start', 's').filter((e) => e.version === '1').length === 2);
    expect(h.store.get()).toMatchObject({ inFlight: { commit: x }, failedRevision: { commit: x } });
    expect([...h.runtime.running().get('a')!].map((i) => i.labels.specHash)).toHaveLength(2); // a v1 and v2

    const { r2, rt2, store2 } = await crashAndRestart('j');
    const st = r2.status();
    expect(st.revision).toEqual({ head: x, applied: good, lastGood: good });
    expect(st.history[0]).toMatchObject({ commit: x, result: 'failed', message: expect.stringMatching(/^interrupted/) as unknown });
    expect([...rt2.running()].map(([name, list]) => [name, list.map((i) => i.labels.commit)])).toEqual([
      ['a', [good]],
      ['s', [good]],
    ]);
    // the revert's v1 of s never passed a gate before the crash: it was gated, not trusted
    expect(h.timeline.events('server.verifying').map((e) => e.server)).toEqual(['s']);
    expect(store2.get().inFlight).toBeNull();
    expect(st.servers.map((s) => [s.name, s.version, s.phase])).toEqual([
      ['a', '1', 'Running'],
      ['s', '1', 'Running'],
    ]);
  });
});
