// Drift repair between syncs: crashed instances come back from the applied commit, with backoff.
import { describe, expect, it } from 'vitest';
import { useHarness, file, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

const startWith = (files: Record<string, string>): Promise<string> => h.startWith(files);

/** Moves the clock and lets whatever sync that started finish. */
async function advance(ms: number): Promise<void> {
  h.clock.advance(ms);
  await h.r.idle();
}

const server = (name: string) => h.r.status().servers.find((s) => s.name === name)!;

describe('drift repair', () => {
  it('restarts a crashed server with backoff 1s, 2s, 4s and shows it in /status; other servers untouched', async () => {
    await startWith({ ...file('s'), ...file('other') });
    const other = h.runtime.only('other').id;
    const delays = [1000, 2000, 4000];
    for (const [n, delay] of delays.entries()) {
      h.runtime.exit(h.runtime.only('s').id);
      expect(server('s')).toMatchObject({ phase: 'Failed', health: 'Unhealthy', reason: 'CrashLoopBackOff', restarts: n + 1, instanceId: null });
      expect(server('s').message).toBe(`killed by signal SIGKILL; restarting in ${delay / 1000}s (CrashLoopBackOff, ${n + 1} restart${n === 0 ? '' : 's'})`);
      expect(h.r.status()).toMatchObject({ phase: 'Degraded', reason: 'CrashLoopBackOff' });
      await advance(delay - 100);
      expect(h.runtime.running().has('s')).toBe(false);
      await advance(200);
      expect(h.runtime.running().get('s')).toHaveLength(1);
      expect(server('s')).toMatchObject({ phase: 'Running', health: 'Healthy', restarts: n + 1, instanceId: h.runtime.only('s').id });
      expect(server('s').message).toMatch(/^health gate passed in .*; restarted \d times? after: killed by signal SIGKILL$/);
    }
    expect(h.runtime.only('other').id).toBe(other);
    expect(h.timeline.events('drift.repaired').map((e) => e.server)).toEqual(['s', 's', 's']);
    expect(h.timeline.events('server.crashed').map((e) => e.retryInSeconds)).toEqual([1, 2, 4]);
    expect(h.r.status().phase).toBe('Synced');
  });

  it('a restart that fails keeps the backoff growing', async () => {
    await startWith(file('s'));
    h.runtime.failStarts.set('s', 2);
    h.runtime.exit(h.runtime.only('s').id);
    await advance(1010);
    expect(server('s')).toMatchObject({ phase: 'Failed', restarts: 2 });
    expect(server('s').message).toMatch(/^s: failed to start: cannot start s: engine error; restarting in 2s/);
    await advance(2010);
    expect(server('s').message).toMatch(/restarting in 4s \(CrashLoopBackOff, 3 restarts\)$/);
    await advance(3900);
    expect(h.runtime.running().has('s')).toBe(false);
    await advance(200);
    expect(server('s')).toMatchObject({ phase: 'Running', restarts: 3 });
  });

  it('the backoff resets after 10 minutes healthy', async () => {
    await startWith(file('s'));
    h.runtime.exit(h.runtime.only('s').id);
    await advance(1010);
    h.runtime.exit(h.runtime.only('s').id);
    expect(server('s').message).toMatch(/restarting in 2s/);
    await advance(2010);
    await advance(10 * 60_000);
    h.runtime.exit(h.runtime.only('s').id);
    expect(server('s').message).toMatch(/restarting in 1s \(CrashLoopBackOff, 1 restart\)$/);
  });

  it('a new commit for a crash-looping server starts it at once with a fresh count', async () => {
    await startWith(file('s'));
    h.runtime.exit(h.runtime.only('s').id);
    await h.deploy(file('s', { version: '2' }));
    expect(server('s')).toMatchObject({ version: '2', phase: 'Running', restarts: 0 });
  });

  it('an unreachable source keeps what runs, reports lastError, and retries with backoff', async () => {
    const sha = await startWith(file('s'));
    const id = h.runtime.only('s').id;
    h.source.headError = new Error('git: connection refused');
    await h.sync('poll');
    expect(h.r.status()).toMatchObject({
      lastError: { reason: 'SourceUnavailable', code: 'SOURCE_UNAVAILABLE', message: 'git: connection refused' },
      revision: { applied: sha },
    });
    expect(h.r.status().message).toMatch(/^Waiting to retry/);
    const heads = h.source.heads;
    await advance(1010); // first retry after 1 s
    expect(h.source.heads).toBe(heads + 1);
    await advance(1500);
    expect(h.source.heads).toBe(heads + 1); // the next one after 2 s
    h.source.headError = null;
    await advance(600);
    expect(h.r.status().lastError).toBeNull();
    expect(h.runtime.only('s').id).toBe(id);
  });
});
