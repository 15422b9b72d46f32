// Two daemons on the kubernetes runtime, against an API server over HTTP (tests/runtimes/kubernetes
// helpers; no cluster here): only the Lease holder reconciles and is ready; when it stops, it
// releases the Lease and the other takes over at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DaemonConfig } from '../../src/daemon/config.js';
import { startDaemon, type Daemon } from '../../src/daemon/daemon.js';
import { waitFor } from '../helpers/docker/wait.js';
import { FakeApiServer } from '../runtimes/kubernetes/helpers/fake-apiserver.js';

let api: FakeApiServer;
let dir: string;
const daemons: Daemon[] = [];

beforeAll(async () => {
  api = await new FakeApiServer('tools').start();
  dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-leader-'));
  writeFileSync(join(dir, 'kubeconfig'), api.kubeConfig().exportConfig());
  process.env.KUBECONFIG = join(dir, 'kubeconfig');
  const repo = join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), 'no servers yet\n');
  execFileSync('git', ['-C', repo, 'add', '.']);
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'empty']);
});

afterAll(async () => {
  await Promise.all(daemons.map((d) => d.stop()));
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string): DaemonConfig {
  return {
    repo: join(dir, 'repo'),
    path: '.',
    runtime: 'kubernetes',
    namespace: 'tools',
    intervalSeconds: 3600,
    host: '127.0.0.1',
    port: 0,
    stateDir: join(dir, `state-${name}`),
    logLevel: 'silent',
    drainTimeoutSeconds: 1,
  };
}

async function readyz(d: Daemon): Promise<{ status: number; body: { reason?: string } }> {
  const r = await d.app.inject({ method: 'GET', url: '/readyz' });
  return { status: r.statusCode, body: r.json<{ reason?: string }>() };
}

describe('leader election in the daemon (kubernetes runtime)', () => {
  it('only the Lease holder reconciles and is ready; its graceful stop hands over at once', async () => {
    const a = await startDaemon(config('a'), process.env);
    daemons.push(a);
    await waitFor('a to lead and finish its first sync', async () => (await readyz(a)).status === 200, 15_000);
    expect(a.reconciler.status().history[0]).toMatchObject({ result: 'succeeded' });

    const b = await startDaemon(config('b'), process.env);
    daemons.push(b);
    await waitFor('b to see the holder', async () => (await readyz(b)).body.reason !== 'not the leader: campaigning (no answer from the Kubernetes API yet)');
    const follower = await readyz(b);
    expect(follower).toEqual({
      status: 503,
      body: { status: 'not ready', reason: expect.stringMatching(/^not the leader: follower \(held by .+-[0-9a-f]{6}\)$/) as unknown },
    });
    expect(b.reconciler.status().history).toEqual([]); // never synced
    expect((await b.app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({ message: follower.body.reason, lastError: null });
    expect((await b.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await a.stop();
    await waitFor('b to take over and sync', async () => (await readyz(b)).status === 200, 10_000);
    expect(b.reconciler.status().history[0]).toMatchObject({ result: 'succeeded' });
    // a graceful stop hands over; it is not a lost Lease (which exits with 1)
    expect(await Promise.race([a.exited, Promise.resolve('still')])).toBe('still');
  });

  it('a namespace that does not exist: not ready, and /readyz and /status say why', async () => {
    const c = await startDaemon({ ...config('c'), namespace: 'missing' }, process.env);
    daemons.push(c);
    const reason =
      'not the leader: cannot acquire: namespace "missing" does not exist: create it (kubectl create namespace missing) or choose another with --namespace';
    await waitFor('the Lease error', async () => (await readyz(c)).body.reason === reason, 10_000);
    expect((await readyz(c)).status).toBe(503);
    expect((await c.app.inject({ method: 'GET', url: '/status' })).json()).toMatchObject({
      message: reason,
      lastError: {
        reason: 'RuntimeUnavailable',
        code: 'K8S_NAMESPACE_NOT_FOUND',
        message: expect.stringMatching(/^namespace "missing" does not exist/) as unknown,
      },
    });
  });
});
