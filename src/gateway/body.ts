// The POST body as JSON-RPC: whatever content-type parser ran before us (raw Buffer, string or an
// already parsed object), parsed once here so the SDK transport gets it as `parsedBody`.
import { isInitializeRequest, type InitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { GatewayError } from './errors.js';

export interface Body {
  /** undefined for GET / DELETE or an empty body. */
  value: unknown;
  messages: unknown[];
}

export function parseBody(raw: unknown): Body {
  let value: unknown = raw;
  if (Buffer.isBuffer(raw)) value = raw.length === 0 ? undefined : raw.toString('utf8');
  if (typeof value === 'string') {
    try {
      value = value.trim() === '' ? undefined : JSON.parse(value);
    } catch {
      throw new GatewayError('PARSE_ERROR', 'Parse error: the body is not valid JSON');
    }
  }
  return { value, messages: value === undefined ? [] : Array.isArray(value) ? value : [value] };
}

/** parseBody(raw) on first call, kept (value or error): the request's span and its handler share one parse. */
export function bodyOnce(raw: unknown): () => Body {
  let parsed: { body: Body } | { err: unknown } | undefined;
  return () => {
    if (!parsed) {
      try {
        parsed = { body: parseBody(raw) };
      } catch (err) {
        parsed = { err };
      }
    }
    if ('err' in parsed) throw parsed.err;
    return parsed.body;
  };
}

export function initializeRequest(body: Body): InitializeRequest | undefined {
  return body.messages.length === 1 && isInitializeRequest(body.messages[0]) ? body.messages[0] : undefined;
}

/** The JSON-RPC methods of the requests (not notifications) in a body, for metrics. */
export function requestMethods(body: Body): string[] {
  return body.messages.filter(isRequestLike).map((m) => m.method);
}

/** The id of the only request in a body, for an error answer; null otherwise. */
export function singleRequestId(body: Body): string | number | null {
  const reqs = body.messages.filter(isRequestLike);
  return reqs.length === 1 ? reqs[0].id : null;
}

function isRequestLike(m: unknown): m is { method: string; id: string | number } {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  return typeof r.method === 'string' && (typeof r.id === 'string' || typeof r.id === 'number');
}
