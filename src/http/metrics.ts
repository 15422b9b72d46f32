// Prometheus metrics on a registry made by the composition root (never the global default).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventBus } from '../reconciler/events.js';
import { ENVIRONMENT_REASONS } from '../reasons/reasons.js';
import type { StatusView } from '../reconciler/status.js';
import type { WebhookProvider, WebhookResult } from './webhook.js';

const SERVER_PHASES = ['Pending', 'Progressing', 'Running', 'Failed'] as const;
const HEALTH = ['Healthy', 'Unhealthy', 'Unknown'] as const;
const RESULTS = ['succeeded', 'reverted', 'invalid', 'superseded', 'failed'] as const;

export interface Metrics {
  registry: Registry;
  webhookRequest: (provider: WebhookProvider, result: WebhookResult) => void;
  /** One read of the branch head (a fetch for remote repositories): how long, and whether it failed. */
  gitFetch: (seconds: number, ok: boolean) => void;
}

export function createMetrics(deps: { events: EventBus; status: () => StatusView }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mcp_gitops_' });
  // prom-client names these gauges *_total, which Prometheus reserves for counters (promtool rejects them)
  for (const n of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(`mcp_gitops_${n}`);
  const syncs = new Counter({ name: 'mcp_gitops_sync_total', help: 'Syncs that finished, by result.', labelNames: ['result'], registers: [registry] });
  for (const r of RESULTS) syncs.inc({ result: r }, 0);
  const duration = new Histogram({
    name: 'mcp_gitops_sync_duration_seconds',
    help: 'Duration of syncs that finished.',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  const rollbacks = new Counter({ name: 'mcp_gitops_rollbacks_total', help: 'Automatic reverts to the last good commit.', registers: [registry] });
  const lastSuccess = new Gauge({
    name: 'mcp_gitops_last_successful_sync_timestamp_seconds',
    help: 'Unix time of the last succeeded sync.',
    registers: [registry],
  });
  const gateSeconds = new Histogram({
    name: 'mcp_gitops_gate_duration_seconds',
    help: 'Health gate duration by server and outcome.',
    labelNames: ['server', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const gateFailures = new Counter({
    name: 'mcp_gitops_gate_failures_total',
    help: 'Failed health gates by server and reason.',
    labelNames: ['server', 'reason'],
    registers: [registry],
  });
  const restarts = new Counter({ name: 'mcp_gitops_server_restarts_total', help: 'Crash restarts by server.', labelNames: ['server'], registers: [registry] });
  const sourceErrors = new Counter({ name: 'mcp_gitops_source_errors_total', help: 'Failed reads of the git source.', registers: [registry] });
  const fetchSeconds = new Histogram({
    name: 'mcp_gitops_git_fetch_duration_seconds',
    help: 'Reads of the branch head (git fetch for remote repositories).',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const fetchErrors = new Counter({ name: 'mcp_gitops_git_fetch_errors_total', help: 'Failed reads of the branch head.', registers: [registry] });
  const envFaults = new Counter({
    name: 'mcp_gitops_environment_faults_total',
    help: 'Syncs ended by a fault of the machine, not the commit (retried with backoff), by reason.',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of ENVIRONMENT_REASONS) envFaults.inc({ reason }, 0);
  const webhooks = new Counter({
    name: 'mcp_gitops_webhook_requests_total',
    help: 'Webhook requests by provider and result.',
    labelNames: ['provider', 'result'],
    registers: [registry],
  });
  new Gauge({
    name: 'mcp_gitops_servers',
    help: 'Deployed servers by phase.',
    labelNames: ['phase'],
    registers: [registry],
    collect() {
      const counts = Object.fromEntries(SERVER_PHASES.map((p) => [p, 0])) as Record<string, number>;
      for (const s of deps.status().servers) counts[s.phase] = (counts[s.phase] ?? 0) + 1;
      for (const [phase, n] of Object.entries(counts)) this.set({ phase }, n);
    },
  });
  new Gauge({
    name: 'mcp_gitops_server_health',
    help: 'Health of each deployed server: 1 for its current health, 0 for the others.',
    labelNames: ['server', 'health'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of deps.status().servers) for (const h of HEALTH) this.set({ server: s.name, health: h }, s.health === h ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mcp_gitops_server_replicas',
    help: 'Servers with spec.replicas above 1: replicas wanted (desired) and passing their gate (ready).',
    labelNames: ['server', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of deps.status().servers) {
        if (!s.replicas) continue;
        this.set({ server: s.name, state: 'desired' }, s.replicas.desired);
        this.set({ server: s.name, state: 'ready' }, s.replicas.ready);
      }
    },
  });
  new Gauge({
    name: 'mcp_gitops_status_info',
    help: "The daemon's phase and its reason (value 1), as /status shows them.",
    labelNames: ['phase', 'reason'],
    registers: [registry],
    collect() {
      this.reset();
      const st = deps.status();
      this.set({ phase: st.phase, reason: st.reason }, 1);
    },
  });
  new Gauge({
    name: 'mcp_gitops_suspended',
    help: '1 while the daemon is suspended (no new commit is applied), else 0.',
    registers: [registry],
    collect() {
      this.set(deps.status().suspended ? 1 : 0);
    },
  });
  new Gauge({
    name: 'mcp_gitops_revision_info',
    help: 'Commits the daemon knows (value 1); the only metric with SHAs.',
    labelNames: ['kind', 'commit'],
    registers: [registry],
    collect() {
      this.reset();
      const r = deps.status().revision;
      for (const [kind, commit] of Object.entries(r)) if (commit) this.set({ kind, commit }, 1);
    },
  });
  deps.events.on((e) => {
    switch (e.type) {
      case 'sync.finished':
        syncs.inc({ result: e.result });
        duration.observe(e.durationSeconds);
        if (e.result === 'succeeded') lastSuccess.set(Date.now() / 1000);
        break;
      case 'revert.started':
        rollbacks.inc();
        break;
      case 'gate.passed':
        gateSeconds.observe({ server: e.server, outcome: 'passed' }, e.seconds);
        break;
      case 'gate.failed':
        gateSeconds.observe({ server: e.server, outcome: 'failed' }, e.seconds);
        gateFailures.inc({ server: e.server, reason: e.code });
        break;
      case 'server.crashed':
      case 'server.checkFailed':
        restarts.inc({ server: e.server });
        break;
      case 'source.error':
        sourceErrors.inc();
        break;
      case 'sync.retrying':
        envFaults.inc({ reason: e.code });
        break;
      default:
        break;
    }
  });
  return {
    registry,
    webhookRequest: (provider, result) => webhooks.inc({ provider, result }),
    gitFetch: (seconds, ok) => {
      fetchSeconds.observe(seconds);
      if (!ok) fetchErrors.inc();
    },
  };
}
