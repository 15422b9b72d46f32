// POST /sync: queue a sync now; {"force": true} retries a failed commit. Bearer MCP_GITOPS_API_TOKEN.
import type { FastifyInstance } from 'fastify';
import { bearer, safeEqual } from './auth.js';

export interface SyncRouteDeps {
  apiToken?: string;
  requestSync: (reason: string, force: boolean) => number;
}

export function registerSync(app: FastifyInstance, deps: SyncRouteDeps): void {
  app.post('/sync', async (req, reply) => {
    if (deps.apiToken === undefined) return reply.code(403).send({ error: 'POST /sync is disabled: MCP_GITOPS_API_TOKEN is not set' });
    const token = bearer(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    if (token === undefined || !safeEqual(token, deps.apiToken)) return reply.code(401).send({ error: 'missing or wrong bearer token' });
    let force = false;
    if (Buffer.isBuffer(req.body) && req.body.length > 0) {
      try {
        const parsed = JSON.parse(req.body.toString('utf8')) as unknown;
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
        const f = (parsed as { force?: unknown }).force;
        if (f !== undefined && typeof f !== 'boolean') return reply.code(400).send({ error: 'force must be a boolean' });
        force = f === true;
      } catch {
        return reply.code(400).send({ error: 'body must be a JSON object such as {"force": true}' });
      }
    }
    const id = deps.requestSync(force ? 'api:force' : 'api', force);
    return reply.code(202).send({ queued: true, syncId: id, force });
  });
}
