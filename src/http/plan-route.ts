// GET /plan: what the next sync does per server, read-only. Decided by the same function the sync
// runs, against the runtime's live view; secret-free (masked versions and spec-hashes only).
import type { FastifyInstance } from 'fastify';
import type { PlanView } from '../plan/view.js';

export interface PlanRouteDeps {
  plan: () => Promise<PlanView>;
}

export function registerPlan(app: FastifyInstance, deps: PlanRouteDeps): void {
  app.get('/plan', async (_req, reply) => {
    try {
      return await deps.plan();
    } catch (e) {
      // the head could not be read or the runtime did not answer: say so, touch nothing
      return reply.code(503).send({ error: `cannot plan now: ${e instanceof Error ? e.message : String(e)}` });
    }
  });
}
