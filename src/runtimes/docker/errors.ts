// Typed errors of the docker runtime: callers branch on `code` and `transient`, never on the message.
// Codes shared with the process runtime keep their names (RUNTIME_INVALID_SPEC, RUNTIME_NOT_RUNNING, ...).

export type DockerRuntimeErrorCode =
  | 'RUNTIME_INVALID_SPEC'        // the spec cannot run on docker (no image, no port, engine rejects the config): fix the commit
  | 'RUNTIME_INVALID_CONFIG'      // the daemon's own settings (DOCKER_HOST) are not usable: fix the daemon
  | 'RUNTIME_ENGINE_UNAVAILABLE'  // transient: no engine at the socket, refused, reset, no answer in time
  | 'RUNTIME_ENGINE_PERMISSION'   // transient: the socket exists but we may not use it (docker group?)
  | 'RUNTIME_ENGINE_ERROR'        // transient: the engine answered with a server error
  | 'RUNTIME_NAME_CONFLICT'       // transient: a container of that name exists already (retry picks a new name)
  | 'RUNTIME_IMAGE_UNAVAILABLE'   // the image is not on the engine and could not be pulled: fix the commit (or the registry)
  | 'RUNTIME_PORT_IN_USE'         // something already listens on spec.port of the host
  | 'RUNTIME_START_FAILED'        // the engine could not start the container (entrypoint not found, ...)
  | 'RUNTIME_INSTANCE_NOT_FOUND'
  | 'RUNTIME_NOT_RUNNING'         // connect() to a container that is not running (or whose stdio cannot be attached)
  | 'RUNTIME_SHUT_DOWN';          // the runtime was shut down

const TRANSIENT = new Set<DockerRuntimeErrorCode>([
  'RUNTIME_ENGINE_UNAVAILABLE', 'RUNTIME_ENGINE_PERMISSION', 'RUNTIME_ENGINE_ERROR', 'RUNTIME_NAME_CONFLICT',
]);

export class DockerRuntimeError extends Error {
  override readonly name = 'DockerRuntimeError';
  /** Retrying later (with backoff) may succeed without a new commit. */
  readonly transient: boolean;
  constructor(readonly code: DockerRuntimeErrorCode, message: string, readonly data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.transient = TRANSIENT.has(code);
  }
}

export function isDockerRuntimeError(err: unknown, code?: DockerRuntimeErrorCode): err is DockerRuntimeError {
  return err instanceof DockerRuntimeError && (code === undefined || err.code === code);
}
