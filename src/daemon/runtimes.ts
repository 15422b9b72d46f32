// The runtimes the daemon can run servers on, chosen from a map by --runtime (Renovate's platform
// table): each entry builds its runtime from the daemon's config, nothing reads the environment here.
// Each runtime is imported only when chosen: dockerode (with ssh2's WebAssembly) and the kubernetes
// client cost a process-runtime daemon some 120 MB of memory otherwise.
import type { Logger } from 'pino';
import type { Runtime } from '../runtimes/runtime.js';
import type { DaemonConfig } from './config.js';

type RuntimeFactory = (cfg: DaemonConfig, logger: Logger) => Promise<Runtime>;

const RUNTIMES: Record<DaemonConfig['runtime'], RuntimeFactory> = {
  process: async (cfg, logger) => (await import('../runtimes/process/index.js')).createProcessRuntime({ stateDir: cfg.stateDir, logger: logger.child({ component: 'process-runtime' }) }),
  docker: async (cfg, logger) => (await import('../runtimes/docker/index.js')).createDockerRuntime({
    ...(cfg.dockerHost && { dockerHost: cfg.dockerHost }), ...(cfg.scope && { scope: cfg.scope }), logger: logger.child({ component: 'docker-runtime' }),
  }),
  kubernetes: async (cfg, logger) => (await import('../runtimes/kubernetes/index.js')).createKubernetesRuntime({
    ...(cfg.namespace && { namespace: cfg.namespace }), logger: logger.child({ component: 'kubernetes-runtime' }),
  }),
};

export function createRuntime(cfg: DaemonConfig, logger: Logger): Promise<Runtime> {
  return RUNTIMES[cfg.runtime](cfg, logger);
}

/** Instances of one server share the host's ports (so an unchanged port means recreate, not blue-green). */
export function sharesHostPorts(runtime: DaemonConfig['runtime']): boolean {
  return runtime !== 'kubernetes';
}
