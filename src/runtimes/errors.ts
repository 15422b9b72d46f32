// The one typed error of every runtime (process, docker, kubernetes): callers branch on `code` and
// `transient`, never on the message. A code means the same on every runtime; a runtime uses the codes
// that can happen to it.

export type RuntimeErrorCode =
  // the commit's fault: fix the spec
  | 'RUNTIME_INVALID_SPEC' // the spec cannot run on this runtime as written (no command, no image, no port, rejected config)
  | 'RUNTIME_CWD_ESCAPE' // process: spec.cwd is absolute or leaves the checkout
  | 'RUNTIME_CWD_MISSING' // process: spec.cwd does not exist in the checkout
  | 'RUNTIME_IMAGE_UNAVAILABLE' // docker: the image is not on the engine and could not be pulled
  | 'RUNTIME_START_FAILED' // the instance could not be launched, or crashed while starting
  | 'RUNTIME_PORT_IN_USE' // something already listens on spec.port of the host
  // the daemon's settings: fix the daemon
  | 'RUNTIME_INVALID_CONFIG' // e.g. DOCKER_HOST is not usable
  // transient: the engine or cluster, not the commit
  | 'RUNTIME_ENGINE_UNAVAILABLE' // docker: no engine at the socket, refused, reset, no answer in time
  | 'RUNTIME_ENGINE_PERMISSION' // docker: the socket exists but we may not use it (docker group?)
  | 'RUNTIME_ENGINE_ERROR' // docker: the engine answered with a server error
  | 'RUNTIME_NAME_CONFLICT' // docker: a container of that name exists already (a retry picks a new name)
  // about one instance
  | 'RUNTIME_INSTANCE_NOT_FOUND'
  | 'RUNTIME_NOT_RUNNING' // connect() to an instance that has exited (or whose stdio cannot be attached)
  | 'RUNTIME_NOT_READY' // kubernetes connect(): no ready pod within the wait
  | 'RUNTIME_START_CANCELLED' // start(): the caller gave up (a newer commit) while it waited for readiness
  | 'RUNTIME_SHUT_DOWN' // the runtime was shut down
  // the kubernetes API's answers
  | 'K8S_CONFLICT' // 409: the object changed under us (resourceVersion) or already exists
  | 'K8S_FORBIDDEN' // 403: RBAC: the service account lacks a verb on a resource (message names both)
  | 'K8S_INVALID' // 422: the API server rejected the object: fix the spec
  | 'K8S_UNAUTHORIZED' // 401: credentials rejected or expired
  | 'K8S_NOT_FOUND' // 404 where an object was required
  | 'K8S_NAMESPACE_NOT_FOUND' // the runtime's namespace does not exist: an operator creates it
  | 'K8S_TRANSIENT' // 5xx, 429, timeouts, network: retried with backoff, still failing
  | 'K8S_API_ERROR' // any other API answer
  | 'K8S_CONFIG'; // no usable kubeconfig / in-cluster credentials

/**
 * Not the commit's fault: retrying later (with backoff) may succeed without a new commit. RBAC and
 * credentials count: an operator fixes them, not a commit.
 */
const TRANSIENT: ReadonlySet<RuntimeErrorCode> = new Set<RuntimeErrorCode>([
  'RUNTIME_ENGINE_UNAVAILABLE',
  'RUNTIME_ENGINE_PERMISSION',
  'RUNTIME_ENGINE_ERROR',
  'RUNTIME_NAME_CONFLICT',
  'K8S_TRANSIENT',
  'K8S_CONFLICT',
  'K8S_FORBIDDEN',
  'K8S_UNAUTHORIZED',
  'K8S_NAMESPACE_NOT_FOUND',
]);

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  /** Retrying later (with backoff) may succeed without a new commit; decided by the code. */
  readonly transient: boolean;

  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    readonly data: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.transient = TRANSIENT.has(code);
  }
}

export function isRuntimeError(err: unknown, code?: RuntimeErrorCode): err is RuntimeError {
  return err instanceof RuntimeError && (code === undefined || err.code === code);
}

/** start() given up by its caller (its signal aborted): the runtime removed what it had created. */
export function startCancelled(server: string, what = 'start'): RuntimeError {
  return new RuntimeError('RUNTIME_START_CANCELLED', `server ${server}: ${what} cancelled (no longer wanted: a newer commit or shutdown)`, { server });
}
