// The HTTP surface as a fastify instance that does not listen: tests inject, the daemon listens.
import Fastify, { type FastifyInstance } from 'fastify';
import type { StatusView } from '../reconciler/status.js';

export interface AppDeps {
  status: () => StatusView;
  ready: () => boolean;
  /** Queue a sync (POST /sync); returns the queued sync id. */
  requestSync?: (reason: string, force: boolean) => number;
  /** MCP_GITOPS_API_TOKEN; undefined = /sync refuses with 403. */
  apiToken?: string;
  logger?: boolean | object;
}

export const BODY_LIMIT = 1024 * 1024;

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: BODY_LIMIT, disableRequestLogging: true });
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (deps.ready()) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reason: 'the first sync has not finished' });
  });
  app.get('/status', () => deps.status());
  return app;
}
