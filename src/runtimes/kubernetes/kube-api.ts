// The few API operations the runtime needs, behind one interface: the client-node adapter
// implements it for real clusters, tests implement it in memory. Every object is namespaced to
// the runtime's namespace; every list is by label selector.
import type { V1Deployment, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';

export interface ManagedObjects {
  Deployment: V1Deployment;
  Service: V1Service;
  Secret: V1Secret;
}

export type ManagedKind = keyof ManagedObjects;
export const MANAGED_KINDS: readonly ManagedKind[] = ['Deployment', 'Service', 'Secret'];

export interface KubeApi {
  readonly namespace: string;
  /** Server-side apply (field manager mcp-gitops, force): creates or updates. */
  apply<K extends ManagedKind>(kind: K, object: ManagedObjects[K]): Promise<ManagedObjects[K]>;
  list<K extends ManagedKind>(kind: K, labelSelector: string): Promise<ManagedObjects[K][]>;
  /** Deletes (background propagation, only if the uid still matches); false when it was already gone. */
  remove(kind: ManagedKind, name: string, uid?: string): Promise<boolean>;
  listPods(labelSelector: string): Promise<V1Pod[]>;
}
