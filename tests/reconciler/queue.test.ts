// The trigger queue: bursts coalesce, a newer commit supersedes gates that still wait.
import { describe, expect, it } from 'vitest';
import { useHarness, file, waitFor, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

const startWith = (files: Record<string, string>): Promise<string> => h.startWith(files);

const checks = (): number => h.r.status().checks ?? 0;

describe('coalescing', () => {
  it('a burst on an idle loop runs at most 2 syncs, and the coalesced triggers share one id', async () => {
    await startWith(file('a'));
    const before = checks();
    const ids = Array.from({ length: 25 }, (_, i) => h.r.requestSync(`webhook-${i}`));
    await h.r.idle();
    expect(checks() - before).toBe(2);
    expect(new Set(ids.slice(1)).size).toBe(1);
    expect(ids[1]).toBe(ids[0] + 1);
  });

  it('a burst while gates wait becomes exactly one more sync, carrying any force', async () => {
    const good = await startWith(file('a'));
    h.runtime.hold('b');
    h.source.commit(file('b', { hold: 'b' }));
    h.r.requestSync('commit');
    await waitFor('b started', () => h.timeline.ops('start', 'b').length === 1);
    const before = checks();
    for (let i = 0; i < 50; i++) h.r.requestSync('webhook', i === 17);
    h.runtime.release('b');
    await h.r.idle();
    expect(checks() - before).toBe(1);
    const st = h.r.status();
    // the forced sync re-ran the (now applied) head: a second history entry for it
    expect(st.history.map((x) => x.result)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(st.history[2].commit).toBe(good);
  });
});

describe('supersede', () => {
  it('a newer commit while a start still waits (no gate yet): the start is given up, the sync superseded', async () => {
    await startWith(file('s'));
    const x = h.source.commit(file('s', { version: '2', behavior: 'slow-start' }));
    h.r.requestSync('commit');
    await waitFor('the slow start to begin', () => h.timeline.ops('starting', 's').length === 1 || undefined);
    const y = h.source.commit(file('s', { version: '3' }));
    h.r.requestSync('webhook');
    await h.r.idle();
    const st = h.r.status();
    expect(st.history.map((e) => [e.commit, e.result]).slice(0, 2)).toEqual([
      [y, 'succeeded'],
      [x, 'superseded'],
    ]);
    expect(st.servers[0]).toMatchObject({ version: '3', phase: 'Running' });
  });

  it('a newer commit while gates wait: the running sync is superseded, its gates cancelled, the newer applied', async () => {
    await startWith(file('s'));
    const v1 = h.runtime.only('s').id;
    h.runtime.hold('x');
    const x = h.source.commit(file('s', { version: '2', hold: 'x' }));
    h.r.requestSync('commit');
    const xInstance = await waitFor('v2 started', () => h.timeline.ops('start', 's').find((e) => e.version === '2')?.id);
    expect(h.r.status()).toMatchObject({ phase: 'Progressing', message: expect.stringMatching(/^Applying [0-9a-f]{7}: wave 1 of 1$/) as unknown });
    const y = h.source.commit(file('s', { version: '3' }));
    h.r.requestSync('webhook');
    await h.r.idle();
    const st = h.r.status();
    expect(st.history.map((e) => [e.commit, e.result])).toEqual([
      [y, 'succeeded'],
      [x, 'superseded'],
      [expect.any(String), 'succeeded'],
    ]);
    expect(st.revision).toMatchObject({ head: y, applied: y, lastGood: y });
    expect(h.timeline.ops('remove').map((e) => e.id)).toEqual([xInstance, v1]);
    expect(st.servers[0]).toMatchObject({ version: '3', phase: 'Running' });
    expect(h.store.get().inFlight).toBeNull();
  });

  it('the newer commit is synced from what is observed: a server that already passed its gate is kept', async () => {
    await startWith({ ...file('a'), ...file('b', { dependsOn: ['a'] }) });
    h.runtime.hold('b2');
    h.source.commit({ ...file('a', { version: '2' }), ...file('b', { version: '2', dependsOn: ['a'], hold: 'b2' }) });
    h.r.requestSync('commit');
    const b2 = await waitFor('b v2 started', () => h.timeline.ops('start', 'b').find((e) => e.version === '2')?.id);
    const a2 = h.timeline.ops('start', 'a').find((e) => e.version === '2')!.id;
    const y = h.source.commit(file('b', { version: '3', dependsOn: ['a'] }));
    h.r.requestSync('watch');
    await h.r.idle();
    expect(
      h.r
        .status()
        .history.slice(0, 2)
        .map((e) => e.result),
    ).toEqual(['succeeded', 'superseded']);
    expect(h.r.status().revision.applied).toBe(y);
    expect(h.runtime.only('a').id).toBe(a2); // not started again
    expect(h.timeline.ops('start', 'a')).toHaveLength(2);
    expect(h.timeline.ops('remove').map((e) => e.id)).toContain(b2);
    expect(h.r.status().servers.map((s) => [s.name, s.version])).toEqual([
      ['a', '2'],
      ['b', '3'],
    ]);
  });

  it('a trigger for the same head does not supersede', async () => {
    await startWith(file('s'));
    h.runtime.hold('x');
    const x = h.source.commit(file('s', { version: '2', hold: 'x' }));
    h.r.requestSync('commit');
    await waitFor('v2 started', () => h.timeline.ops('start', 's').length === 2);
    const heads = h.source.heads;
    h.r.requestSync('poll');
    await waitFor('the supersede check read the head', () => h.source.heads > heads);
    await new Promise((r) => setImmediate(r));
    h.runtime.release('x');
    await h.r.idle();
    expect(h.r.status().history[0]).toMatchObject({ commit: x, result: 'succeeded' });
  });

  it('stop() during a rollout cancels its gates at once and leaves it to the next start (inFlight)', async () => {
    const good = await startWith(file('s'));
    h.runtime.hold('x');
    const x = h.source.commit(file('s', { version: '2', hold: 'x' }));
    h.r.requestSync('commit');
    await waitFor('v2 started', () => h.timeline.ops('start', 's').length === 2);
    await h.r.stop();
    expect(h.store.get()).toMatchObject({ inFlight: { commit: x }, applied: good, history: [{ commit: good }] });
    expect(h.r.requestSync('poll')).toBe(-1);
  });

  it('stop() during a revert cancels it too; the next start finishes it', async () => {
    const good = await startWith(file('s', { strategy: 'recreate', hold: 'g' }));
    h.runtime.hold('g');
    const x = h.source.commit(file('s', { version: '2', strategy: 'recreate', behavior: 'exit' }));
    h.r.requestSync('commit');
    await waitFor('revert started v1', () => h.timeline.ops('start', 's').filter((e) => e.version === '1').length === 2);
    await h.r.stop();
    expect(h.store.get()).toMatchObject({ inFlight: { commit: x }, failedRevision: { commit: x }, applied: good });
  });
});
