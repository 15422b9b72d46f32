// GET /servers/<name>/series: a deployed server's gateway calls and errors over the last 15 minutes
// in 10 s buckets, from the daemon's own memory (the status page draws its sparkline from it).
// Counts only: no secret, no session id, no argument.
import type { FastifyInstance } from 'fastify';
import type { ServerSeries } from '../gateway/call-series.js';

const SERIES_ROUTE = '/servers/:name/series';

export interface SeriesRouteDeps {
  /** The series of a deployed server; undefined when no server of that name is deployed. */
  series: (server: string) => ServerSeries | undefined;
}

export function registerSeries(app: FastifyInstance, deps: SeriesRouteDeps): void {
  app.get<{ Params: { name: string } }>(SERIES_ROUTE, async (req, reply) => {
    const s = deps.series(req.params.name);
    if (!s) return reply.code(404).send({ error: `no server named "${req.params.name}" is deployed` });
    return { server: req.params.name, ...s };
  });
}
