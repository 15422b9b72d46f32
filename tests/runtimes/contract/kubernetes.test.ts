// The runtime contract against a real cluster: runs only when KUBECONFIG is set (skipped, with the
// reason, otherwise). Namespace MCP_GITOPS_E2E_NAMESPACE-contract (created if missing, emptied before
// and after each test); image MCP_GITOPS_E2E_IMAGE (default node:20-bookworm-slim, servers via npx:
// the cluster needs registry access). Pods are reached by port-forward, as from a laptop. A pod
// cannot be killed behind the runtime's back here (the kubelet restarts it), so those tests skip.
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { KUBERNETES_CAPABILITIES } from '../../../src/runtimes/capabilities.js';
import { createKubernetesRuntime, type KubernetesRuntime } from '../../../src/runtimes/kubernetes/index.js';
import { rendered } from '../kubernetes/helpers/servers.js';
import { runtimeContract } from './contract.js';

const kubeconfig = process.env.KUBECONFIG;
const namespace = `${process.env.MCP_GITOPS_E2E_NAMESPACE ?? 'mcp-gitops-e2e'}-contract`;
const image = process.env.MCP_GITOPS_E2E_IMAGE ?? 'node:20-bookworm-slim';
const EVERYTHING = ['-y', '@modelcontextprotocol/server-everything@2026.8.31', 'streamableHttp'];

async function empty(rt: KubernetesRuntime): Promise<void> {
  for (const i of await rt.observe()) await rt.remove(i.id);
}

runtimeContract({
  name: 'kubernetes',
  ...(!kubeconfig && { skip: 'KUBECONFIG is not set' }),
  noKill: 'the kubelet restarts a killed container',
  capabilities: KUBERNETES_CAPABILITIES,
  timeoutMs: 300_000,
  world: async () => {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: namespace } } })
      .catch(() => undefined); // exists already
    const runtimes: KubernetesRuntime[] = [];
    const runtime = (): KubernetesRuntime => {
      const rt = createKubernetesRuntime({ kubeConfig: kc, namespace, readyTimeoutMs: 240_000 });
      runtimes.push(rt);
      return rt;
    };
    const janitor = runtime();
    await empty(janitor);
    return {
      ctx: { commit: 'c0ffee0000000000000000000000000000000000', workdir: '/nonexistent' },
      runtime,
      reopen: () => runtime(),
      httpServer: (name, port) =>
        rendered({
          name,
          image,
          transport: 'streamable-http',
          port,
          command: 'npx',
          args: EVERYTHING,
          env: { PORT: String(port) },
        }),
      server: (name, version = '1.0.0') =>
        rendered({
          name,
          version,
          image,
          transport: 'streamable-http',
          port: 3001,
          command: 'npx',
          args: EVERYTHING,
          env: { PORT: '3001' },
        }),
      exitingServer: (name) =>
        rendered({
          name,
          image,
          transport: 'streamable-http',
          port: 3001,
          command: 'node',
          args: ['-e', 'console.error("fatal: no config"); process.exit(1)'],
        }),
      cleanup: async () => {
        await empty(janitor);
        await Promise.all(runtimes.map((rt) => rt.shutdown()));
      },
    };
  },
});
