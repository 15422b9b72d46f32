// Constant-time comparisons for tokens and signatures (never branch on where they differ).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const x = Buffer.isBuffer(a) ? a : Buffer.from(a);
  const y = Buffer.isBuffer(b) ? b : Buffer.from(b);
  if (x.length !== y.length) {
    timingSafeEqual(x, x); // same work either way
    return false;
  }
  return timingSafeEqual(x, y);
}

export function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** `Authorization: Bearer <token>` → token, else undefined. */
export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim();
}

/**
 * The API token check of POST /sync and /rollouts: 403 when no token is configured, 401 when the
 * request lacks it. Returns the reply it sent, or undefined when the request may go on.
 */
export function refuseWithoutApiToken(apiToken: string | undefined, route: string, req: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
  if (apiToken === undefined) return reply.code(403).send({ error: `${route} is disabled: MCP_GITOPS_API_TOKEN is not set` });
  const token = bearer(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
  if (token === undefined || !safeEqual(token, apiToken)) return reply.code(401).send({ error: 'missing or wrong bearer token' });
  return undefined;
}
