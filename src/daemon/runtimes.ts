// The runtimes the daemon can run servers on, chosen from a map by --runtime (Renovate's platform
// table): each entry builds its runtime from the daemon's config, nothing reads the environment here.
import type { Logger } from 'pino';
import { createDockerRuntime } from '../runtimes/docker/index.js';
import { createProcessRuntime } from '../runtimes/process/index.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { DaemonConfig } from './config.js';

type RuntimeFactory = (cfg: DaemonConfig, logger: Logger) => Runtime;

const RUNTIMES: Record<DaemonConfig['runtime'], RuntimeFactory | undefined> = {
  process: (cfg, logger) => createProcessRuntime({ stateDir: cfg.stateDir, logger: logger.child({ component: 'process-runtime' }) }),
  docker: (cfg, logger) => createDockerRuntime({
    ...(cfg.dockerHost && { dockerHost: cfg.dockerHost }), ...(cfg.scope && { scope: cfg.scope }), logger: logger.child({ component: 'docker-runtime' }),
  }),
  kubernetes: undefined,
};

export function createRuntime(cfg: DaemonConfig, logger: Logger): Runtime {
  const factory = RUNTIMES[cfg.runtime];
  if (!factory) throw new Error(`--runtime ${cfg.runtime} is not available in this version (use --runtime process or docker)`);
  return factory(cfg, logger);
}

/** Instances of one server share the host's ports (so an unchanged port means recreate, not blue-green). */
export function sharesHostPorts(runtime: DaemonConfig['runtime']): boolean {
  return runtime !== 'kubernetes';
}
