// Leader election on a Lease, against the API server over HTTP: one leader at a time, takeover when
// the holder stops renewing (after the lease duration, on our own clock), at once after a release.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLeaderElection, type LeaderElection } from '../../../src/runtimes/kubernetes/index.js';
import { waitFor } from '../../helpers/docker/wait.js';
import { FakeApiServer } from './helpers/fake-apiserver.js';

describe('leader election (coordination.k8s.io Lease)', () => {
  let api: FakeApiServer;
  const electors: LeaderElection[] = [];
  beforeEach(async () => {
    api = await new FakeApiServer('tools').start();
  });
  afterEach(async () => {
    await Promise.all(electors.splice(0).map((e) => e.stop({ release: false })));
    await api.close();
  });

  function elector(identity: string, leaseDurationSeconds = 1): LeaderElection {
    const e = createLeaderElection({
      kubeConfig: api.kubeConfig(),
      namespace: 'tools',
      identity,
      leaseDurationSeconds,
      renewDeadlineSeconds: leaseDurationSeconds * 0.6,
      retryPeriodSeconds: 0.05,
    });
    electors.push(e);
    return e;
  }

  function lease(): { holderIdentity?: string; renewTime?: string; acquireTime?: string; leaseTransitions?: number; leaseDurationSeconds?: number } {
    return api.get('leases', 'mcp-gitops-leader')?.spec ?? {};
  }

  it('the first candidate creates the Lease and leads; times are MicroTime (6 fractional digits)', async () => {
    const a = elector('a');
    a.start();
    await a.acquired();
    expect(a.isLeader()).toBe(true);
    expect(lease()).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 1, leaseTransitions: 0 });
    expect(lease().renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const renewed = lease().renewTime;
    await waitFor('a renewal', () => lease().renewTime !== renewed);
    expect(lease().holderIdentity).toBe('a');
  });

  it('two candidates: exactly one leads while the holder renews', async () => {
    const a = elector('a', 2),
      b = elector('b', 2);
    a.start();
    b.start();
    const first = await Promise.race([a.acquired().then(() => a), b.acquired().then(() => b)]);
    const other = first === a ? b : a;
    const reads = api.calls.filter((c) => c.resource === 'leases' && c.verb === 'get').length;
    await waitFor('ten more Lease reads', () => api.calls.filter((c) => c.resource === 'leases' && c.verb === 'get').length >= reads + 10);
    expect([first.isLeader(), other.isLeader()]).toEqual([true, false]);
    expect(other.holder()).toBe(first.identity);
  });

  it('a holder that stops renewing (crash) is taken over after the lease duration', async () => {
    const a = elector('a');
    a.start();
    await a.acquired();
    await a.stop({ release: false });
    const b = elector('b');
    const t0 = Date.now();
    b.start();
    await b.acquired();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // waited a lease duration on its own clock
    expect(lease()).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('a released Lease is taken at once; a leader that cannot renew steps down', async () => {
    const a = elector('a', 5);
    a.start();
    await a.acquired();
    await a.stop();
    expect(lease()).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    const b = elector('b', 5);
    const changes: [boolean, string | undefined][] = [];
    b.onChange((l, why) => changes.push([l, why?.reason]));
    b.start();
    await b.acquired(); // well before 5 s
    expect(b.state()).toEqual({ role: 'leader' });
    api.failNext('get', 'leases', { status: 503, reason: 'ServiceUnavailable', message: 'etcd down', times: 1000 });
    let why = '';
    b.onChange((_l, w) => {
      why = w?.message ?? '';
    });
    await waitFor('stepping down', () => !b.isLeader(), 10_000);
    expect(changes).toEqual([
      [true, undefined],
      [false, 'renew-failed'],
    ]);
    expect(why).toMatch(
      /^could not renew the Lease for 3 s: the Kubernetes API failed \(K8S_TRANSIENT: the Kubernetes API is unavailable \(HTTP 503\).*etcd down\)$/,
    );
    expect(b.state()).toMatchObject({ role: 'candidate', error: { code: 'K8S_TRANSIENT' } });
  });

  it("states are distinct: leader, follower of a named holder, and cannot acquire with the API's error", async () => {
    const a = elector('a', 5),
      b = elector('b', 5);
    a.start();
    await a.acquired();
    b.start();
    await waitFor('b to see the holder', () => b.state().role === 'follower');
    expect(b.state()).toEqual({ role: 'follower', holder: 'a' });
    const whys: (string | undefined)[] = [];
    a.onChange((_l, w) => whys.push(w?.reason));
    await a.stop();
    expect(whys).toEqual(['stopped']); // a graceful stop is not a lost Lease

    const c = createLeaderElection({ kubeConfig: api.kubeConfig(), namespace: 'missing', identity: 'c', retryPeriodSeconds: 0.05 });
    electors.push(c);
    c.start();
    await waitFor('c to fail', () => c.state().role === 'candidate' && (c.state() as { error?: unknown }).error !== undefined);
    expect(c.state()).toEqual({
      role: 'candidate',
      error: {
        code: 'K8S_NAMESPACE_NOT_FOUND',
        message: 'namespace "missing" does not exist: create it (kubectl create namespace missing) or choose another with --namespace',
      },
    });
    api.failNext('get', 'leases', { status: 403, reason: 'Forbidden', message: 'leases is forbidden', times: 1000 });
    const d = elector('d', 5);
    d.start();
    await waitFor('d to fail', () => (d.state() as { error?: { code: string } }).error?.code === 'K8S_FORBIDDEN');
    expect((d.state() as { error: { message: string } }).error.message).toMatch(
      /^forbidden: cannot get resource "leases" in API group "coordination.k8s.io" in namespace "tools": grant the verb "get"/,
    );
  });

  it('uses only the verbs the Role grants for leases: get, create, update', async () => {
    const a = elector('a');
    a.start();
    await a.acquired();
    await a.stop();
    expect([...new Set(api.calls.filter((c) => c.resource === 'leases').map((c) => c.verb))].sort()).toEqual(['create', 'get', 'update']);
  });
});
