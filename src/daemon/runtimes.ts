// The runtimes the daemon can run servers on, chosen from a map by --runtime (Renovate's platform
// table): each entry builds its runtime from the daemon's config, nothing reads the environment here.
import type { Logger } from 'pino';
import { createDockerRuntime } from '../runtimes/docker/index.js';
import { createKubernetesRuntime } from '../runtimes/kubernetes/index.js';
import { createProcessRuntime } from '../runtimes/process/index.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { DaemonConfig } from './config.js';

type RuntimeFactory = (cfg: DaemonConfig, logger: Logger) => Runtime;

const RUNTIMES: Record<DaemonConfig['runtime'], RuntimeFactory> = {
  process: (cfg, logger) => createProcessRuntime({ stateDir: cfg.stateDir, logger: logger.child({ component: 'process-runtime' }) }),
  docker: (cfg, logger) => createDockerRuntime({
    ...(cfg.dockerHost && { dockerHost: cfg.dockerHost }), ...(cfg.scope && { scope: cfg.scope }), logger: logger.child({ component: 'docker-runtime' }),
  }),
  kubernetes: (cfg, logger) => createKubernetesRuntime({
    ...(cfg.namespace && { namespace: cfg.namespace }), logger: logger.child({ component: 'kubernetes-runtime' }),
  }),
};

export function createRuntime(cfg: DaemonConfig, logger: Logger): Runtime {
  return RUNTIMES[cfg.runtime](cfg, logger);
}

/** Instances of one server share the host's ports (so an unchanged port means recreate, not blue-green). */
export function sharesHostPorts(runtime: DaemonConfig['runtime']): boolean {
  return runtime !== 'kubernetes';
}
