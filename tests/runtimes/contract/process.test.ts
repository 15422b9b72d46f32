// The runtime contract against the process runtime: real child processes (server-everything over
// stdio, a fixture that dies at start), killed out of band with SIGKILL to their process group.
import { PROCESS_CAPABILITIES } from '../../../src/runtimes/capabilities.js';
import type { ProcessRuntime } from '../../../src/runtimes/process/index.js';
import { createHarness } from '../process/helpers/harness.js';
import { everything, fixture, paths, rendered } from '../process/helpers/servers.js';
import { runtimeContract } from './contract.js';

runtimeContract({
  name: 'process',
  capabilities: PROCESS_CAPABILITIES,
  timeoutMs: 20_000,
  world: async () => {
    const h = await createHarness();
    return {
      ctx: h.ctx,
      runtime: () => h.runtime(),
      reopen: () => h.runtime(),
      httpServer: (name, port) => everything(name, 'streamableHttp', port),
      server: (name, version = '1.0.0') => rendered({ name, version, args: [paths.everything, 'stdio'] }),
      exitingServer: (name) => fixture(name, 'exit-at-start.mjs'),
      kill: (rt, id) => {
        const pid = (rt as ProcessRuntime).pidOf(id);
        if (pid === undefined) throw new Error(`no pid for ${id}`);
        process.kill(-pid, 'SIGKILL');
        return Promise.resolve();
      },
      cleanup: () => h.cleanup(),
    };
  },
});
