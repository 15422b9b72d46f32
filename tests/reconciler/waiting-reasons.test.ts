// Why a start waits or cannot start, in the runtime's own word (kubernetes: Unschedulable,
// ImagePullBackOff...): the server's reason in /status while it waits, and the failure's reason
// (server, history, gate.failed) when the start fails on it.
import { describe, expect, it } from 'vitest';
import type { ReconcileEvent } from '../../src/reconciler/events.js';
import { useHarness, file, waitFor, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

describe('waiting reasons', () => {
  it('a new server whose start waits shows the reason in /status before the start ends', async () => {
    await h.startWith(file('a'));
    const x = h.source.commit({ ...file('a'), ...file('s', { behavior: 'slow-start', waiting: 'Unschedulable' }) });
    h.r.requestSync('commit');
    const s = await waitFor('s to say why it waits', () => h.r.status().servers.find((v) => v.name === 's' && v.reason !== 'Progressing'));
    expect(s).toMatchObject({
      phase: 'Progressing',
      reason: 'Unschedulable',
      message: expect.stringMatching(/^starting from [0-9a-f]{7}: waiting: Unschedulable: pod not scheduled/) as unknown,
    });
    // the server that runs keeps its own reason
    expect(h.r.status().servers.find((v) => v.name === 'a')).toMatchObject({ phase: 'Running', reason: 'Healthy' });
    const y = h.source.commit({ ...file('a'), ...file('s', { version: '2' }) }); // the waiting start is given up
    h.r.requestSync('commit');
    await h.r.idle();
    expect(
      h.r
        .status()
        .history.slice(0, 2)
        .map((e) => [e.commit, e.result]),
    ).toEqual([
      [y, 'succeeded'],
      [x, 'superseded'],
    ]);
  });

  it('a running server that gets a waiting new instance stays Running with its reason; the message says what waits', async () => {
    await h.startWith(file('s'));
    h.source.commit(file('s', { version: '2', behavior: 'slow-start', waiting: 'ContainerCreating' }));
    h.r.requestSync('commit');
    const s = await waitFor('s to say why v2 waits', () => h.r.status().servers.find((v) => /waiting: ContainerCreating/.test(v.message)));
    expect(s).toMatchObject({ phase: 'Running', reason: 'Healthy' });
    h.source.commit(file('s', { version: '3' }));
    h.r.requestSync('commit');
    await h.r.idle();
  });

  it("a start that fails on the runtime's reason (ImagePullBackOff) carries it in the server, the history and gate.failed", async () => {
    const good = await h.startWith(file('a'));
    const events: ReconcileEvent[] = [];
    h.r.events.on((e) => events.push(e));
    const bad = await h.deploy({ ...file('a'), ...file('s', { behavior: 'pull-error' }) });
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: bad, result: 'reverted', reason: 'ImagePullBackOff' });
    expect(st.revision.applied).toBe(good);
    expect(events.find((e) => e.type === 'gate.failed')).toMatchObject({
      server: 's',
      code: 'ImagePullBackOff',
      reason: 's: failed to start: pod cannot start its container (ImagePullBackOff): Back-off pulling image "nope:1"',
    });
  });
});
