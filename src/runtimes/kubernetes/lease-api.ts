// The three Lease calls leader election makes (get, create, update with resourceVersion), typed,
// declared for RBAC and mapped to typed errors like every other call of the runtime.
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { mapApiError } from './api-error.js';
import { isRuntimeError } from '../errors.js';
import type { Verb } from './permissions.js';
import { namespaceMissing } from './namespace.js';

export interface LeaseApi {
  readonly namespace: string;
  /** null when there is no such Lease. */
  get(name: string): Promise<V1Lease | null>;
  /** Fails with K8S_CONFLICT when it exists already. */
  create(lease: V1Lease): Promise<V1Lease>;
  /** Optimistic: fails with K8S_CONFLICT when metadata.resourceVersion is stale. */
  replace(lease: V1Lease): Promise<V1Lease>;
}

export function createLeaseApi(kubeConfig: KubeConfig, namespace: string): LeaseApi {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const call = async <T>(verb: Verb, name: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw mapApiError(err, { verb, group: 'coordination.k8s.io', resource: 'leases', namespace, name });
    }
  };
  return {
    namespace,
    async get(name) {
      try {
        return await call('get', name, () => api.readNamespacedLease({ name, namespace }));
      } catch (err) {
        if (isRuntimeError(err, 'K8S_NOT_FOUND')) return null;
        throw err;
      }
    },
    async create(lease) {
      try {
        return await call('create', lease.metadata?.name ?? '', () => api.createNamespacedLease({ namespace, body: lease }));
      } catch (err) {
        // a create is "not found" only when its namespace is missing
        throw isRuntimeError(err, 'K8S_NOT_FOUND') ? namespaceMissing(namespace, err) : err;
      }
    },
    replace: (lease) =>
      call('update', lease.metadata?.name ?? '', () => api.replaceNamespacedLease({ name: lease.metadata?.name ?? '', namespace, body: lease })),
  };
}
