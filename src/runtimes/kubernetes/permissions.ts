// Every API call the runtime (and its leader election) makes, as RBAC sees it. The Role in
// deploy/kubernetes is checked against this list in a test, both ways: it must cover every call and
// grant nothing more. The client adapter declares each call it makes with one of these triples.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export interface ApiCall {
  verb: Verb;
  /** API group: '' for the core group. */
  group: string;
  /** Plural resource name, with `/subresource` where there is one. */
  resource: string;
  namespace: string;
  name?: string;
}

export interface Permission {
  group: string;
  resource: string;
  verbs: readonly Verb[];
}

// Server-side apply is a PATCH; when it creates the object the API server also checks `create`.
const APPLY_AND_PRUNE: readonly Verb[] = ['list', 'create', 'patch', 'delete'];

/** The runtime itself: objects per instance, and pods to read instance state from. */
export const RUNTIME_PERMISSIONS: readonly Permission[] = [
  { group: 'apps', resource: 'deployments', verbs: APPLY_AND_PRUNE },
  { group: '', resource: 'services', verbs: APPLY_AND_PRUNE },
  { group: '', resource: 'secrets', verbs: APPLY_AND_PRUNE },
  { group: '', resource: 'pods', verbs: ['list'] },
];

/**
 * Only when the daemon runs outside the cluster (connect through a port-forward). The websocket
 * upgrade is a GET, and since Kubernetes 1.35 the API server also checks `create`.
 */
export const PORT_FORWARD_PERMISSIONS: readonly Permission[] = [{ group: '', resource: 'pods/portforward', verbs: ['get', 'create'] }];

/** Leader election: one Lease, read, created once, then replaced with its resourceVersion. */
export const LEADER_ELECTION_PERMISSIONS: readonly Permission[] = [{ group: 'coordination.k8s.io', resource: 'leases', verbs: ['get', 'create', 'update'] }];

/** What a daemon needs, by how it reaches its servers and whether it elects a leader. */
export function requiredPermissions(o: { portForward: boolean; leaderElection: boolean }): Permission[] {
  return [...RUNTIME_PERMISSIONS, ...(o.portForward ? PORT_FORWARD_PERMISSIONS : []), ...(o.leaderElection ? LEADER_ELECTION_PERMISSIONS : [])];
}

/** The in-cluster daemon of deploy/kubernetes: service access, leader election. */
export const IN_CLUSTER_PERMISSIONS: readonly Permission[] = requiredPermissions({ portForward: false, leaderElection: true });

export function isPermitted(call: Pick<ApiCall, 'verb' | 'group' | 'resource'>, granted: readonly Permission[]): boolean {
  return granted.some((p) => p.group === call.group && p.resource === call.resource && p.verbs.includes(call.verb));
}

export function describeCall(call: ApiCall): string {
  const resource = call.group === '' ? call.resource : `${call.resource}.${call.group}`;
  return `${call.verb} ${resource}${call.name ? ` "${call.name}"` : ''} in namespace ${call.namespace}`;
}
