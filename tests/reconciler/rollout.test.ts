// Rolling out commits: waves, strategies, untouched servers, pruning.
import { describe, expect, it } from 'vitest';
import { useHarness, file, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

const startWith = (files: Record<string, string>): Promise<string> => h.startWith(files);

describe('rollout', () => {
  it('deploys a new commit: Running/Healthy with its tools, applied == lastGood == head', async () => {
    const sha = await startWith(file('memory', { tools: ['read_graph', 'create_entities'], expectTools: ['read_graph'] }));
    const st = h.r.status();
    expect(st.revision).toEqual({ head: sha, applied: sha, lastGood: sha });
    expect(st.phase).toBe('Synced');
    expect(st.history[0]).toMatchObject({ commit: sha, result: 'succeeded' });
    expect(st.servers).toEqual([
      expect.objectContaining({
        name: 'memory',
        version: '1',
        commit: sha,
        phase: 'Running',
        health: 'Healthy',
        tools: ['read_graph', 'create_entities'],
        endpoint: 'memory://memory',
        instanceId: h.runtime.only('memory').id,
      }),
    ]);
    expect(h.r.ready).toBe(true);
  });

  it('starts a wave only after every server of the previous wave passed its gate; a wave starts together', async () => {
    await startWith({
      ...file('db'),
      ...file('cache'),
      ...file('api', { dependsOn: ['db', 'cache'] }),
      ...file('ui', { dependsOn: ['api'] }),
    });
    const t = h.timeline;
    const passed = (s: string): number => t.seq(`${s} gate passed`, (e) => e.op === 'event' && e.event.type === 'gate.passed' && e.event.server === s);
    const started = (s: string): number => t.seq(`${s} start`, (e) => e.op === 'start' && e.server === s);
    // db and cache start before either has passed its gate: in parallel
    expect(Math.max(started('db'), started('cache'))).toBeLessThan(Math.min(passed('db'), passed('cache')));
    expect(started('api')).toBeGreaterThan(Math.max(passed('db'), passed('cache')));
    expect(started('ui')).toBeGreaterThan(passed('api'));
    expect(t.events('wave.started').map((w) => [w.wave, w.of, w.servers])).toEqual([
      [1, 3, ['cache', 'db']],
      [2, 3, ['api']],
      [3, 3, ['ui']],
    ]);
  });

  it('leaves unchanged servers alone: same instance, no gate', async () => {
    await startWith({ ...file('a'), ...file('b'), ...file('c', { dependsOn: ['a'] }) });
    const before = { a: h.runtime.only('a').id, c: h.runtime.only('c').id };
    const gates = h.timeline.events('gate.passed').length;
    await h.deploy(file('b', { version: '2' }));
    expect(h.runtime.only('a').id).toBe(before.a);
    expect(h.runtime.only('c').id).toBe(before.c);
    expect(h.timeline.events('gate.passed').length).toBe(gates + 1);
    expect(h.r.status().servers.find((s) => s.name === 'b')).toMatchObject({ version: '2', phase: 'Running' });
  });

  it('blue-green: the new instance starts beside the old; the old goes only after the new passed its gate', async () => {
    await startWith(file('s', { version: '1' }));
    const old = h.runtime.only('s').id;
    await h.deploy(file('s', { version: '2' }));
    const t = h.timeline;
    const startNew = t.seq('start v2', (e) => e.op === 'start' && e.version === '2');
    const passNew = t.seq('gate v2', (e) => e.op === 'event' && e.event.type === 'gate.passed' && e.seq > startNew);
    const removeOld = t.seq('remove v1', (e) => e.op === 'remove' && e.id === old);
    expect(startNew).toBeLessThan(passNew);
    expect(passNew).toBeLessThan(removeOld);
    expect(h.runtime.only('s').id).not.toBe(old);
  });

  it('recreate: the old instance is removed before the new one starts', async () => {
    await startWith(file('s', { version: '1', strategy: 'recreate' }));
    const old = h.runtime.only('s').id;
    await h.deploy(file('s', { version: '2', strategy: 'recreate' }));
    const t = h.timeline;
    expect(t.seq('remove v1', (e) => e.op === 'remove' && e.id === old)).toBeLessThan(t.seq('start v2', (e) => e.op === 'start' && e.version === '2'));
    expect(h.r.status().servers[0]).toMatchObject({ version: '2', phase: 'Running' });
  });

  it('stops a server that is disabled or deleted in git, and forgets it in /status', async () => {
    await startWith({ ...file('keep'), ...file('off'), ...file('gone') });
    const sha = await h.deploy({ ...file('off', { enabled: false }), 'servers/gone.yaml': null });
    expect([...h.runtime.running().keys()]).toEqual(['keep']);
    const st = h.r.status();
    expect(st.servers.map((s) => s.name)).toEqual(['keep']);
    expect(st.history[0]).toMatchObject({ commit: sha, result: 'succeeded', message: '0 servers rolled out, 2 pruned' });
    expect(Object.keys(h.store.get().servers)).toEqual(['keep']);
  });

  it('a forced sync of the applied commit changes nothing but is recorded', async () => {
    const sha = await startWith(file('a'));
    const id = h.runtime.only('a').id;
    const st = await h.sync('api', true);
    expect(st.history.map((x) => [x.commit, x.result])).toEqual([
      [sha, 'succeeded'],
      [sha, 'succeeded'],
    ]);
    expect(h.runtime.only('a').id).toBe(id);
  });
});
