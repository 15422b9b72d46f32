// The runtime contract against the in-memory runtime the reconciler tests use, so that what those
// tests learn about the reconciler holds for the real runtimes too.
import { MEMORY_CAPABILITIES, MemoryRuntime } from '../../reconciler/helpers/memory-runtime.js';
import { Timeline } from '../../reconciler/helpers/timeline.js';
import { asRendered, desired } from '../process/helpers/servers.js';
import { runtimeContract } from './contract.js';

runtimeContract({
  name: 'memory',
  noHttp: 'its instances speak MCP in memory',
  capabilities: MEMORY_CAPABILITIES,
  timeoutMs: 10_000,
  world: () => {
    const timeline = new Timeline();
    const runtimes: MemoryRuntime[] = [];
    return Promise.resolve({
      ctx: { commit: 'c0ffee0000000000000000000000000000000000', workdir: '/nonexistent' },
      runtime() {
        const rt = new MemoryRuntime(timeline);
        runtimes.push(rt);
        return rt;
      },
      reopen: (rt) => (rt as MemoryRuntime).fork('next-'),
      server: (name, version = '1.0.0') => asRendered(desired({ name, version })),
      exitingServer: (name) => asRendered(desired({ name, env: { BEHAVIOR: 'exit' } })),
      kill: (rt, id) => Promise.resolve((rt as MemoryRuntime).exit(id)),
      cleanup: async () => {
        await Promise.all(runtimes.map((rt) => rt.shutdown()));
      },
    });
  },
});
