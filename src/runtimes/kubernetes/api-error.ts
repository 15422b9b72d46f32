// API answers turned into typed errors whose message says what to do. Works on client-node's
// ApiException (code + raw body text) and on fetch's network errors, without importing either.
import { RuntimeError, type RuntimeErrorCode } from '../errors.js';
import { describeCall, type ApiCall } from './permissions.js';

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** HTTP status of an API error, or undefined for anything else. */
export function statusOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}

function parseBody(err: unknown): StatusBody {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'object' && body !== null) return body;
  if (typeof body !== 'string' || body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return { message: body.slice(0, 300) };
  }
}

/** A network failure: fetch's TypeError with an errno-style cause, or a bare errno error. */
export function isNetworkError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    if (e.name === 'AbortError' || e.name === 'TimeoutError' || e.message === 'fetch failed') return true;
  }
  return false;
}

function causes(body: StatusBody): string {
  const list = (body.details?.causes ?? []).map((c) => `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`.trim()).filter(Boolean);
  return list.length > 0 ? list.join('; ') : (body.message ?? 'invalid object');
}

function errorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause && !err.message.includes(cause) ? `${err.message}: ${cause}` : err.message;
}

export function mapApiError(err: unknown, call: ApiCall): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const what = describeCall(call);
  const data = { verb: call.verb, group: call.group, resource: call.resource, namespace: call.namespace, ...(call.name && { name: call.name }) };
  const status = statusOf(err);
  if (status === undefined) {
    if (isNetworkError(err)) return new RuntimeError('K8S_TRANSIENT', `cannot reach the Kubernetes API (${what}): ${errorMessage(err)}`, data);
    return new RuntimeError('K8S_API_ERROR', `${what} failed: ${errorMessage(err)}`, data);
  }
  const body = parseBody(err);
  const make = (code: RuntimeErrorCode, message: string): RuntimeError =>
    new RuntimeError(code, message, { ...data, status, ...(body.reason && { reason: body.reason }) });
  const rbacResource = call.group === '' ? `"${call.resource}"` : `"${call.resource}" in API group "${call.group}"`;
  switch (status) {
    case 401:
      return make('K8S_UNAUTHORIZED', `the Kubernetes API rejected the credentials (${what}): check the kubeconfig or service account token`);
    case 403:
      return make(
        'K8S_FORBIDDEN',
        `forbidden: cannot ${call.verb} resource ${rbacResource} in namespace "${call.namespace}": grant the verb "${call.verb}" on "${call.resource}" to the daemon's Role (see deploy/kubernetes/rbac.yaml)${body.message ? ` (API: ${body.message})` : ''}`,
      );
    case 404:
      return make('K8S_NOT_FOUND', `not found: ${what}${body.message ? `: ${body.message}` : ''}`);
    case 409:
      return make('K8S_CONFLICT', `conflict: ${what}: ${body.message ?? 'the object was modified'}`);
    case 422:
      return make('K8S_INVALID', `invalid: ${what} was rejected: ${causes(body)}`);
    default:
      if (status === 429 || status >= 500)
        return make('K8S_TRANSIENT', `the Kubernetes API is unavailable (HTTP ${status}) for ${what}${body.message ? `: ${body.message}` : ''}`);
      return make('K8S_API_ERROR', `${what} failed with HTTP ${status}${body.message ? `: ${body.message}` : ''}`);
  }
}
