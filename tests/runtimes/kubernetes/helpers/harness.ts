// A fake API server plus runtimes talking to it through the real client-node adapter.
import { createKubernetesRuntime, type KubernetesRuntime } from '../../../../src/runtimes/kubernetes/index.js';
import type { Logger } from '../../../../src/runtimes/logger.js';
import { FakeApiServer } from './fake-apiserver.js';

export interface Harness {
  api: FakeApiServer;
  runtime(o?: { readyTimeoutMs?: number; access?: 'service' | 'port-forward'; namespace?: string; logger?: Logger; active?: () => boolean }): KubernetesRuntime;
  ctx: { commit: string; workdir: string };
  cleanup(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const api = await new FakeApiServer('tools').start();
  const runtimes: KubernetesRuntime[] = [];
  return {
    api,
    ctx: { commit: 'c0ffee0000000000000000000000000000000001', workdir: '/nonexistent' },
    runtime(o = {}) {
      const rt = createKubernetesRuntime({
        kubeConfig: api.kubeConfig(),
        namespace: o.namespace ?? 'tools',
        access: o.access ?? 'service',
        pollMs: 20,
        readyTimeoutMs: o.readyTimeoutMs ?? 10_000,
        retry: { sleep: () => Promise.resolve() },
        ...(o.logger && { logger: o.logger }),
        ...(o.active && { active: o.active }),
      });
      runtimes.push(rt);
      return rt;
    },
    async cleanup() {
      await Promise.all(runtimes.map((r) => r.shutdown()));
      await api.close();
    },
  };
}
