// Suspend and resume: the head is read and shown, no new commit is applied, what runs keeps running
// (and is repaired unless suspendRepair is false); kept across restarts; resume syncs at once.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StateStore } from '../../src/state/store.js';
import { file, useHarness, type Harness } from './helpers/harness.js';
import { MemoryRuntime } from './helpers/memory-runtime.js';

let h: Harness;
useHarness((x) => (h = x));

async function advance(ms: number): Promise<void> {
  h.clock.advance(ms);
  await h.r.idle();
}

describe('suspend and resume', () => {
  it('holds a new commit (head shown, nothing started, no history), then resume applies it at once', async () => {
    const good = await h.startWith(file('s'));
    const id = h.runtime.only('s').id;
    const { suspended, changed } = await h.r.suspend('api', 'release freeze');
    expect(changed).toBe(true);
    expect(suspended).toMatchObject({ by: 'api', reason: 'release freeze' });
    expect(h.store.get().suspended).toEqual(suspended);
    expect(h.timeline.events('sync.suspended')).toEqual([expect.objectContaining({ by: 'api', reason: 'release freeze', code: 'Suspended' })]);
    expect(await h.r.suspend('api', 'again')).toEqual({ suspended, changed: false });

    const next = h.source.commit(file('s', { version: '2' }));
    const st = await h.sync('poll');
    expect(st).toMatchObject({ phase: 'Suspended', reason: 'Suspended', suspended, revision: { head: next, applied: good, lastGood: good } });
    expect(st.message).toBe(`Suspended by api (release freeze): ${good.slice(0, 7)} runs; head ${next.slice(0, 7)} waits`);
    expect(st.history).toHaveLength(1);
    expect(h.runtime.only('s').id).toBe(id);
    await h.sync('force', true); // a forced sync holds too
    expect(h.runtime.only('s').id).toBe(id);
    expect((await h.r.preview()).notes.join()).toMatch(/^suspended: .* is not applied until a resume; the next sync only repairs drift/);

    const { resumed, syncId } = await h.r.resume('api');
    expect(resumed).toBe(true);
    await h.r.idle();
    const after = h.r.status();
    expect(after).toMatchObject({ phase: 'Synced', suspended: null, revision: { head: next, applied: next } });
    expect(after.history[0]).toMatchObject({ id: syncId, commit: next, result: 'succeeded' });
    expect(h.timeline.events('sync.resumed')).toEqual([expect.objectContaining({ by: 'api', syncId })]);
    expect(await h.r.resume('api')).toMatchObject({ resumed: false });
  });

  it('repairs a crashed server while suspended by default; with suspendRepair false it leaves it down', async () => {
    await h.startWith(file('s'));
    await h.r.suspend('api', null);
    h.runtime.exit(h.runtime.only('s').id);
    await advance(1010);
    expect(h.runtime.running().get('s')).toHaveLength(1);
    expect(h.r.status().phase).toBe('Suspended');

    await h.r.stop();
    const r2 = h.reconciler(h.store, h.runtime, { suspendRepair: false });
    await r2.start();
    await r2.idle();
    h.runtime.exit(h.runtime.only('s').id);
    h.clock.advance(1010);
    await r2.idle();
    expect(h.runtime.running().has('s')).toBe(false);
    expect(r2.status()).toMatchObject({ phase: 'Suspended', servers: [expect.objectContaining({ reason: 'CrashLoopBackOff' })] });
  });

  it('survives a restart; after a reboot the applied commit is started even with suspendRepair false', async () => {
    const good = await h.startWith(file('s'));
    await h.r.suspend('api', 'freeze');
    const next = h.source.commit(file('s', { version: '2' }));
    await h.r.stop();
    const { store } = await StateStore.open(join(h.dir, 'state'));
    const rt = new MemoryRuntime(h.timeline, () => h.clock.now(), 'boot');
    const r2 = h.reconciler(store, rt, { suspendRepair: false });
    await r2.start();
    await r2.idle();
    expect(r2.status()).toMatchObject({ phase: 'Suspended', suspended: { by: 'api', reason: 'freeze' }, revision: { head: next, applied: good } });
    expect(rt.only('s').labels.commit).toBe(good);
    await r2.resume('api');
    await r2.idle();
    expect(r2.status().revision.applied).toBe(next);
  });

  it('startSuspended: a first start applies nothing new; a state already suspended keeps who suspended it', async () => {
    const first = h.source.commit(file('s'));
    const r2 = h.reconciler(h.store, h.runtime, { startSuspended: { reason: null } });
    await r2.start();
    await r2.idle();
    expect(r2.status()).toMatchObject({ phase: 'Suspended', suspended: { by: 'cli flag', reason: null }, revision: { head: first, applied: null } });
    expect(h.runtime.running().size).toBe(0);
    await r2.stop();
    await h.store.update((s) => {
      s.suspended = { by: 'api', at: '2026-01-01T00:00:00.000Z', reason: 'kept' };
    });
    const r3 = h.reconciler(h.store, h.runtime, { startSuspended: { reason: null } });
    await r3.start();
    await r3.idle();
    expect(r3.status().suspended).toMatchObject({ by: 'api', reason: 'kept' });
  });
});
