// End-to-end against a real API server: runs only when KUBECONFIG is set (skipped, with the reason,
// otherwise). A namespace of its own (prefix MCP_GITOPS_E2E_NAMESPACE), created and deleted here; images:
// MCP_GITOPS_E2E_IMAGE (default node:20-bookworm-slim, servers via npx: the cluster needs registry
// access) and MCP_GITOPS_E2E_BRIDGE_IMAGE (an mcp-gitops image, for the stdio case; skipped without).
// From outside the cluster the runtime reaches pods by port-forward, as a daemon on a laptop would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppsV1Api, KubeConfig } from '@kubernetes/client-node';
import { runGate } from '../../../../src/health/index.js';
import { isRuntimeError } from '../../../../src/runtimes/errors.js';
import { createKubernetesRuntime, createLeaderElection, type KubernetesRuntime } from '../../../../src/runtimes/kubernetes/index.js';
import { waitFor, rejection } from '../../../helpers/docker/wait.js';
import { rendered } from '../helpers/servers.js';
import { createTestNamespace, type TestNamespace } from './namespace.js';

const kubeconfig = process.env.KUBECONFIG;
const image = process.env.MCP_GITOPS_E2E_IMAGE ?? 'node:20-bookworm-slim';
const bridgeImage = process.env.MCP_GITOPS_E2E_BRIDGE_IMAGE;
const ctx = (n: number) => ({ commit: `${String(n).repeat(40)}`.slice(0, 40), workdir: '/nonexistent' });
const EVERYTHING = ['-y', '@modelcontextprotocol/server-everything@2026.8.31'];

function everythingHttp(name: string, version = '1.0.0', extraEnv: Record<string, string> = {}) {
  return rendered({
    name,
    version,
    image,
    transport: 'streamable-http',
    port: 3001,
    command: 'npx',
    args: [...EVERYTHING, 'streamableHttp'],
    env: { PORT: '3001', API_KEY: 'e2e-secret-value', ...extraEnv },
    secretEnv: ['API_KEY'],
    health: { timeoutSeconds: 60, expectTools: ['echo', 'get-sum'], stabilizationSeconds: 0 },
  });
}

describe.skipIf(!kubeconfig)(`kubernetes runtime against a real cluster${kubeconfig ? '' : ' (skipped: KUBECONFIG is not set)'}`, { timeout: 600_000 }, () => {
  let kc: KubeConfig;
  let ns: string;
  let namespace: TestNamespace | undefined;
  let rt: KubernetesRuntime;
  const runtimes: KubernetesRuntime[] = [];
  const fresh = (): KubernetesRuntime => {
    const r = createKubernetesRuntime({ kubeConfig: kc, namespace: ns, readyTimeoutMs: 300_000 });
    runtimes.push(r);
    return r;
  };

  beforeAll(async () => {
    kc = new KubeConfig();
    kc.loadFromDefault();
    namespace = await createTestNamespace(kc, 'cluster');
    ns = namespace.name;
    rt = fresh();
  }, 120_000);

  afterAll(async () => {
    for (const i of await rt.observe()) await rt.remove(i.id);
    await Promise.all(runtimes.map((r) => r.shutdown()));
    await namespace?.remove();
  }, 120_000);

  it('deploy, update (blue-green), failed update left the old one serving, prune', async () => {
    const v1 = everythingHttp('everything', '1.0.0');
    const a = await rt.start(v1, ctx(1));
    expect(await runGate({ runtime: rt, instanceId: a.id, server: v1.spec })).toMatchObject({ ok: true });
    const v2 = everythingHttp('everything', '2.0.0', { LOG_LEVEL: 'debug' });
    const b = await rt.start(v2, ctx(2));
    expect(await runGate({ runtime: rt, instanceId: b.id, server: v2.spec })).toMatchObject({ ok: true });
    expect((await rt.observe()).map((i) => i.id).sort()).toEqual([a.id, b.id].sort());
    await rt.remove(a.id);
    const broken = rendered({
      name: 'everything',
      image,
      transport: 'streamable-http',
      port: 3001,
      command: 'node',
      args: ['-e', 'console.error("boom"); process.exit(4)'],
    });
    const err = await rejection(rt.start(broken, ctx(3)));
    expect(isRuntimeError(err, 'RUNTIME_START_FAILED')).toBe(true);
    expect((err as Error).message).toMatch(/^pod exited with code 4: boom$/);
    expect((await rt.observe()).map((i) => i.id)).toEqual([b.id]);
    expect(await runGate({ runtime: rt, instanceId: b.id, server: v2.spec })).toMatchObject({ ok: true });
    await rt.remove(b.id);
    expect(await rt.observe()).toEqual([]);
  });

  it('a restarted daemon adopts its instances; unlabelled objects are left alone', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const foreign = 'mcp-foreign-0a0b0c0d';
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: foreign, labels: { app: 'foreign' } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'foreign' } },
          template: { metadata: { labels: { app: 'foreign' } }, spec: { containers: [{ name: 'c', image }] } },
        },
      },
    });
    try {
      const s = everythingHttp('adopted');
      const inst = await rt.start(s, ctx(4));
      const second = fresh();
      expect(await second.observe()).toEqual([expect.objectContaining({ id: inst.id, state: 'running', labels: inst.labels })]);
      expect(await runGate({ runtime: second, instanceId: inst.id, server: s.spec })).toMatchObject({ ok: true });
      await second.remove(inst.id);
      await second.remove(foreign); // not ours: untouched
      expect((await apps.readNamespacedDeployment({ name: foreign, namespace: ns })).metadata?.labels).toEqual({ app: 'foreign' });
    } finally {
      await apps.deleteNamespacedDeployment({ name: foreign, namespace: ns });
    }
  });

  it('reports a pod that crashes after start', async () => {
    const s = rendered({
      name: 'crasher',
      image,
      transport: 'streamable-http',
      port: 3001,
      command: 'node',
      args: ['-e', 'require("net").createServer().listen(3001); setTimeout(() => { console.error("late crash"); process.exit(9) }, 15000)'],
    });
    const exits: string[] = [];
    rt.onExit((e) => exits.push(e.message));
    const inst = await rt.start(s, ctx(5));
    await waitFor('the crash', () => exits[0], 120_000);
    expect(exits[0]).toMatch(/exited with code 9: late crash/);
    await rt.remove(inst.id);
  });

  it.skipIf(!bridgeImage)(`a stdio server runs behind the bridge${bridgeImage ? '' : ' (skipped: MCP_GITOPS_E2E_BRIDGE_IMAGE is not set)'}`, async () => {
    const s = rendered({
      name: 'memory',
      image: bridgeImage!,
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-memory'],
      health: { timeoutSeconds: 60, expectTools: ['read_graph'], stabilizationSeconds: 0 },
    });
    const inst = await rt.start(s, ctx(6));
    expect(await runGate({ runtime: rt, instanceId: inst.id, server: s.spec })).toMatchObject({ ok: true });
    await rt.remove(inst.id);
  });

  it('a Lease is taken over when its holder stops renewing', async () => {
    const opts = { kubeConfig: kc, namespace: ns, leaseName: `e2e-${Date.now()}`, leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 };
    const a = createLeaderElection({ ...opts, identity: 'a' });
    a.start();
    await a.acquired();
    const b = createLeaderElection({ ...opts, identity: 'b' });
    b.start();
    await a.stop({ release: false });
    await b.acquired();
    expect(b.holder()).toBe('b');
    await b.stop();
  });
});
