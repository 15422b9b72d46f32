// POST /sync: queue a sync now; {"force": true} retries a failed commit. Bearer MCP_GITOPS_API_TOKEN.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refuseWithoutApiToken } from './auth.js';
import { NOT_JSON } from './json-body.js';

export interface SyncRouteDeps {
  apiToken?: string;
  requestSync: (reason: string, force: boolean) => number;
}

// a content type fastify has no parser for is refused before the handler: say what /sync takes
function errorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.statusCode === 415) void reply.code(415).send({ error: NOT_JSON });
  else void reply.send(err);
}

export function registerSync(app: FastifyInstance, deps: SyncRouteDeps): void {
  app.post('/sync', { errorHandler }, async (req, reply) => {
    const refused = refuseWithoutApiToken(deps.apiToken, 'POST /sync', req, reply);
    if (refused) return refused;
    let force = false;
    // any parsed body that is not raw JSON bytes came as another content type (text/plain: a string)
    if (req.body !== undefined && req.body !== null && !Buffer.isBuffer(req.body)) return reply.code(415).send({ error: NOT_JSON });
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
