// The HTTP surface as a fastify instance that does not listen: tests inject, the daemon listens.
import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';
import type { StatusView } from '../reconciler/status.js';
import type { EventLog } from './event-log.js';
import { registerEvents } from './events-route.js';
import { HostPolicy, hostGuard } from '../hosts/host-check.js';
import { registerStatusPage } from './status-page.js';
import { registerSeries, type SeriesRouteDeps } from './series-route.js';
import { registerPlan, type PlanRouteDeps } from './plan-route.js';
import { PlainLogController } from './request-log.js';
import { registerSuspend, type SuspendRouteDeps } from './suspend-route.js';
import { registerRollouts, ROLLOUTS_ROUTE, type RolloutsRouteDeps } from './rollouts-route.js';
import { registerSync } from './sync-route.js';
import { registerWebhook } from './webhook.js';

export interface AppDeps {
  status: () => StatusView;
  ready: () => boolean;
  /** Why /readyz is 503 (default: the first sync has not finished). */
  readyReason?: () => string;
  /** Queue a sync (POST /sync, webhooks); returns the queued sync id. */
  requestSync: (reason: string, force: boolean) => number;
  /** MCP_GITOPS_API_TOKEN; undefined = /sync refuses with 403. */
  apiToken?: string;
  /** MCP_GITOPS_WEBHOOK_SECRET; undefined = /webhook refuses with 403. */
  webhookSecret?: string;
  /** Branch the daemon follows, for ignoring pushes to others. */
  branch?: () => string | undefined;
  /** pino logger for request logs (info; debug for /healthz, /readyz and /metrics), one line per request. */
  logger?: FastifyBaseLogger;
  /** GET /servers/<name>/series: a deployed server's gateway calls and errors in time buckets. */
  series?: SeriesRouteDeps['series'];
  /** Reconciler events for GET /events and the status page. */
  events?: EventLog;
  metrics?: Pick<Metrics, 'registry' | 'webhookRequest'>;
  /** GET /plan: what the next sync does. */
  plan?: PlanRouteDeps['plan'];
  /** POST /rollouts/<server>/promote | abort: end a running canary early. */
  endCanary?: RolloutsRouteDeps['endCanary'];
  /** Host/Origin check (DNS rebinding) for POST /sync and /webhook; default: loopback names only. */
  hosts?: HostPolicy;
  /** POST /suspend and /resume (with the API token); while suspended, POST /sync is refused (409). */
  suspension?: Pick<SuspendRouteDeps, 'suspend' | 'resume'> & { suspended: () => boolean };
}

/** The POST routes that change something: each also checks Host and Origin (DNS rebinding). */
const GUARDED = new Set(['/sync', '/webhook', '/suspend', '/resume', ROLLOUTS_ROUTE]);

export const BODY_LIMIT = 1024 * 1024;
export const REQUEST_TIMEOUT_MS = 10_000;

export function buildApp(deps: AppDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    logController: new PlainLogController(),
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    // a client gets REQUEST_TIMEOUT_MS to send its whole request (headers and body), checked every
    // second: one that dribbles its body (slowloris) is cut instead of holding a socket forever.
    // Responses are not limited: /events and the gateway's SSE streams stay open.
    serverFactory: (handler) =>
      createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1000 }, handler),
  });
  // Keep JSON bodies as raw bytes: webhook signatures are computed over the exact bytes sent.
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    if (deps.ready()) return { status: 'ready' };
    return reply.code(503).send({ status: 'not ready', reason: deps.readyReason?.() ?? 'the first sync has not finished' });
  });
  app.get('/status', () => deps.status());
  registerStatusPage(app);
  if (deps.series) registerSeries(app, { series: deps.series });
  if (deps.events) registerEvents(app, deps.events);
  if (deps.metrics) {
    const registry = deps.metrics.registry;
    app.get('/metrics', async (_req, reply) => reply.header('content-type', registry.contentType).send(await registry.metrics()));
  }
  if (deps.plan) registerPlan(app, { plan: deps.plan });
  const guard = hostGuard(deps.hosts ?? new HostPolicy());
  app.addHook('onRequest', (req, reply) => (GUARDED.has(req.routeOptions.url ?? '') ? guard(req, reply) : Promise.resolve()));
  const apiToken = deps.apiToken !== undefined ? { apiToken: deps.apiToken } : {};
  registerSync(app, { requestSync: deps.requestSync, ...apiToken, ...(deps.suspension && { suspended: deps.suspension.suspended }) });
  if (deps.suspension) registerSuspend(app, { ...apiToken, suspend: deps.suspension.suspend, resume: deps.suspension.resume });
  if (deps.endCanary) registerRollouts(app, { endCanary: deps.endCanary, ...apiToken });
  registerWebhook(app, {
    ...(deps.webhookSecret !== undefined && { secret: deps.webhookSecret }),
    branch: deps.branch ?? (() => undefined),
    trigger: (reason) => deps.requestSync(reason, false),
    ...(deps.metrics && { onRequest: deps.metrics.webhookRequest }),
  });
  return app;
}
