// Gate failures: every touched server back to last good, failed commits not retried until a newer
// commit or a forced sync, invalid commits touch nothing.
import { describe, expect, it } from 'vitest';
import { useHarness, file, waitFor, type Harness } from './helpers/harness.js';

let h: Harness;
useHarness((x) => (h = x));

const startWith = (files: Record<string, string>): Promise<string> => h.startWith(files);

function ids(): Record<string, string> {
  return Object.fromEntries([...h.runtime.running()].map(([name, list]) => [name, list.map((i) => i.id).join(',')]));
}

describe('revert to last good', () => {
  it('wave 2 fails with 3 touched servers: all back at last good, old blue-green instances never stopped', async () => {
    const good = await startWith({ ...file('a'), ...file('b', { dependsOn: ['a'] }), ...file('c', { dependsOn: ['a'] }) });
    const before = ids();
    h.runtime.hold('c2'); // c's new gate still waits when b's fails: it is cancelled
    const bad = await h.deploy({
      ...file('a', { version: '2' }),
      ...file('b', { version: '2', dependsOn: ['a'], expectTools: ['read_graph'] }),
      ...file('c', { version: '2', dependsOn: ['a'], hold: 'c2' }),
    });
    const st = h.r.status();
    expect(ids()).toEqual(before);
    // no old instance was ever removed; every new one was
    const oldIds = new Set(Object.values(before));
    expect(h.timeline.ops('remove').filter((e) => oldIds.has(e.id))).toEqual([]);
    expect(
      h.timeline
        .ops('start')
        .filter((e) => e.version === '2')
        .map((e) => e.server)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(
      h.timeline
        .ops('remove')
        .filter((e) => e.version === '2')
        .map((e) => e.server)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    expect(st.revision).toEqual({ head: bad, applied: good, lastGood: good });
    // c's gate was given up because b failed: named too, as cancelled, not as failed
    const why = 'b: expectTools missing read_graph; c: health gate cancelled (b failed in the same wave)';
    expect(st.history[0]).toMatchObject({
      commit: bad,
      result: 'reverted',
      reason: 'ToolMissing',
      message: why,
      errors: ['b: expectTools missing read_graph', 'c: health gate cancelled (b failed in the same wave)'],
    });
    expect(st.failedRevision).toMatchObject({ commit: bad, reason: why });
    expect(st.phase).toBe('Failed');
    expect(st.servers.map((s) => [s.name, s.version, s.commit, s.phase, s.health])).toEqual([
      ['a', '1', good, 'Running', 'Healthy'],
      ['b', '1', good, 'Running', 'Healthy'],
      ['c', '1', good, 'Running', 'Healthy'],
    ]);
    expect(h.timeline.events('revert.started')).toHaveLength(1);
    // reasons: the cause, as a code, in the history entry, at the top level and in the events
    expect(st.reason).toBe('ToolMissing');
    expect(st.history.map((x) => x.reason)).toEqual(['ToolMissing', 'Synced']);
    expect(st.servers.map((s) => s.reason)).toEqual(['Healthy', 'Healthy', 'Healthy']);
    expect(h.timeline.events('revert.started')[0]).toMatchObject({ code: 'ToolMissing' });
    expect(h.timeline.events('gate.failed').map((e) => e.code)).toEqual(['ToolMissing']);
  });

  it.each([
    ['exits at start', { behavior: 'exit' as const }, /^s: instance exited with code 1: fatal: config not found$/, 'InstanceExited'],
    ['hangs past its timeout', { behavior: 'hang' as const, timeoutSeconds: 0.3 }, /^s: no MCP handshake within 0\.3s/, 'HandshakeTimeout'],
    ['cannot start', { behavior: 'start-error' as const }, /^s: failed to start: cannot start s: image not found$/, 'StartFailed'],
  ])('a server that %s is reverted with a reason naming it', async (_what, opts, reason, code) => {
    await startWith(file('s'));
    const old = h.runtime.only('s').id;
    const bad = await h.deploy(file('s', { version: '2', ...opts }));
    expect(h.r.status().history[0]).toMatchObject({ commit: bad, result: 'reverted', reason: code });
    expect(h.r.status()).toMatchObject({ phase: 'Failed', reason: code });
    expect(h.r.status().failedRevision?.reason).toMatch(reason);
    expect(h.runtime.only('s').id).toBe(old);
  });

  it('two servers of one wave that never answer: the revert names both, the one cancelled by the first failure as cancelled', async () => {
    await startWith({ ...file('a'), ...file('b') });
    const bad = await h.deploy({
      ...file('a', { version: '2', behavior: 'hang', timeoutSeconds: 0.3 }),
      ...file('b', { version: '2', behavior: 'hang', timeoutSeconds: 30 }), // its deadline is past the test's timeout
    });
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: bad, result: 'reverted', reason: 'HandshakeTimeout' });
    expect(st.failedRevision?.reason).toMatch(/^a: no MCP handshake within 0\.3s[^;]*; b: health gate cancelled \(a failed in the same wave\)$/);
    expect(h.timeline.events('gate.failed').map((e) => e.server)).toEqual(['a']);
  });

  it('recreate: a failed new version is replaced by a fresh instance of the last good one', async () => {
    const good = await startWith(file('s', { strategy: 'recreate' }));
    await h.deploy(file('s', { version: '2', strategy: 'recreate', behavior: 'exit' }));
    const st = h.r.status();
    expect(st.history[0].result).toBe('reverted');
    expect(h.timeline.ops('start', 's').map((e) => e.version)).toEqual(['1', '2', '1']);
    expect(st.servers[0]).toMatchObject({ version: '1', commit: good, phase: 'Running', instanceId: h.runtime.only('s').id });
  });

  it('a failed commit is not retried on later polls; a newer commit deploys; a forced sync retries', async () => {
    await startWith(file('s'));
    const bad = await h.deploy(file('s', { version: '2', behavior: 'exit' }));
    const starts = h.timeline.ops('start').length;
    await h.sync('poll');
    await h.sync('webhook');
    expect(h.timeline.ops('start').length).toBe(starts);
    expect(h.r.status().history.filter((x) => x.commit === bad)).toHaveLength(1);

    await h.sync('api', true);
    expect(
      h.r
        .status()
        .history.map((x) => [x.commit, x.result])
        .slice(0, 2),
    ).toEqual([
      [bad, 'reverted'],
      [bad, 'reverted'],
    ]);

    const fixed = await h.deploy(file('s', { version: '3' }));
    expect(h.r.status()).toMatchObject({ revision: { applied: fixed, lastGood: fixed }, failedRevision: null });
    expect(h.r.status().servers[0].version).toBe('3');
  });

  it('a git revert of the bad commit is a newer commit and deploys', async () => {
    await startWith(file('s'));
    const old = h.runtime.only('s').id;
    await h.deploy(file('s', { version: '2', behavior: 'exit' }));
    const reverted = await h.deploy(file('s'));
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: reverted, result: 'succeeded' });
    expect(st).toMatchObject({ revision: { applied: reverted }, failedRevision: null, phase: 'Synced' });
    expect(h.runtime.only('s').id).toBe(old); // same spec as what runs: nothing to do
  });

  it('an invalid commit touches nothing, keeps its errors, and is not retried until a newer commit', async () => {
    const good = await startWith(file('s'));
    const count = h.timeline.entries.filter((e) => e.op !== 'event').length;
    const bad = await h.deploy({ 'servers/broken.yaml': 'apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata: { name: broken }\nspec: { command: x }\n' });
    await h.sync('poll');
    await h.sync('poll');
    const st = h.r.status();
    expect(h.timeline.entries.filter((e) => e.op !== 'event').length).toBe(count);
    expect(st.history.filter((x) => x.commit === bad)).toEqual([expect.objectContaining({ result: 'invalid', reason: 'ValidationFailed' })]);
    expect(st).toMatchObject({ phase: 'Failed', reason: 'ValidationFailed' });
    expect(st.history[0].errors?.[0]).toMatch(/^servers\/broken\.yaml:\d+:\d+: spec.*version/);
    expect(st).toMatchObject({ revision: { head: bad, applied: good, lastGood: good }, failedRevision: { commit: bad } });
    expect(st.message).toMatch(/^Invalid /);
    const fixed = await h.deploy({ 'servers/broken.yaml': null });
    expect(h.r.status().history[0]).toMatchObject({ commit: fixed, result: 'succeeded' });
  });

  it('re-creates a server the bad commit deleted (gone by the time of the revert)', async () => {
    const good = await startWith({ ...file('s'), ...file('d') });
    const oldD = h.runtime.only('d').id;
    h.runtime.hold('s2');
    const sha = h.source.commit({ ...file('s', { version: '2', hold: 's2', expectTools: ['missing'] }), 'servers/d.yaml': null });
    h.r.requestSync('commit');
    await waitFor('s v2 started', () => h.timeline.ops('start').some((e) => e.version === '2'));
    h.runtime.exit(oldD); // d goes while the gate waits
    h.runtime.release('s2');
    await h.r.idle();
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: sha, result: 'reverted' });
    expect(h.runtime.only('d').id).not.toBe(oldD);
    expect(st.servers.map((s) => [s.name, s.commit, s.phase])).toEqual([
      ['d', good, 'Running'],
      ['s', good, 'Running'],
    ]);
  });

  it('a commit that only deletes a server next to a failing one leaves the deleted one running', async () => {
    await startWith({ ...file('s'), ...file('d') });
    const oldD = h.runtime.only('d').id;
    await h.deploy({ ...file('s', { version: '2', behavior: 'exit' }), 'servers/d.yaml': null });
    expect(h.r.status().history[0].result).toBe('reverted');
    expect(h.runtime.only('d').id).toBe(oldD);
  });

  it('with no good commit yet, a failed first commit leaves nothing running', async () => {
    const bad = await startWith({ ...file('a'), ...file('b', { dependsOn: ['a'], behavior: 'exit' }) });
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: bad, result: 'reverted' });
    expect(h.runtime.running().size).toBe(0);
    expect(st.revision).toEqual({ head: bad, applied: null, lastGood: null });
    expect(st.servers).toEqual([]);
  });

  it('a runtime error mid-rollout fails the commit and repairs back to applied', async () => {
    const good = await startWith(file('s'));
    const old = h.runtime.only('s').id;
    h.runtime.failObserve = 1;
    const bad = await h.deploy(file('s', { version: '2' }));
    const st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: bad, result: 'failed' });
    expect(st.history[0].message).toMatch(/^rollout stopped by an error: runtime unavailable/);
    expect(st.revision.applied).toBe(good);
    expect(st.failedRevision?.commit).toBe(bad);
    expect(h.runtime.only('s').id).toBe(old);
    expect(h.store.get().inFlight).toBeNull();
  });

  it('a transient runtime error (engine down) mid-rollout blames nothing: no revert, no failed commit, retried until it lands', async () => {
    const good = await startWith(file('s'));
    const old = h.runtime.only('s').id;
    h.runtime.transientFailures = true;
    h.runtime.failStarts.set('s', 1);
    const next = await h.deploy(file('s', { version: '2' }));
    let st = h.r.status();
    expect(st.history.map((x) => x.result)).toEqual(['succeeded']);
    expect(st).toMatchObject({
      failedRevision: null,
      revision: { applied: good },
      lastError: { reason: 'RuntimeUnavailable', code: 'RUNTIME_UNAVAILABLE', message: 'cannot start s: engine error' },
    });
    expect(h.runtime.only('s').id).toBe(old); // the good one keeps serving
    h.clock.advance(1010); // the retry after 1 s
    await h.r.idle();
    st = h.r.status();
    expect(st.history[0]).toMatchObject({ commit: next, result: 'succeeded' });
    expect(st).toMatchObject({ lastError: null, revision: { applied: next, lastGood: next } });
    expect(st.servers[0]).toMatchObject({ name: 's', version: '2', phase: 'Running' });
    expect(h.runtime.only('s').id).not.toBe(old);
  });
});
