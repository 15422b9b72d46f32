// POST /sync: queue a sync now; {"force": true} retries a failed commit. Bearer MCP_GITOPS_API_TOKEN.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { jsonObjectBody, refuseUnauthorized } from './api-request.js';
import { NOT_JSON } from './json-body.js';

export interface SyncRouteDeps {
  apiToken?: string;
  requestSync: (reason: string, force: boolean) => number;
  /** While true, /sync is refused (409): a suspended daemon applies nothing until POST /resume. */
  suspended?: () => boolean;
}

// a content type fastify has no parser for is refused before the handler: say what /sync takes
export function jsonErrorHandler(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.statusCode === 415) void reply.code(415).send({ error: NOT_JSON });
  else void reply.send(err);
}

export function registerSync(app: FastifyInstance, deps: SyncRouteDeps): void {
  app.post('/sync', { errorHandler: jsonErrorHandler }, async (req, reply) => {
    const refused = refuseUnauthorized(req, reply, deps.apiToken, 'POST /sync');
    if (refused) return refused;
    const body = jsonObjectBody(req, reply, '{"force": true}');
    if (!body.ok) return body.reply;
    const f = body.value.force;
    if (f !== undefined && typeof f !== 'boolean') return reply.code(400).send({ error: 'force must be a boolean' });
    const force = f === true;
    if (deps.suspended?.()) return reply.code(409).send({ error: 'the daemon is suspended: POST /resume (mcp-gitops resume) applies the head' });
    const id = deps.requestSync(force ? 'api:force' : 'api', force);
    return reply.code(202).send({ queued: true, syncId: id, force });
  });
}
