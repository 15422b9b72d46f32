// @kubernetes/client-node 2.x on Node 20 needs undici ^7 (package.json overrides it): the runtime
// module and the client must load and build API clients without a cluster.
import { describe, expect, it } from 'vitest';

describe('kubernetes runtime module', () => {
  it('loads with @kubernetes/client-node on this Node version', async () => {
    const k8s = await import('@kubernetes/client-node');
    const mod = await import('../../../src/runtimes/kubernetes/index.js');
    expect(typeof mod.createKubernetesRuntime).toBe('function');
    const kc = new k8s.KubeConfig();
    kc.loadFromClusterAndUser({ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: false }, { name: 'u' });
    expect(kc.makeApiClient(k8s.AppsV1Api)).toBeInstanceOf(k8s.AppsV1Api);
  });
});
