// Public surface of the kubernetes runtime: createKubernetesRuntime builds the client from a
// kubeconfig (default: KUBECONFIG, ~/.kube/config or the pod's service account) in one namespace.
import { KubeConfig } from '@kubernetes/client-node';
import { createClientApi } from './client-api.js';
import { RuntimeError } from '../errors.js';
import type { KubeApi } from './kube-api.js';
import { KubernetesRuntimeImpl, type KubernetesRuntime } from './kubernetes-runtime.js';
import { silentLogger, type Logger } from '../logger.js';
import { resolveNamespace } from './namespace.js';
import { PortForwards } from './port-forward.js';
import type { RetryPolicy } from './retry.js';

export interface KubernetesRuntimeOptions {
  /** --namespace; default: the daemon's own (in a pod), else `mcp-gitops`. */
  namespace?: string;
  logger?: Logger;
  /** Default: loadFromDefault() (KUBECONFIG, ~/.kube/config, in-cluster service account). */
  kubeConfig?: KubeConfig;
  /** How instances are reached; default: 'service' when the config is the in-cluster one, else 'port-forward'. */
  access?: 'service' | 'port-forward';
  /** How images start the stdio bridge (default ["mcp-gitops", "bridge"]). */
  bridgeCommand?: readonly string[];
  /** How long start() waits for a Deployment to become available (default 5 min). */
  readyTimeoutMs?: number;
  /** Status poll period for readiness and exits (default 2 s). */
  pollMs?: number;
  retry?: Partial<RetryPolicy>;
  /** A ready API adapter (tests); otherwise built from kubeConfig. */
  api?: KubeApi;
  /** Whether this replica may poll for exits (leader election: only the leader does). Default: always. */
  active?: () => boolean;
}

/** KUBECONFIG, ~/.kube/config or the pod's service account; a typed K8S_CONFIG error when there is none. */
export function loadKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const cluster = kc.getCurrentCluster();
  // loadFromDefault falls back to an unauthenticated http://localhost:8080 when it finds nothing
  if (!cluster || (cluster.name === 'cluster' && cluster.server === 'http://localhost:8080')) {
    throw new RuntimeError(
      'K8S_CONFIG',
      'no Kubernetes configuration found: set KUBECONFIG, create ~/.kube/config, or run the daemon in a pod with a service account',
    );
  }
  return kc;
}

export function createKubernetesRuntime(opts: KubernetesRuntimeOptions = {}): KubernetesRuntime {
  const logger = opts.logger ?? silentLogger;
  const kubeConfig = opts.kubeConfig ?? (opts.api ? undefined : loadKubeConfig());
  const namespace = opts.api?.namespace ?? resolveNamespace(opts.namespace);
  const access = opts.access ?? (kubeConfig?.getCurrentCluster()?.name === 'inCluster' ? 'service' : 'port-forward');
  const api = opts.api ?? createClientApi({ kubeConfig: kubeConfig!, namespace, ...(opts.retry && { retry: opts.retry }) });
  return new KubernetesRuntimeImpl({
    api,
    logger,
    access,
    ...(kubeConfig && access === 'port-forward' && { forwards: new PortForwards(kubeConfig, namespace, logger) }),
    ...(opts.bridgeCommand && { bridgeCommand: opts.bridgeCommand }),
    ...(opts.readyTimeoutMs !== undefined && { readyTimeoutMs: opts.readyTimeoutMs }),
    ...(opts.pollMs !== undefined && { pollMs: opts.pollMs }),
    ...(opts.active && { active: opts.active }),
  });
}

export type { KubernetesRuntime } from './kubernetes-runtime.js';
export { resolveNamespace, DEFAULT_NAMESPACE } from './namespace.js';
export { IN_CLUSTER_PERMISSIONS, requiredPermissions, type Permission } from './permissions.js';
export { createLeaderElection, DEFAULT_LEASE_NAME, type LeaderElection, type LeaderElectionOptions } from './leader.js';
