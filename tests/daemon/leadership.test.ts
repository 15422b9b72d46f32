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
    repo: join(dir, 'repo'), path: '.', runtime: 'kubernetes', namespace: 'tools', intervalSeconds: 3600,
    host: '127.0.0.1', port: 0, stateDir: join(dir, `state-${name}`), logLevel: 'silent', drainTimeoutSeconds: 1,
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
    const follower = await readyz(b);
    expect(follower).toEqual({ status: 503, body: { status: 'not ready', reason: 'another replica holds the leader lease' } });
    expect(b.reconciler.status().history).toEqual([]); // never synced
    expect((await b.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);

    await a.stop();
    await waitFor('b to take over and sync', async () => (await readyz(b)).status === 200, 10_000);
    expect(b.reconciler.status().history[0]).toMatchObject({ result: 'succeeded' });
  });
});
