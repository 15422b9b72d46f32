// Composition root: builds logger, state, source, runtime, compiler, gate, reconciler and HTTP once,
// and wires them; nothing below reads the environment or holds a singleton.
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { CallSeries, createGateway, gatewayPath, registerGateway } from '../gateway/index.js';
import { runGate, systemClock } from '../health/index.js';
import { checkContext } from '../health/checks/check-context.js';
import { CheckMonitor } from '../health/checks/monitor.js';
import { buildApp } from '../http/app.js';
import { HostPolicy } from '../hosts/host-check.js';
import { createMetrics } from '../http/metrics.js';
import { timedSource } from '../http/timed-source.js';
import { EventLog } from '../http/event-log.js';
import { Notifications } from '../notify/notifications.js';
import { EventBus } from '../reconciler/events.js';
import { Reconciler } from '../reconciler/reconciler.js';
import type { StatusView } from '../reconciler/status.js';
import { createCompiler } from '../render/desired-state.js';
import { IDENTITY_KEYS, Masker } from '../render/mask.js';
import { createSecretReader } from '../secrets/secret-reader.js';
import { GitSource, materialize } from '../source/index.js';
import { StateStore } from '../state/store.js';
import type { DaemonConfig } from './config.js';
import { createLogger } from './logger.js';
import { notLeadingReason, withLeadership } from './leadership.js';
import { createRuntime } from './runtimes.js';
import { DEFAULT_AUTHOR, WriteBack } from './write-back.js';
import { startTracing, traceVersions } from '../telemetry/index.js';
import { traceSyncs } from './trace-syncs.js';

export interface Daemon {
  reconciler: Reconciler;
  app: FastifyInstance;
  logger: Logger;
  /** Where the HTTP listener is bound (port 0 resolves to the real port). */
  address: { host: string; port: number };
  /** Resolves with an exit code if the daemon stops by itself (a leader that lost its Lease). */
  exited: Promise<number>;
  stop(): Promise<void>;
}

const CLIENT_INFO = { name: 'mcp-gitops', version: '0.1.0' };

export async function startDaemon(cfg: DaemonConfig, env: NodeJS.ProcessEnv): Promise<Daemon> {
  // every secret value known so far (tokens now, spec secrets as they render) masks every output
  const mask = new Masker([cfg.webhookSecret, cfg.apiToken, cfg.gitToken, cfg.gatewayToken].filter((x): x is string => !!x));
  const logger = createLogger({ level: cfg.logLevel, mask });
  const tracing = await startTracing({ serviceVersion: CLIENT_INFO.version, ...(cfg.otelEndpoint && { endpoint: cfg.otelEndpoint }) }, env);
  const { store, recovered } = await StateStore.open(cfg.stateDir, { mask });
  if (recovered) logger.warn({ stateDir: cfg.stateDir }, recovered);
  const source = new GitSource({
    repo: cfg.repo,
    path: cfg.path,
    stateDir: cfg.stateDir,
    ...(cfg.branch && { branch: cfg.branch }),
    ...(cfg.gitToken && { token: cfg.gitToken }),
    ...(cfg.gitTimeoutSeconds && { networkTimeoutMs: cfg.gitTimeoutSeconds * 1000 }),
  });
  const { runtime, leadership } = await createRuntime(cfg, logger);
  const compiler = createCompiler();
  const secrets = createSecretReader({ ...(cfg.secretsDir !== undefined && { dir: cfg.secretsDir }), env });
  const events = new EventBus();
  const metrics = createMetrics({ events, status: () => reconciler.status() });
  const hosts = new HostPolicy({
    host: cfg.host,
    ...(cfg.allowedHosts && { allowedHosts: cfg.allowedHosts }),
    ...(cfg.allowedOrigins && { allowedOrigins: cfg.allowedOrigins }),
  });
  const series = new CallSeries();
  events.on((e) => (e.type === 'server.removed' ? series.forget(e.server) : undefined));
  const gateway = createGateway({
    runtime,
    hosts,
    registry: metrics.registry,
    series,
    clientInfo: CLIENT_INFO,
    logger: logger.child({ component: 'gateway' }),
    limits: { drainTimeoutMs: cfg.drainTimeoutSeconds * 1000 },
    passThroughHttp: runtime.capabilities.endpointsReachable,
    ...(cfg.gatewayToken && { token: cfg.gatewayToken }),
    servers: (name) => reconciler.status().servers.find((s) => s.name === name),
    onToolDrift: (r) => reconciler.toolDrift(r),
  });
  const withSessions = (v: StatusView): StatusView => ({ ...v, servers: v.servers.map((s) => ({ ...s, sessions: gateway.sessionCount(s.name) })) });
  let publicBase = `http://${cfg.host}:${cfg.port}`;
  const notifications = new Notifications({
    events,
    mask,
    clock: systemClock,
    statusUrl: () => `${publicBase}/status`,
    applied: () => store.get().applied,
    registry: metrics.registry,
    logger: logger.child({ component: 'notify' }),
  });
  const withNotifiers = (v: StatusView): StatusView => ({ ...v, notifiers: notifications.status() });
  const checks = new CheckMonitor({
    clock: systemClock,
    env,
    onCriticalFailure: (f) => reconciler.checkFailed(f.server, f.instanceId, f.message),
  });
  const reconciler = new Reconciler({
    source: timedSource(source, metrics),
    runtime,
    store,
    logger,
    events,
    router: gateway,
    compile: (snap) => {
      const out = compiler.compile(
        { files: snap.files, symlinks: snap.symlinks, basePath: source.path },
        {
          secrets,
          runtime: cfg.runtime,
          ...(cfg.env !== undefined && { environment: cfg.env }),
          ...(cfg.allowCheckHosts && { allowCheckHosts: cfg.allowCheckHosts }),
        },
      );
      for (const s of out.servers) mask.add(s.secretValues);
      if (out.errors.length === 0) notifications.learn(snap.commit, out.notifiers ?? []);
      return out;
    },
    gate: ({ instanceId, server, signal, workdir }) => {
      const run = (): ReturnType<typeof runGate> =>
        runGate({
          runtime,
          instanceId,
          server,
          signal,
          clientInfo: CLIENT_INFO,
          ...(server.health.checks && workdir !== undefined && { checks: checkContext(server, workdir, env) }),
        });
      return syncSpans ? syncSpans.inGate(server.name, run) : run();
    },
    observeStep: (syncId, step, run) => (syncSpans ? syncSpans.step(syncId, step, run) : run()),
    checks,
    workdirFor: (snap) => materialize(snap, join(cfg.stateDir, 'checkouts', snap.commit)),
    intervalMs: cfg.intervalSeconds * 1000,
    sharedPorts: runtime.capabilities.sharedHostPorts,
    runtimeName: cfg.runtime,
    endpointFor: (s) => `${publicBase}${gatewayPath(s.name)}`,
    ...(cfg.suspendRepair === false && { suspendRepair: false }),
    ...(cfg.suspended && { startSuspended: { reason: null } }),
  });
  reconciler.events.on((e) => logger.debug({ event: e }, e.type));
  const syncSpans = tracing.enabled ? traceSyncs({ tracer: tracing.tracer, events, mask: (t) => mask.text(t) }) : undefined;
  if (tracing.enabled)
    traceVersions((id) => {
      const v = reconciler.status().servers.find((s) => s.instanceId === id)?.version;
      return v === undefined ? undefined : mask.text(v);
    });
  const writeBack = cfg.writeBack
    ? new WriteBack({
        source,
        events,
        logger,
        lastGood: () => store.get().lastGood,
        author: cfg.writeBackAuthor ?? DEFAULT_AUTHOR,
        mask: (t) => mask.text(t),
      })
    : undefined;
  const withOps = (v: StatusView): StatusView => (writeBack ? { ...v, writeBack: writeBack.status() } : v);
  let followedBranch = cfg.branch;
  source.branchName().then(
    (b) => {
      followedBranch = b ?? undefined;
    },
    () => undefined,
  );
  const eventLog = new EventLog(reconciler.events, { mask });
  if (!cfg.webhookSecret) logger.info({}, 'POST /webhook is disabled: MCP_GITOPS_WEBHOOK_SECRET is not set');
  const app = buildApp({
    status: () =>
      mask.deep(
        withNotifiers(
          withOps(withSessions(leadership ? withLeadership(reconciler.status(), leadership, () => new Date().toISOString()) : reconciler.status())),
        ),
        IDENTITY_KEYS,
      ),
    metrics,
    ready: () => reconciler.ready && (leadership?.leading() ?? true),
    readyReason: () => (leadership && !leadership.leading() ? notLeadingReason(leadership) : 'the first sync has not finished'),
    events: eventLog,
    series: (name) => (reconciler.status().servers.some((s) => s.name === name) ? series.series(name) : undefined),
    logger: logger.child({ component: 'http' }),
    requestSync: (reason, force) => reconciler.requestSync(reason, force),
    plan: () => reconciler.preview(),
    endCanary: (server, what) => reconciler.endCanary(server, what),
    branch: () => followedBranch,
    hosts,
    ...(cfg.apiToken && { apiToken: cfg.apiToken }),
    ...(cfg.webhookSecret && { webhookSecret: cfg.webhookSecret }),
    suspension: {
      suspend: (reason) => reconciler.suspend('api', reason),
      resume: () => reconciler.resume('api'),
      suspended: () => reconciler.suspended,
    },
  });
  registerGateway(app, gateway);
  if (cfg.host !== '127.0.0.1' && cfg.host !== 'localhost' && cfg.host !== '::1') {
    // /sync needs the API token and /webhook its secret whatever the address; these do not
    logger.info({ host: cfg.host }, 'listening beyond loopback: /status, /metrics, /events and / take no token; expose the port only to who may read them');
    if (!cfg.gatewayToken)
      logger.warn(
        { host: cfg.host },
        'listening beyond loopback without MCP_GITOPS_GATEWAY_TOKEN: anyone who reaches this port can call the MCP servers at /mcp/<name>',
      );
  }
  await app.listen({ host: cfg.host, port: cfg.port });
  const addr = app.server.address();
  const address = { host: cfg.host, port: typeof addr === 'object' && addr ? addr.port : cfg.port };
  publicBase = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
  const watch = source.watch(
    () => reconciler.requestSync('watch'),
    (err) => logger.warn({ err: err.message }, 'watching the repository failed; polling continues'),
  );
  let exit!: (code: number) => void;
  const exited = new Promise<number>((resolve) => (exit = resolve));
  if (!leadership) await reconciler.start();
  logger.info(
    { repo: source.repo, path: source.path, runtime: cfg.runtime, env: cfg.env, http: `http://${address.host}:${address.port}` },
    'mcp-gitops serving',
  );
  let stopping: Promise<void> | undefined;
  const daemon: Daemon = {
    reconciler,
    app,
    logger,
    address,
    exited,
    stop() {
      stopping ??= (async () => {
        watch();
        await reconciler.stop();
        notifications.stop();
        await leadership?.stop();
        await app.close();
        await runtime.shutdown();
        syncSpans?.stop();
        await tracing.shutdown().catch((err: unknown) => logger.warn({ err: String(err) }, 'flushing traces failed'));
        logger.info({}, 'stopped');
      })();
      return stopping;
    },
  };
  if (leadership) {
    logger.info({}, 'waiting for the leader lease before reconciling');
    leadership.acquired().then(
      () => reconciler.start(),
      () => undefined,
    ); // rejected: stopped before leading
    leadership.onLost((why) => {
      logger.error({ why }, `no longer the leader (${why}); stopping, and a replica that holds the Lease reconciles`);
      void daemon.stop().then(() => exit(1));
    });
  }
  return daemon;
}
