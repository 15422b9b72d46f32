// What every write route of the API (/sync, /suspend, /resume) checks first: the bearer API token,
// then a body that is absent or a JSON object. Each answers the refusal itself and returns it.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearer, safeEqual } from './auth.js';
import { NOT_JSON } from './json-body.js';

/** 403 when the daemon has no token, 401 on a missing or wrong one; undefined when authorized. */
export function refuseUnauthorized(req: FastifyRequest, reply: FastifyReply, token: string | undefined, route: string): FastifyReply | undefined {
  if (token === undefined) return reply.code(403).send({ error: `${route} is disabled: MCP_GITOPS_API_TOKEN is not set` });
  const given = bearer(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
  if (given === undefined || !safeEqual(given, token)) return reply.code(401).send({ error: 'missing or wrong bearer token' });
  return undefined;
}

export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; reply: FastifyReply };

/** The body as a JSON object ({} when empty); 415 for another content type, 400 naming `example` otherwise. */
export function jsonObjectBody(req: FastifyRequest, reply: FastifyReply, example: string): JsonBody {
  // any parsed body that is not raw JSON bytes came as another content type (text/plain: a string)
  if (req.body !== undefined && req.body !== null && !Buffer.isBuffer(req.body)) return { ok: false, reply: reply.code(415).send({ error: NOT_JSON }) };
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) return { ok: true, value: {} };
  try {
    const parsed = JSON.parse(req.body.toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return { ok: true, value: parsed as Record<string, unknown> };
  } catch {
    return { ok: false, reply: reply.code(400).send({ error: `body must be a JSON object such as ${example}` }) };
  }
}
