// POST /suspend ({"reason": "..."} optional) and POST /resume: stop applying new commits, and go on.
// Bearer MCP_GITOPS_API_TOKEN, like /sync. Suspended, the daemon still reads the head and serves.
import type { FastifyInstance } from 'fastify';
import type { Suspension } from '../state/model.js';
import { StateWriteError } from '../state/state-error.js';
import { jsonObjectBody, refuseUnauthorized } from './api-request.js';
import { jsonErrorHandler } from './sync-route.js';

export const REASON_MAX = 500;

export interface SuspendRouteDeps {
  apiToken?: string;
  suspend: (reason: string | null) => Promise<{ suspended: Suspension; changed: boolean }>;
  resume: () => Promise<{ resumed: boolean; syncId: number }>;
}

/** One line, no control characters, at most REASON_MAX characters. */
function cleanReason(v: string): string | null {
  const one = [...v]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return one === '' ? null : one.slice(0, REASON_MAX);
}

export function registerSuspend(app: FastifyInstance, deps: SuspendRouteDeps): void {
  app.post('/suspend', { errorHandler: jsonErrorHandler }, async (req, reply) => {
    const refused = refuseUnauthorized(req, reply, deps.apiToken, 'POST /suspend');
    if (refused) return refused;
    const body = jsonObjectBody(req, reply, '{"reason": "release freeze"}');
    if (!body.ok) return body.reply;
    const r = body.value.reason;
    if (r !== undefined && r !== null && typeof r !== 'string') return reply.code(400).send({ error: 'reason must be a string' });
    try {
      return await deps.suspend(typeof r === 'string' ? cleanReason(r) : null);
    } catch (e) {
      if (!(e instanceof StateWriteError)) throw e;
      return reply.code(503).send({ error: `suspended, but not saved yet (it is lost if the daemon restarts before a write succeeds): ${e.message}` });
    }
  });
  app.post('/resume', { errorHandler: jsonErrorHandler }, async (req, reply) => {
    const refused = refuseUnauthorized(req, reply, deps.apiToken, 'POST /resume');
    if (refused) return refused;
    const body = jsonObjectBody(req, reply, '{}');
    if (!body.ok) return body.reply;
    try {
      return reply.code(202).send(await deps.resume());
    } catch (e) {
      if (!(e instanceof StateWriteError)) throw e;
      return reply.code(503).send({ error: `resumed, but not saved yet (a restart before a write succeeds comes back suspended): ${e.message}` });
    }
  });
}
