// Turns what dockerode / docker-modem throw (socket errno, HTTP status, aborts) into typed errors
// whose message says what was attempted, where, and what to do.
import { maskText } from '../../render/mask.js';
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';

/** The HTTP status the engine answered with, when it answered. */
export function engineStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words (`{"message": ...}`), without docker-modem's "(HTTP code 500) ..." wrapping. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown } | null)?.json;
  if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message.trim();
  }
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  return err instanceof Error ? err.message.trim() : String(err);
}

const SOCKET_ERRORS: Record<string, { code: RuntimeErrorCode; text: string }> = {
  ENOENT: { code: 'RUNTIME_ENGINE_UNAVAILABLE', text: 'no docker engine socket there (is dockerd running?)' },
  ECONNREFUSED: { code: 'RUNTIME_ENGINE_UNAVAILABLE', text: 'connection refused (is dockerd running?)' },
  ECONNRESET: { code: 'RUNTIME_ENGINE_UNAVAILABLE', text: 'the engine closed the connection' },
  EPIPE: { code: 'RUNTIME_ENGINE_UNAVAILABLE', text: 'the engine closed the connection' },
  ETIMEDOUT: { code: 'RUNTIME_ENGINE_UNAVAILABLE', text: 'the engine did not answer in time' },
  EHOSTUNREACH: { code: 'RUNTIME_ENGINE_UNAVAILABLE', text: 'the engine host is unreachable' },
  EACCES: { code: 'RUNTIME_ENGINE_PERMISSION', text: 'permission denied on the engine socket (is the daemon user in the docker group?)' },
  EPERM: { code: 'RUNTIME_ENGINE_PERMISSION', text: 'permission denied on the engine socket (is the daemon user in the docker group?)' },
};

export interface EngineErrorContext {
  /** What we were doing, e.g. `create container for memory`. */
  what: string;
  /** The engine address, e.g. `unix:///var/run/docker.sock`. */
  where: string;
  secretValues?: readonly string[];
}

/** Maps any engine failure; a RuntimeError passes through unchanged. */
export function engineError(err: unknown, ctx: EngineErrorContext): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const clean = (text: string): string => maskText(text, ctx.secretValues ?? []);
  const errno = (err as { code?: unknown } | null)?.code;
  const socket = typeof errno === 'string' ? SOCKET_ERRORS[errno] : undefined;
  if (socket) {
    return new RuntimeError(socket.code, `${ctx.what}: docker engine at ${ctx.where}: ${socket.text}`, { where: ctx.where, errno }, { cause: err });
  }
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') {
    return new RuntimeError(
      'RUNTIME_ENGINE_UNAVAILABLE',
      `${ctx.what}: docker engine at ${ctx.where} did not answer in time`,
      { where: ctx.where },
      { cause: err },
    );
  }
  const status = engineStatus(err);
  const said = clean(engineMessage(err));
  if (status === 409) return new RuntimeError('RUNTIME_NAME_CONFLICT', `${ctx.what}: conflict: ${said}`, { status }, { cause: err });
  if (status === 400) return new RuntimeError('RUNTIME_INVALID_SPEC', `${ctx.what}: the engine rejected it: ${said}`, { status }, { cause: err });
  if (status !== undefined && status >= 500) {
    return new RuntimeError('RUNTIME_ENGINE_ERROR', `${ctx.what}: docker engine error: ${said}`, { status }, { cause: err });
  }
  return new RuntimeError('RUNTIME_ENGINE_ERROR', `${ctx.what}: ${said}`, status === undefined ? {} : { status }, { cause: err });
}
