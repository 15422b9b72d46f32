// Failing commits against the real daemon: reverted, previous version serving, not retried.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Daemon, Status } from './helpers/daemon.js';
import { isAlive } from './helpers/procs.js';
import { RUNTIMES } from './helpers/runtimes.js';
import { everythingStdio, exitAtStart, hang, memory, partial } from './helpers/servers.js';
import { waitFor } from './helpers/wait-for.js';
import { World } from './helpers/world.js';

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('revert to last good on the %s runtime', (_name, rt) => {
  let w: World;
  beforeEach(() => {
    w = new World(rt);
  });
  afterEach(async () => {
    await w.cleanup();
  });

  /** Waits for `commit` to end `reverted`, then for the servers to be back at `good`. */
  async function reverted(d: Daemon, commit: string, good: string, servers: string[]): Promise<Status> {
    await d.until(`${commit.slice(0, 7)} reverted`, (s) => s.history[0]?.commit === commit && s.history[0].result === 'reverted');
    const st = await w.converged(d, good, servers);
    expect(st.failedRevision?.commit).toBe(commit);
    expect(st.revision).toEqual({ head: commit, applied: good, lastGood: good });
    expect(st.phase === 'Failed' || st.phase === 'Synced').toBe(true);
    expect(st.servers.every((s) => s.commit === good || st.history.some((h) => h.commit === s.commit && h.result === 'succeeded'))).toBe(true);
    return st;
  }

  /** The failed commit is not tried again: a few more polls start nothing and add no history. */
  async function notRetried(d: Daemon, commit: string): Promise<void> {
    const ids = await w.instanceIds();
    const before = (await d.status()).history.length;
    const st = await d.checks(3);
    expect(st.history.length).toBe(before);
    expect(st.history.filter((h) => h.commit === commit)).toHaveLength(1);
    expect(await w.instanceIds()).toEqual(ids);
  }

  it('exit at start, hang past timeout, expectTools missing: reverted with the reason, previous version serving, no retry; git revert and newer commits deploy', async () => {
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start();
    const first = await w.converged(d, good, ['svc']);
    const servingId = first.servers[0].instanceId;
    const servingPid = await w.pidOf(servingId);

    const bad1 = w.repo.commit(w.server('svc', exitAtStart({ version: '2' })));
    let st = await reverted(d, bad1, good, ['svc']);
    expect(st.failedRevision?.reason).toMatch(/^svc: (process|container) exited with code 1: fatal: config file \/etc\/demo\/server\.toml not found$/);
    expect(st).toMatchObject({ phase: 'Failed', reason: 'InstanceExited', lastError: null });
    expect(st.history[0].reason).toBe('InstanceExited');
    expect(st.servers[0].reason).toBe('Healthy');
    expect(st.history[0].errors).toEqual([st.failedRevision?.reason]);
    expect(st.servers[0]).toMatchObject({ version: '1', instanceId: servingId });
    expect(isAlive(servingPid)).toBe(true);
    await notRetried(d, bad1);

    // `git revert` of the bad commit is just a newer commit: it deploys (nothing to change)
    const undo = w.repo.revert(bad1);
    st = await w.converged(d, undo, ['svc']);
    expect(st).toMatchObject({ failedRevision: null, revision: { head: undo, lastGood: undo } });
    expect(st.history[0]).toMatchObject({ commit: undo, result: 'succeeded' });
    expect(st.servers[0].instanceId).toBe(servingId);

    const bad2 = w.repo.commit(w.server('svc', hang({ version: '3' })));
    st = await reverted(d, bad2, undo, ['svc']);
    expect(st.failedRevision?.reason).toMatch(/^svc: no MCP handshake within 1\.5s/);
    expect(st.history[0].reason).toBe('HandshakeTimeout');
    expect(st).toMatchObject({ phase: 'Failed', reason: 'HandshakeTimeout' });
    expect(st.servers[0].instanceId).toBe(servingId);

    const bad3 = w.repo.commit(w.server('svc', partial({ version: '4' })));
    st = await reverted(d, bad3, undo, ['svc']);
    expect(st.failedRevision?.reason).toBe('svc: expectTools missing read_graph');
    expect(st.history[0].reason).toBe('ToolMissing');
    expect(st).toMatchObject({ phase: 'Failed', reason: 'ToolMissing' });
    expect(st.servers[0].instanceId).toBe(servingId);
    await notRetried(d, bad3);
    await w.noOrphans(['svc']);

    const fixed = w.repo.commit(w.server('svc', everythingStdio({ version: '5' })));
    st = await w.converged(d, fixed, ['svc']);
    expect(st).toMatchObject({ failedRevision: null, revision: { head: fixed, applied: fixed, lastGood: fixed } });
    expect(st.servers[0]).toMatchObject({ version: '5', commit: fixed });
    await waitFor(() => !isAlive(servingPid), { what: 'the old instance to go after the cut-over' });
    expect(st.history.map((h) => h.result)).toEqual(['succeeded', 'reverted', 'reverted', 'succeeded', 'reverted', 'succeeded']);
    expect(st.history.map((h) => h.reason)).toEqual(['Synced', 'ToolMissing', 'HandshakeTimeout', 'Synced', 'InstanceExited', 'Synced']);
    expect(st).toMatchObject({ phase: 'Synced', reason: 'Synced' });
    await w.noOrphans(['svc']);
  });

  it('two servers of one wave that never answer: the revert message names both, each with what happened to it', async () => {
    const good = w.repo.commit({ ...w.server('a', everythingStdio()), ...w.server('b', everythingStdio()) });
    const d = await w.start();
    await w.converged(d, good, ['a', 'b']);
    const bad = w.repo.commit({ ...w.server('a', hang({ version: '2' })), ...w.server('b', hang({ version: '2' })) });
    const st = await reverted(d, bad, good, ['a', 'b']);
    // the first timeout cancels the other gate (fail fast); when both time out at once, both say so
    const lines = st.history[0].errors ?? [];
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(['a', 'b']);
    for (const line of lines) {
      expect(line).toMatch(/^[ab]: (no MCP handshake within 1\.5s.*|health gate cancelled \([ab] failed in the same wave\))$/);
    }
    expect(st.failedRevision?.reason).toBe(lines.join('; '));
    expect(st.history[0].reason).toBe('HandshakeTimeout');
  });

  it('a commit touching three servers where only the second wave fails: all three back at last good', async () => {
    const mem = `${w.dir}/memory.json`;
    const good = w.repo.commit({
      ...w.server('a', everythingStdio()),
      ...w.server('b', memory(mem, { dependsOn: ['a'] })),
      ...w.server('c', everythingStdio({ dependsOn: ['a'] })),
    });
    const d = await w.start();
    const before = await w.converged(d, good, ['a', 'b', 'c']);
    const pids = await Promise.all(before.servers.map((s) => w.pidOf(s.instanceId)));

    const bad = w.repo.commit({
      ...w.server('a', everythingStdio({ version: '2' })),
      ...w.server('b', partial({ version: '2', dependsOn: ['a'] })),
      ...w.server('c', everythingStdio({ version: '2', dependsOn: ['a'] })),
    });
    const st = await reverted(d, bad, good, ['a', 'b', 'c']);
    // c's gate may still run when b's fails: then it is named as cancelled because of b
    expect(st.failedRevision?.reason).toMatch(/^b: expectTools missing read_graph(; c: [a-z ]*cancelled[a-z ]* \(b failed in the same wave\))?$/);
    expect(st.history[0].reason).toBe('ToolMissing');
    expect(st.servers.map((s) => [s.name, s.version, s.commit, s.instanceId])).toEqual(before.servers.map((s) => [s.name, '1', good, s.instanceId]));
    expect(pids.every(isAlive)).toBe(true); // blue-green: the old instances never stopped
    await w.noOrphans(['a', 'b', 'c']);
  });
});
