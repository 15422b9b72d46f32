// The runtime against an API server over HTTP (client-node for real; the test plays the
// controllers): apply, readiness, failures, adoption, pruning, exits, API errors.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExitInfo } from '../../../src/runtimes/runtime.js';
import { isRuntimeError } from '../../../src/runtimes/errors.js';
import { waitFor, rejection } from '../../helpers/docker/wait.js';
import { createHarness, type Harness } from './helpers/harness.js';
import { rendered } from './helpers/servers.js';
import { recordingLogger } from './helpers/logger.js';

const SECRET = 'sk-live-0123456789';
const httpServer = (name: string) =>
  rendered({ name, transport: 'streamable-http', port: 3001, command: 'node', args: ['server.js'], env: { API_KEY: SECRET }, secretEnv: ['API_KEY'] });

describe('kubernetes runtime (API server over HTTP)', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness();
  });
  afterEach(async () => {
    await h.cleanup();
  });

  it('start applies Secret, Deployment and Service with server-side apply and resolves once the Deployment is available', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const rt = h.runtime();
    const inst = await rt.start(httpServer('memory'), h.ctx);
    expect(inst).toMatchObject({
      id: expect.stringMatching(/^mcp-memory-[0-9a-f]{8}$/) as unknown,
      state: 'running',
      labels: { server: 'memory', commit: h.ctx.commit },
      endpoint: { kind: 'http', transport: 'streamable-http', url: `http://${inst.id}.tools.svc:3001/mcp` },
    });
    const applies = h.api.calls.filter((c) => c.verb === 'patch');
    expect(applies.map((c) => c.resource)).toEqual(['secrets', 'deployments', 'services']);
    for (const c of applies) {
      expect(c.contentType).toBe('application/apply-patch+yaml');
      expect(c.query).toMatchObject({ fieldManager: 'mcp-gitops', force: 'true' });
    }
    expect(JSON.stringify(h.api.get('deployments', inst.id))).not.toContain(SECRET);
    expect(h.api.get('secrets', inst.id)?.data).toEqual({ API_KEY: Buffer.from(SECRET).toString('base64') });
    expect(await rt.observe()).toEqual([inst]);
  });

  it('a pod that crashes while starting fails start() at once with its exit line, secrets masked, and nothing is left behind', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, { crashed: 3, log: `connecting\nfatal: cannot log in with ${SECRET}\n` }));
    const rt = h.runtime();
    const err = await rejection(rt.start(httpServer('broken'), h.ctx));
    expect(isRuntimeError(err, 'RUNTIME_START_FAILED')).toBe(true);
    expect((err as Error).message).toBe('pod exited with code 3: fatal: cannot log in with ***');
    expect([...h.api.objects('deployments'), ...h.api.objects('services'), ...h.api.objects('secrets')]).toEqual([]);
  });

  it('an image that cannot be pulled fails start() with the kubelet reason', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, { waiting: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/example/nope:1"' }));
    const err = await rejection(h.runtime().start(httpServer('nope'), h.ctx));
    expect((err as Error).message).toBe('pod cannot start its container (ImagePullBackOff): Back-off pulling image "ghcr.io/example/nope:1"');
  });

  it('a Deployment that never becomes available times out with what it waits for', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'pending'));
    const err = await rejection(h.runtime({ readyTimeoutMs: 200 }).start(httpServer('slow'), h.ctx));
    expect(isRuntimeError(err, 'RUNTIME_NOT_READY')).toBe(true);
    expect((err as Error).message).toMatch(/^Deployment mcp-slow-[0-9a-f]{8} was not available within 0 s \(container ContainerCreating\)$/);
  });

  it('a start given up by its caller (a newer commit) stops waiting at once and leaves nothing behind', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'pending'));
    const rt = h.runtime({ readyTimeoutMs: 60_000 });
    const abort = new AbortController();
    const started = rt.start(httpServer('superseded'), { ...h.ctx, signal: abort.signal });
    await waitFor('the Deployment to exist', () => h.api.objects('deployments').length === 1);
    abort.abort(); // readyTimeoutMs (60 s) is past the test's timeout: only giving up at once passes
    const err = await rejection(started);
    expect(isRuntimeError(err, 'RUNTIME_START_CANCELLED')).toBe(true);
    expect((err as Error).message).toMatch(/^server superseded: start of mcp-superseded-[0-9a-f]{8} cancelled while waiting for it to be available/);
    expect(h.api.objects('deployments')).toEqual([]);
    expect(await rt.observe()).toEqual([]);
  });

  it('a restarted daemon adopts its instances by label; unlabelled look-alikes are never seen nor touched', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const first = h.runtime();
    const inst = await first.start(httpServer('memory'), h.ctx);
    await first.shutdown();
    const foreign = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'mcp-other-0a0b0c0d', labels: { app: 'other' } }, spec: {} };
    h.api.put('deployments', foreign);
    h.api.put('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: inst.id, labels: { app: 'not-ours' } }, spec: {} });
    const second = h.runtime();
    expect(await second.observe()).toEqual([inst]);
    await second.remove(inst.id);
    await second.remove(inst.id); // idempotent
    await second.remove('mcp-other-0a0b0c0d');
    expect(await second.observe()).toEqual([]);
    expect(h.api.objects('deployments').map((d) => d.metadata.name)).toEqual(['mcp-other-0a0b0c0d']);
    expect(h.api.objects('services').map((s) => s.metadata.labels)).toEqual([{ app: 'not-ours' }]);
    expect(h.api.objects('secrets')).toEqual([]);
  });

  it('Services and Secrets of ours whose Deployment is long gone (a crash mid-start) are swept; fresh or foreign ones stay', async () => {
    const ours = (name: string, hoursAgo: number) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        creationTimestamp: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
        labels: {
          'app.kubernetes.io/managed-by': 'mcp-gitops',
          'mcp-gitops/server': 'x',
          'mcp-gitops/commit': 'c',
          'mcp-gitops/spec-hash': 'h',
          'mcp-gitops/instance': name,
        },
      },
    });
    h.api.put('services', ours('mcp-old-00000001', 1));
    h.api.put('secrets', { ...ours('mcp-old-00000001', 1), kind: 'Secret' });
    h.api.put('services', ours('mcp-new-00000002', 0));
    h.api.put('services', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'mcp-foreign-00000003', creationTimestamp: new Date(0).toISOString(), labels: { 'app.kubernetes.io/managed-by': 'mcp-gitops' } },
    });
    const rt = h.runtime();
    expect(await rt.observe()).toEqual([]);
    await waitFor('the sweep', () => h.api.objects('secrets').length === 0);
    expect(
      h.api
        .objects('services')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['mcp-foreign-00000003', 'mcp-new-00000002']);
  });

  it('onExit reports a pod that crashes after start once, with its line; remove() is not an exit', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const rt = h.runtime();
    const exits: ExitInfo[] = [];
    rt.onExit((e) => exits.push(e));
    const a = await rt.start(httpServer('a'), h.ctx);
    const b = await rt.start(httpServer('b'), h.ctx);
    await rt.remove(a.id);
    h.api.setPod(b.id, { crashed: 137, log: `OOM with ${SECRET}`, restarts: 2 });
    const exit = await waitFor('onExit', () => exits[0]);
    expect(exit).toEqual({ id: b.id, server: 'b', message: 'exited with code 137: OOM with ***' });
    expect(await rt.observe()).toEqual([expect.objectContaining({ id: b.id, state: 'exited', message: exit.message })]);
    const err = await rejection(rt.connect(b.id));
    expect(isRuntimeError(err, 'RUNTIME_NOT_RUNNING')).toBe(true);
    expect((err as Error).message).toBe(`instance ${b.id} exited with code 137: OOM with ***`);
    const polls = h.api.lists('pods');
    await waitFor('three more polls', () => h.api.lists('pods') >= polls + 3);
    expect(exits).toHaveLength(1);
  });

  it('an adopting daemon masks secret values in exit lines with the values from the instance Secret', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const inst = await h.runtime().start(httpServer('memory'), h.ctx);
    h.api.setPod(inst.id, { crashed: 1, log: `bad token ${SECRET}` });
    const [seen] = await h.runtime().observe();
    expect(seen).toMatchObject({ id: inst.id, state: 'exited', message: 'exited with code 1: bad token ***' });
  });

  it('a Deployment deleted out of band is reported as an exit', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const rt = h.runtime();
    const exits: ExitInfo[] = [];
    rt.onExit((e) => exits.push(e));
    const inst = await rt.start(httpServer('memory'), h.ctx);
    const polls = h.api.lists('pods');
    await waitFor('a poll that saw it running', () => h.api.lists('pods') > polls);
    h.api.drop('deployments', inst.id);
    expect(await waitFor('onExit', () => exits[0])).toEqual({ id: inst.id, server: 'memory', message: 'was deleted out of band' });
  });

  it('a pending pod says why while it waits (Unschedulable, once per change), and the timeout carries the reason', async () => {
    h.api.onDeployment((name) => {
      const d = h.api.get('deployments', name)!;
      const labels = (d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
      h.api.put('pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${name}-x`, labels },
        status: {
          phase: 'Pending',
          conditions: [
            { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: 1 node(s) had untolerated taint.' },
          ],
        },
      });
    });
    const rt = h.runtime({ readyTimeoutMs: 1000 });
    const told: { message: string; reason?: string }[] = [];
    const err = await rejection(rt.start(httpServer('memory'), { ...h.ctx, onWaiting: (w) => told.push(w) }));
    expect(told).toEqual([{ reason: 'Unschedulable', message: 'Unschedulable: pod not scheduled: 0/1 nodes are available: 1 node(s) had untolerated taint.' }]);
    expect(isRuntimeError(err, 'RUNTIME_NOT_READY')).toBe(true);
    expect((err as { data: { reason?: string } }).data.reason).toBe('Unschedulable');
    expect((err as Error).message).toMatch(/was not available within 1 s \(Unschedulable: pod not scheduled: 0\/1 nodes/);
  });

  it.each(['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError'])('%s fails start() at once with that reason', async (reason) => {
    h.api.onDeployment((name) => h.api.setPod(name, { waiting: reason, message: 'the kubelet says so' }));
    const err = await rejection(h.runtime({ readyTimeoutMs: 60_000 }).start(httpServer('memory'), h.ctx));
    expect(isRuntimeError(err, 'RUNTIME_START_FAILED')).toBe(true);
    expect((err as { data: { reason?: string } }).data.reason).toBe(reason);
    expect((err as Error).message).toBe(`pod cannot start its container (${reason}): the kubelet says so`);
  });

  it('a crash loop fails start() at once as CrashLoopBackOff with the exit line', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, { crashed: 3, log: 'boom', restarts: 2 }));
    const err = await rejection(h.runtime({ readyTimeoutMs: 60_000 }).start(httpServer('memory'), h.ctx));
    expect((err as { data: { reason?: string } }).data.reason).toBe('CrashLoopBackOff');
    expect((err as Error).message).toBe('pod exited with code 3: boom');
  });

  it('health.restartsAllowed: a crash loop within it waits (shown as CrashLoopBackOff); one restart more fails start() at once', async () => {
    const s = httpServer('flaky');
    const flaky = { ...s, spec: { ...s.spec, health: { ...s.spec.health, restartsAllowed: 2 } } };
    h.api.onDeployment((name) => h.api.setPod(name, { crashed: 1, log: 'warming up failed', restarts: 1 }));
    const told: { message: string; reason?: string }[] = [];
    const started = rejection(h.runtime({ readyTimeoutMs: 60_000 }).start(flaky, { ...h.ctx, onWaiting: (w) => told.push(w) }));
    await waitFor('the start to say it waits on the crash loop', () => told.length > 0);
    expect(told[0]).toEqual({ reason: 'CrashLoopBackOff', message: 'CrashLoopBackOff: restarted 1 of 2 allowed times: exited with code 1: warming up failed' });
    const [d] = h.api.objects('deployments');
    expect(d.metadata.annotations).toMatchObject({ 'mcp-gitops/restarts-allowed': '2' });
    h.api.setPod(d.metadata.name, { crashed: 1, log: 'still failing', restarts: 2 }); // the third restart would be one too many
    const err = await started;
    expect(isRuntimeError(err, 'RUNTIME_START_FAILED')).toBe(true);
    expect((err as { data: { reason?: string } }).data.reason).toBe('CrashLoopBackOff');
    expect((err as Error).message).toBe('pod exited with code 1: still failing');
  });

  it('a follower replica (not active) does not poll for exits; once it leads, it does', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    let leading = false;
    const leader = h.runtime();
    await leader.start(httpServer('memory'), h.ctx);
    const follower = h.runtime({ active: () => leading });
    const exits: ExitInfo[] = [];
    follower.onExit((e) => exits.push(e)); // the gateway subscribes on every replica
    const before = h.api.lists('pods');
    // a clock: an active runtime polling on another API server, at the same period
    const other = await createHarness();
    try {
      const clock = other.runtime();
      clock.onExit(() => undefined);
      await waitFor('ten polls of an active runtime', () => other.api.lists('pods') >= 10);
    } finally {
      await other.cleanup();
    }
    expect(h.api.lists('pods')).toBe(before);
    leading = true;
    await waitFor('the new leader to poll', () => h.api.lists('pods') > before);
  });

  it('shutdown counts only the instances it leaves running, not those it removed', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const lines: Record<string, unknown>[] = [];
    const rt = h.runtime({ logger: recordingLogger(lines) });
    const kept = await rt.start(httpServer('memory'), h.ctx);
    const gone = await rt.start(httpServer('other'), h.ctx);
    await rt.observe();
    await rt.remove(gone.id);
    h.api.drop('deployments', (await rt.start(httpServer('third'), h.ctx)).id); // deleted out of band
    await rt.observe();
    await rt.shutdown();
    expect(lines.find((l) => String(l.msg).startsWith('kubernetes runtime shut down'))).toMatchObject({ instances: 1 });
    expect(kept.id).toBeTruthy();
  });

  it("a namespace that does not exist is an operator's fix, said so, and transient", async () => {
    const rt = h.runtime({ namespace: 'nope' });
    expect(await rt.observe()).toEqual([]); // the API server lists a missing namespace as empty
    const err = await rejection(rt.start(httpServer('memory'), h.ctx));
    expect(isRuntimeError(err, 'K8S_NAMESPACE_NOT_FOUND')).toBe(true);
    expect((err as Error).message).toBe('namespace "nope" does not exist: create it (kubectl create namespace nope) or choose another with --namespace');
    expect((err as { transient: boolean }).transient).toBe(true);
  });

  it('an API server that cannot be reached is retried, then a transient error naming the call', async () => {
    const rt = h.runtime();
    await h.api.close();
    const err = await rejection(rt.observe());
    expect(isRuntimeError(err, 'K8S_TRANSIENT')).toBe(true);
    expect((err as Error).message).toMatch(/^cannot reach the Kubernetes API \(list (deployments\.apps|pods) in namespace tools\): .*ECONNREFUSED/);
  });

  it('connect() names what is wrong: unknown instance, not ready yet', async () => {
    const rt = h.runtime();
    expect(isRuntimeError(await rejection(rt.connect('mcp-nope-00000000')), 'RUNTIME_INSTANCE_NOT_FOUND')).toBe(true);
    const starting = rt.start(httpServer('memory'), h.ctx);
    const id = await waitFor('the Deployment', () => h.api.objects('deployments')[0]?.metadata.name);
    h.api.setPod(id, 'pending');
    const err = await rejection(rt.connect(id));
    expect(isRuntimeError(err, 'RUNTIME_NOT_READY')).toBe(true);
    expect((err as Error).message).toBe(`instance ${id} is not ready: container ContainerCreating`);
    h.api.setPod(id, 'ready');
    await starting;
  });

  it('API errors become typed errors with clear reasons: 403 names the verb and resource, 422 the fields; 5xx is retried', async () => {
    h.api.onDeployment((name) => h.api.setPod(name, 'ready'));
    const rt = h.runtime();
    h.api.failNext('patch', 'deployments', {
      status: 403,
      reason: 'Forbidden',
      message: 'deployments.apps is forbidden: User "system:serviceaccount:tools:mcp-gitops" cannot patch resource "deployments"',
    });
    const forbidden = await rejection(rt.start(httpServer('memory'), h.ctx));
    expect(isRuntimeError(forbidden, 'K8S_FORBIDDEN')).toBe(true);
    expect((forbidden as Error).message).toMatch(
      /^forbidden: cannot patch resource "deployments" in API group "apps" in namespace "tools": grant the verb "patch" on "deployments"/,
    );
    expect((forbidden as { transient: boolean }).transient).toBe(true);

    h.api.failNext('patch', 'deployments', {
      status: 422,
      reason: 'Invalid',
      message: 'Deployment.apps "x" is invalid',
      causes: [{ field: 'spec.template.spec.containers[0].image', message: 'Required value' }],
    });
    const invalid = await rejection(rt.start(httpServer('memory'), h.ctx));
    expect(isRuntimeError(invalid, 'K8S_INVALID')).toBe(true);
    expect((invalid as Error).message).toMatch(
      /^invalid: patch deployments\.apps "mcp-memory-[0-9a-f]{8}" in namespace tools was rejected: spec\.template\.spec\.containers\[0\]\.image: Required value$/,
    );

    h.api.failNext('patch', 'deployments', { status: 503, reason: 'ServiceUnavailable', message: 'etcd leader changed', times: 2 });
    await expect(rt.start(httpServer('memory'), h.ctx)).resolves.toMatchObject({ state: 'running' });
    expect((await rt.observe()).length).toBe(1);
    expect(h.api.objects('secrets').length).toBe(1);
  });
});
