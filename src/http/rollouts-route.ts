// POST /rollouts/<server>/promote | abort: a person ends a running canary early (promote: every new
// session on the new version now; abort: back to the stable one and the commit is reverted).
// Bearer MCP_GITOPS_API_TOKEN, like POST /sync.
import type { FastifyInstance } from 'fastify';
import { refuseUnauthorized } from './api-request.js';

export type RolloutAction = 'promote' | 'abort';

export interface RolloutsRouteDeps {
  apiToken?: string;
  /** False when no canary of `server` runs now. */
  endCanary: (server: string, what: RolloutAction) => boolean;
}

export const ROLLOUTS_ROUTE = '/rollouts/:server/:action';

export function registerRollouts(app: FastifyInstance, deps: RolloutsRouteDeps): void {
  app.post<{ Params: { server: string; action: string } }>(ROLLOUTS_ROUTE, async (req, reply) => {
    const refused = refuseUnauthorized(req, reply, deps.apiToken, 'POST /rollouts');
    if (refused) return refused;
    const { server, action } = req.params;
    if (action !== 'promote' && action !== 'abort') return reply.code(404).send({ error: `unknown action "${action}": use promote or abort` });
    if (!deps.endCanary(server, action)) return reply.code(409).send({ error: `no canary of server "${server}" is running` });
    return reply.code(202).send({ accepted: true, server, action });
  });
}
