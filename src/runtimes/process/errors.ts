// Typed errors of the process runtime: callers branch on `code`, never on the message.

export type ProcessRuntimeErrorCode =
  | 'RUNTIME_INVALID_SPEC'      // spec cannot run on this runtime (no command, no port): fix the commit
  | 'RUNTIME_CWD_ESCAPE'        // spec.cwd is absolute or leaves the checkout: fix the commit
  | 'RUNTIME_CWD_MISSING'       // spec.cwd does not exist in the checkout: fix the commit
  | 'RUNTIME_PORT_IN_USE'       // something already listens on spec.port: stop it or change the port
  | 'RUNTIME_START_FAILED'      // the executable could not be launched (not found, not executable)
  | 'RUNTIME_INSTANCE_NOT_FOUND'
  | 'RUNTIME_NOT_RUNNING'       // connect() to an instance that has exited
  | 'RUNTIME_SHUT_DOWN';        // the runtime was shut down

export class ProcessRuntimeError extends Error {
  override readonly name = 'ProcessRuntimeError';
  constructor(readonly code: ProcessRuntimeErrorCode, message: string, readonly data: Record<string, unknown> = {}) {
    super(message);
  }
}

export function isProcessRuntimeError(err: unknown, code?: ProcessRuntimeErrorCode): err is ProcessRuntimeError {
  return err instanceof ProcessRuntimeError && (code === undefined || err.code === code);
}
