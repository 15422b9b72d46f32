// The runtimes the daemon can run servers on, chosen from a map by --runtime (Renovate's platform
// table): each entry builds its runtime from the daemon's config, nothing reads the environment here.
// Each runtime is imported only when chosen: dockerode (with ssh2's WebAssembly) and the kubernetes
// client cost a process-runtime daemon some 120 MB of memory otherwise. What a runtime can do is on
// the runtime (`runtime.capabilities`); this table is the one place that knows runtimes by name.
import type { Logger } from 'pino';
import { withRemotes } from '../remote/with-remotes.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { DaemonConfig } from './config.js';
import { createLeadership, type Leadership } from './leadership.js';

export interface ChosenRuntime {
  runtime: Runtime;
  /** Replicas that share the runtime elect one leader to reconcile (kubernetes: a Lease). */
  leadership?: Leadership;
}

type RuntimeFactory = (cfg: DaemonConfig, logger: Logger) => Promise<ChosenRuntime>;

const RUNTIMES: Record<DaemonConfig['runtime'], RuntimeFactory> = {
  process: async (cfg, logger) => ({
    runtime: (await import('../runtimes/process/index.js')).createProcessRuntime({
      stateDir: cfg.stateDir,
      logger: logger.child({ component: 'process-runtime' }),
    }),
  }),
  docker: async (cfg, logger) => ({
    runtime: (await import('../runtimes/docker/index.js')).createDockerRuntime({
      ...(cfg.dockerHost && { dockerHost: cfg.dockerHost }),
      ...(cfg.scope && { scope: cfg.scope }),
      logger: logger.child({ component: 'docker-runtime' }),
    }),
  }),
  kubernetes: async (cfg, logger) => {
    const leadership = await createLeadership(cfg, logger);
    return {
      runtime: (await import('../runtimes/kubernetes/index.js')).createKubernetesRuntime({
        ...(cfg.namespace && { namespace: cfg.namespace }),
        logger: logger.child({ component: 'kubernetes-runtime' }),
        // followers watch nothing: exits are the leader's business
        active: () => leadership.leading(),
      }),
      leadership,
    };
  },
};

/** The chosen runtime, with remote servers (spec.url) beside it: never started, only gated, checked and served. */
export async function createRuntime(cfg: DaemonConfig, logger: Logger): Promise<ChosenRuntime> {
  const chosen = await RUNTIMES[cfg.runtime](cfg, logger);
  // each serving remote is checked once per poll interval (--interval)
  const remote = { logger: logger.child({ component: 'remote-runtime' }), checkEveryMs: cfg.intervalSeconds * 1000 };
  return { ...chosen, runtime: withRemotes(chosen.runtime, remote) };
}
