// A fault of the machine is not a fault of the commit: a full disk while checking out a commit, an
// unwritable state dir, a runtime failing for now. None marks the commit failed or reverts a good
// one; /status says Degraded with the reason, the sync retries by itself and lands once it is gone.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STATE_FILE } from '../../src/state/store.js';
import { useHarness, file, waitFor, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

const advance = async (ms: number): Promise<void> => {
  h.clock.advance(ms);
  await h.r.idle();
};

function enospc(): Error {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
}

async function onDisk(): Promise<{ applied: string | null; history: { commit: string; result: string; reason?: string }[] }> {
  return JSON.parse(await readFile(join(h.dir, 'state', STATE_FILE), 'utf8')) as { applied: string | null; history: { commit: string; result: string }[] };
}

describe('environment faults: retried, never blamed on the commit', () => {
  it('disk full while checking out a commit: nothing recorded against it, Degraded StateWriteFailed, lands by itself once space is back', async () => {
    const good = await h.startWith(file('s'));
    const old = h.runtime.only('s').id;
    h.faults.workdir = enospc();
    const next = await h.deploy(file('s', { version: '2' }));
    let st = h.r.status();
    expect(st).toMatchObject({ phase: 'Degraded', reason: 'StateWriteFailed', failedRevision: null, revision: { head: next, applied: good } });
    expect(st.lastError).toMatchObject({ reason: 'StateWriteFailed', message: 'ENOSPC: no space left on device, write' });
    expect(st.history.map((x) => x.commit)).toEqual([good]);
    expect(h.runtime.only('s').id).toBe(old);
    expect(h.timeline.events('sync.retrying')).toEqual([
      { type: 'sync.retrying', code: 'StateWriteFailed', message: 'ENOSPC: no space left on device, write', retryInSeconds: 1 },
    ]);
    await advance(1010); // still full: retried, and the next wait doubles
    expect(h.timeline.events('sync.retrying').map((e) => e.retryInSeconds)).toEqual([1, 2]);
    h.faults.workdir = null;
    await advance(2010);
    st = h.r.status();
    expect(st).toMatchObject({ phase: 'Synced', reason: 'Synced', lastError: null, failedRevision: null, revision: { applied: next, lastGood: next } });
    expect(st.history.map((x) => [x.commit, x.result, x.reason])).toEqual([
      [next, 'succeeded', 'Synced'],
      [good, 'succeeded', 'Synced'],
    ]);
  });

  it('a state dir that cannot be written: the intent cannot be recorded, so nothing acts; what runs stays; fixed, it converges', async () => {
    const good = await h.startWith(file('s'));
    const old = h.runtime.only('s').id;
    const stateDir = join(h.dir, 'state');
    await rm(stateDir, { recursive: true });
    await writeFile(stateDir, 'not a directory'); // every write into it fails (ENOTDIR), even for root
    const next = await h.deploy(file('s', { version: '2' }));
    const st = h.r.status();
    expect(st).toMatchObject({ phase: 'Degraded', reason: 'StateWriteFailed', failedRevision: null, revision: { applied: good } });
    expect(st.lastError?.message).toMatch(/^cannot write the state file in .*: ENOTDIR/);
    expect(h.timeline.ops('start').filter((e) => e.version === '2')).toEqual([]); // do not act yet
    expect(h.runtime.only('s').id).toBe(old);
    expect(h.r.status().history.map((x) => x.commit)).toEqual([good]);
    await rm(stateDir);
    await mkdir(stateDir);
    await advance(1010);
    expect(h.r.status()).toMatchObject({ phase: 'Synced', lastError: null, revision: { applied: next } });
    expect(await onDisk()).toMatchObject({ applied: next, history: [{ commit: next, result: 'succeeded', reason: 'Synced' }, { commit: good }] });
  });

  it('the outcome cannot be written: it stays in memory (nothing forgotten), and is written once the disk is back', async () => {
    const good = await h.startWith(file('s'));
    const stateDir = join(h.dir, 'state');
    h.runtime.hold('s2');
    const next = h.source.commit(file('s', { version: '2', hold: 's2' }));
    h.r.requestSync('commit');
    // the intent is written, the gate waits; then the state dir becomes unwritable
    await waitFor('the new instance to be gated', () => h.timeline.events('server.starting').some((e) => e.version === '2'));
    await rm(stateDir, { recursive: true });
    await writeFile(stateDir, 'not a directory');
    h.runtime.release('s2');
    await h.r.idle();
    let st = h.r.status();
    expect(st).toMatchObject({ phase: 'Degraded', reason: 'StateWriteFailed', failedRevision: null, revision: { applied: next, lastGood: next } });
    expect(st.history.map((x) => [x.commit, x.result])).toEqual([
      [next, 'succeeded'],
      [good, 'succeeded'],
    ]);
    expect(h.runtime.only('s').labels.commit).toBe(next); // one version runs, the new one
    await rm(stateDir);
    await mkdir(stateDir);
    await advance(1010); // the retry writes what memory holds
    st = h.r.status();
    expect(st).toMatchObject({ phase: 'Synced', reason: 'Synced', lastError: null, revision: { applied: next } });
    expect(await onDisk()).toMatchObject({ applied: next, history: [{ commit: next, result: 'succeeded', reason: 'Synced' }, { commit: good }] });
  });

  it('a transient runtime error keeps the good commit, reports RuntimeUnavailable and counts it as sync.retrying', async () => {
    const good = await h.startWith(file('s'));
    h.runtime.transientFailures = true;
    h.runtime.failStarts.set('s', 1);
    const next = await h.deploy(file('s', { version: '2' }));
    expect(h.r.status()).toMatchObject({ phase: 'Degraded', reason: 'RuntimeUnavailable', failedRevision: null, revision: { applied: good } });
    expect(h.timeline.events('sync.retrying').map((e) => e.code)).toEqual(['RuntimeUnavailable']);
    await advance(1010);
    expect(h.r.status()).toMatchObject({ phase: 'Synced', revision: { applied: next } });
  });
});
