// KubeApi on @kubernetes/client-node: typed API clients, server-side apply through the
// apply-patch content type, every call declared as (verb, group, resource) for RBAC, errors mapped
// to typed errors and transient ones retried.
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { mapApiError } from './api-error.js';
import { isRuntimeError } from '../errors.js';
import { namespaceMissing } from './namespace.js';
import type { KubeApi, ManagedKind, ManagedObjects } from './kube-api.js';
import type { ApiCall, Verb } from './permissions.js';
import { withRetry, type RetryPolicy } from './retry.js';

export const FIELD_MANAGER = 'mcp-gitops';

export interface ClientApiOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  retry?: Partial<RetryPolicy>;
}

interface KindOps<K extends ManagedKind> {
  group: string;
  resource: string;
  apply(name: string, body: ManagedObjects[K]): Promise<ManagedObjects[K]>;
  list(labelSelector: string): Promise<{ items: ManagedObjects[K][] }>;
  remove(name: string, uid: string | undefined): Promise<V1Status | ManagedObjects[K]>;
}

type AllOps = { [K in ManagedKind]: KindOps<K> };

const APPLY = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

function deleteBody(uid: string | undefined): { propagationPolicy: string; body?: { preconditions: { uid: string } } } {
  return { propagationPolicy: 'Background', ...(uid && { body: { preconditions: { uid } } }) };
}

function kindOps(apps: AppsV1Api, core: CoreV1Api, namespace: string): AllOps {
  const ssa = { namespace, fieldManager: FIELD_MANAGER, force: true };
  return {
    Deployment: {
      group: 'apps',
      resource: 'deployments',
      apply: (name, body) => apps.patchNamespacedDeployment({ ...ssa, name, body }, APPLY),
      list: (labelSelector) => apps.listNamespacedDeployment({ namespace, labelSelector }),
      remove: (name, uid) => apps.deleteNamespacedDeployment({ namespace, name, ...deleteBody(uid) }),
    },
    Service: {
      group: '',
      resource: 'services',
      apply: (name, body) => core.patchNamespacedService({ ...ssa, name, body }, APPLY),
      list: (labelSelector) => core.listNamespacedService({ namespace, labelSelector }),
      remove: (name, uid) => core.deleteNamespacedService({ namespace, name, ...deleteBody(uid) }),
    },
    Secret: {
      group: '',
      resource: 'secrets',
      apply: (name, body) => core.patchNamespacedSecret({ ...ssa, name, body }, APPLY),
      list: (labelSelector) => core.listNamespacedSecret({ namespace, labelSelector }),
      remove: (name, uid) => core.deleteNamespacedSecret({ namespace, name, ...deleteBody(uid) }),
    },
  };
}

export function createClientApi(o: ClientApiOptions): KubeApi {
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  const ops = kindOps(o.kubeConfig.makeApiClient(AppsV1Api), core, o.namespace);
  const call = <T>(verb: Verb, group: string, resource: string, name: string | undefined, fn: () => Promise<T>): Promise<T> => {
    const c: ApiCall = { verb, group, resource, namespace: o.namespace, ...(name !== undefined && { name }) };
    return withRetry(
      () =>
        fn().catch((err: unknown) => {
          throw mapApiError(err, c);
        }),
      o.retry,
    );
  };
  const opsOf = <K extends ManagedKind>(kind: K): KindOps<K> => ops[kind];
  // a list or an apply (which creates) is never "not found" unless its namespace is missing; the API
  // server lists a missing namespace as empty, so the first apply is where it shows
  const inNamespace = <T>(p: Promise<T>): Promise<T> =>
    p.catch((err: unknown) => {
      if (!isRuntimeError(err, 'K8S_NOT_FOUND')) throw err;
      throw namespaceMissing(o.namespace, err);
    });
  return {
    namespace: o.namespace,
    apply<K extends ManagedKind>(kind: K, object: ManagedObjects[K]): Promise<ManagedObjects[K]> {
      const k = opsOf(kind);
      const name = object.metadata?.name ?? '';
      return inNamespace(call('patch', k.group, k.resource, name, () => k.apply(name, object)));
    },
    async list<K extends ManagedKind>(kind: K, labelSelector: string): Promise<ManagedObjects[K][]> {
      const k = opsOf(kind);
      return (await inNamespace(call('list', k.group, k.resource, undefined, () => k.list(labelSelector)))).items;
    },
    async remove(kind: ManagedKind, name: string, uid?: string): Promise<boolean> {
      const k = opsOf(kind);
      try {
        await call('delete', k.group, k.resource, name, () => k.remove(name, uid));
        return true;
      } catch (err) {
        // gone already, or replaced by an object with another uid (precondition failed): not ours to delete
        if (isRuntimeError(err, 'K8S_NOT_FOUND') || (uid !== undefined && isRuntimeError(err, 'K8S_CONFLICT'))) return false;
        throw err;
      }
    },
    async listPods(labelSelector: string) {
      return (await inNamespace(call('list', '', 'pods', undefined, () => core.listNamespacedPod({ namespace: o.namespace, labelSelector })))).items;
    },
  };
}
