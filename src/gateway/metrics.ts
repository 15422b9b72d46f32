// Gateway metrics (what a canary analysis reads): requests, errors and latency per server and
// JSON-RPC method, and open sessions. Labels stay bounded: methods outside MCP's are "other",
// and only servers the gateway knows get a series.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CallSeries } from './call-series.js';

const METHODS = new Set([
  'initialize',
  'ping',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
]);

/** Why a request counts as an error: a JSON-RPC error from upstream, a tool result with isError, or the gateway's own refusal. */
export type ErrorReason = 'jsonrpc' | 'tool' | 'timeout' | 'drained' | 'unavailable' | 'rejected';

export function methodLabel(method: string): string {
  return METHODS.has(method) ? method : 'other';
}

export interface GatewayMetrics {
  /** Starts timing one request; call the result once with its error reason, or none on success. */
  start(server: string, method: string): (error?: ErrorReason) => void;
  /** A request refused before it reached an upstream (401, 503, ...). */
  rejected(server: string, method: string): void;
  /** A session closed to make room under the server's session limit. */
  evicted(server: string): void;
  /** A running server's tool surface moved away from the approved one (each new drifted surface once). */
  toolDrift(server: string): void;
}

export const noMetrics: GatewayMetrics = { start: () => () => undefined, rejected: () => undefined, evicted: () => undefined, toolDrift: () => undefined };

export interface SessionCounts {
  active: number;
  draining: number;
}

/** `series`: also counts each request and error into the per-server time series (the status page's sparkline). */
export function createGatewayMetrics(registry: Registry, sessions: () => Map<string, SessionCounts>, series?: CallSeries): GatewayMetrics {
  const requests = new Counter({
    name: 'mcp_gitops_gateway_requests_total',
    help: 'JSON-RPC requests received by the gateway, by server and method.',
    labelNames: ['server', 'method'],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'mcp_gitops_gateway_errors_total',
    help: 'Gateway requests that ended in an error, by server, method and reason.',
    labelNames: ['server', 'method', 'reason'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'mcp_gitops_gateway_request_duration_seconds',
    help: 'Time from a request reaching the gateway to its answer, by server and method.',
    labelNames: ['server', 'method'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const evicted = new Counter({
    name: 'mcp_gitops_gateway_sessions_evicted_total',
    help: "Idle sessions closed to make room for a new one at the server's session limit.",
    labelNames: ['server'],
    registers: [registry],
  });
  const drift = new Counter({
    name: 'mcp_gitops_tool_drift_total',
    help: "Tool drift seen by the gateway: a running server's tools changed away from the surface approved at its gate, without a commit.",
    labelNames: ['server'],
    registers: [registry],
  });
  new Gauge({
    name: 'mcp_gitops_gateway_sessions',
    help: 'Open gateway sessions by server; draining = pinned to a retired instance.',
    labelNames: ['server', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [server, n] of sessions()) {
        this.set({ server, state: 'active' }, n.active);
        this.set({ server, state: 'draining' }, n.draining);
      }
    },
  });
  return {
    start(server, method) {
      const labels = { server, method: methodLabel(method) };
      requests.inc(labels);
      series?.call(server);
      const end = latency.startTimer(labels);
      return (reason) => {
        end();
        if (!reason) return;
        errors.inc({ ...labels, reason });
        series?.error(server);
      };
    },
    evicted(server) {
      evicted.inc({ server });
    },
    toolDrift(server) {
      drift.inc({ server });
    },
    rejected(server, method) {
      const labels = { server, method: methodLabel(method) };
      requests.inc(labels);
      errors.inc({ ...labels, reason: 'rejected' });
      series?.call(server);
      series?.error(server);
    },
  };
}
