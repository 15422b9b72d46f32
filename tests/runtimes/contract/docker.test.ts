// The runtime contract against the docker runtime on the test engine (DOCKER_HOST; skipped without
// one, failed instead with MCP_GITOPS_REQUIRE_DOCKER=1): containers of the test image, killed out of
// band with `docker kill`.
import { DOCKER_CAPABILITIES } from '../../../src/runtimes/capabilities.js';
import { probeEngine } from '../../helpers/docker/engine.js';
import { createDockerHarness } from '../../helpers/docker/harness.js';
import { IN_IMAGE } from '../../helpers/docker/images.js';
import { dockerServer, everythingHttp, everythingStdio } from '../../helpers/docker/servers.js';
import { runtimeContract } from './contract.js';

const probe = await probeEngine();

runtimeContract({
  name: 'docker',
  ...(!probe.ok && { skip: probe.reason }),
  capabilities: DOCKER_CAPABILITIES,
  timeoutMs: 60_000,
  world: () => {
    const h = createDockerHarness(probe.engine!);
    return Promise.resolve({
      ctx: h.ctx,
      runtime: () => h.runtime(),
      reopen: () => h.runtime(),
      httpServer: (name, port) => everythingHttp(name, port),
      server: (name, version = '1.0.0') => everythingStdio(name, { version }),
      exitingServer: (name) => dockerServer({ name, command: IN_IMAGE.node, args: [IN_IMAGE.fixture('exit-at-start.mjs')] }),
      kill: async (_rt, id) => {
        await h.cli('kill', id);
      },
      cleanup: () => h.cleanup(),
    });
  },
});
