// Typed errors of the kubernetes runtime: callers branch on `code` (or `transient`), never on the message.

export type KubernetesRuntimeErrorCode =
  | 'K8S_CONFLICT'             // 409: the object changed under us (resourceVersion) or already exists
  | 'K8S_FORBIDDEN'            // 403: RBAC: the service account lacks a verb on a resource (message names both)
  | 'K8S_INVALID'              // 422: the API server rejected the object: fix the spec
  | 'K8S_UNAUTHORIZED'         // 401: credentials rejected or expired
  | 'K8S_NOT_FOUND'            // 404 where an object was required
  | 'K8S_NAMESPACE_NOT_FOUND'  // the runtime's namespace does not exist: an operator creates it
  | 'K8S_TRANSIENT'            // 5xx, 429, timeouts, network: retried with backoff, still failing
  | 'K8S_API_ERROR'            // any other API answer
  | 'K8S_CONFIG'               // no usable kubeconfig / in-cluster credentials
  | 'RUNTIME_INVALID_SPEC'     // the spec cannot run on kubernetes as written: fix the commit
  | 'RUNTIME_START_FAILED'     // a pod crashed, or its image or config could not be used, while starting
  | 'RUNTIME_INSTANCE_NOT_FOUND'
  | 'RUNTIME_NOT_RUNNING'      // connect() to an instance that has failed (crash loop, image pull...)
  | 'RUNTIME_NOT_READY'        // connect(): no ready pod within the wait
  | 'RUNTIME_START_CANCELLED'  // start(): the caller gave up (a newer commit) while it waited for readiness
  | 'RUNTIME_SHUT_DOWN';

const TRANSIENT_CODES: ReadonlySet<KubernetesRuntimeErrorCode> = new Set(['K8S_TRANSIENT', 'K8S_CONFLICT', 'K8S_FORBIDDEN', 'K8S_UNAUTHORIZED', 'K8S_NAMESPACE_NOT_FOUND']);

export class KubernetesRuntimeError extends Error {
  override readonly name = 'KubernetesRuntimeError';
  constructor(readonly code: KubernetesRuntimeErrorCode, message: string, readonly data: Record<string, unknown> = {}) {
    super(message);
  }

  /**
   * Not the commit's fault: worth retrying later without a new commit (for the reconciler's
   * isTransient). RBAC and credentials count: an operator fixes them, not a commit.
   */
  get transient(): boolean {
    return TRANSIENT_CODES.has(this.code);
  }
}

export function isKubernetesRuntimeError(err: unknown, code?: KubernetesRuntimeErrorCode): err is KubernetesRuntimeError {
  return err instanceof KubernetesRuntimeError && (code === undefined || err.code === code);
}
