// The canaries the gateway routes: per server one instance that gets `weight` % of NEW sessions (a
// session stays on the instance it started on), and what each track's sessions did in the current
// step. The reconciler sets the weight, reads the figures and ends the canary; nothing is decided here.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { ErrorReason, GatewayMetrics } from '../metrics.js';
import { countsAsError, StepWindow } from './step-window.js';
import type { CanaryFigures, Track } from './types.js';

interface Running {
  canary: string;
  weight: number;
  since: number;
  canaryWindow: StepWindow;
  stableWindow: StepWindow;
  lost?: string;
}

interface CanaryMetrics {
  calls: Counter<'server' | 'track'>;
  errors: Counter<'server' | 'track'>;
}

export interface CanariesOptions {
  registry?: Registry;
  random?: () => number;
  now?: () => number;
}

export class Canaries {
  private readonly running = new Map<string, Running>();
  private readonly metrics: CanaryMetrics | undefined;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(o: CanariesOptions = {}) {
    this.random = o.random ?? Math.random;
    this.now = o.now ?? Date.now;
    this.metrics = o.registry ? this.register(o.registry) : undefined;
  }

  /** Starts the canary or moves it to `weight`; a new weight (a new step) starts a new window. */
  set(server: string, canary: string, weight: number): void {
    const w = Math.max(0, Math.min(100, weight));
    const cur = this.running.get(server);
    if (cur && cur.canary === canary && cur.weight === w) return;
    this.running.set(server, { canary, weight: w, since: this.now(), canaryWindow: new StepWindow(this.random), stableWindow: new StepWindow(this.random) });
  }

  /** New sessions all go to the active instance again (promoted or reverted). */
  end(server: string): void {
    this.running.delete(server);
  }

  /** The canary instance for a new session of `server`, when the draw says so. */
  choose(server: string): string | undefined {
    const r = this.running.get(server);
    if (!r || r.lost || r.weight <= 0) return undefined;
    return r.weight >= 100 || this.random() * 100 < r.weight ? r.canary : undefined;
  }

  isCanary(instanceId: string): boolean {
    return [...this.running.values()].some((r) => r.canary === instanceId);
  }

  /** The canary instance exited: no new session goes to it, and the judgment says so. */
  lost(instanceId: string, message: string): void {
    for (const r of this.running.values()) if (r.canary === instanceId) r.lost = message;
  }

  figures(server: string): CanaryFigures | undefined {
    const r = this.running.get(server);
    if (!r) return undefined;
    return {
      server,
      canary: r.canary,
      weight: r.weight,
      since: r.since,
      canaryWindow: r.canaryWindow.figures(),
      stableWindow: r.stableWindow.figures(),
      ...(r.lost !== undefined && { lost: r.lost }),
    };
  }

  /** The gateway metrics of a session pinned to `instanceId`, counting its calls for the canary too. */
  metricsFor(instanceId: string, inner: GatewayMetrics): GatewayMetrics {
    return {
      ...inner,
      start: (server, method) => {
        const stop = inner.start(server, method);
        const t0 = performance.now();
        return (reason?: ErrorReason) => {
          stop(reason);
          this.record(server, instanceId, method, performance.now() - t0, reason);
        };
      },
    };
  }

  private record(server: string, instanceId: string, method: string, ms: number, reason: ErrorReason | undefined): void {
    const r = this.running.get(server);
    if (!r) return;
    const track: Track = r.canary === instanceId ? 'canary' : 'stable';
    const counted = (track === 'canary' ? r.canaryWindow : r.stableWindow).record(method, ms, reason);
    if (!counted || !this.metrics) return;
    this.metrics.calls.inc({ server, track });
    if (countsAsError(reason)) this.metrics.errors.inc({ server, track });
  }

  private register(registry: Registry): CanaryMetrics {
    const running = this.running;
    new Gauge({
      name: 'mcp_gitops_canary_weight',
      help: 'Share (%) of new sessions the canary of a server gets now (only servers in a canary).',
      labelNames: ['server'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [server, r] of running) this.set({ server }, r.weight);
      },
    });
    return {
      calls: new Counter({
        name: 'mcp_gitops_canary_calls_total',
        help: 'Requests answered by the instances of a server while it was in a canary, by track (stable or canary).',
        labelNames: ['server', 'track'],
        registers: [registry],
      }),
      errors: new Counter({
        name: 'mcp_gitops_canary_errors_total',
        help: 'Of those, the ones that ended in an error (JSON-RPC error, transport failure or timeout, tools/call isError).',
        labelNames: ['server', 'track'],
        registers: [registry],
      }),
    };
  }
}
