// The canaries running now, as the reconciler knows them: which step each is at (for /status) and
// what a person asked for (POST /rollouts/<server>/promote | abort). The step controller
// (canary-rollout.ts) writes here; /status and the HTTP routes read and ask.
import type { CanaryFigures } from '../gateway/canary/types.js';
import { errorRate } from '../plan/canary-judge.js';

export type CanaryRequest = 'promote' | 'abort';

export interface CanaryProgress {
  server: string;
  commit: string;
  /** 1-based step now, of `steps.length`. */
  step: number;
  steps: number[];
  stableVersion: string | null;
  canaryVersion: string;
  stableInstance: string;
  canaryInstance: string;
  /** When this step began (ISO). */
  stepStartedAt: string;
}

/** What /status shows of a server in canary: its progress and the figures of the current step. */
export interface CanaryStatus extends CanaryProgress {
  weight: number;
  calls: number;
  errors: number;
  errorRate: number;
  /** tools/call p99 of the canary in this step (ms); null: no tools/call yet. */
  p99Ms: number | null;
  stable: { calls: number; errors: number; errorRate: number };
}

export class CanaryRuns {
  private readonly progress = new Map<string, CanaryProgress>();
  private readonly requests = new Map<string, CanaryRequest>();

  begin(p: CanaryProgress): void {
    this.progress.set(p.server, p);
    this.requests.delete(p.server);
  }

  update(server: string, change: Partial<CanaryProgress>): void {
    const p = this.progress.get(server);
    if (p) this.progress.set(server, { ...p, ...change });
  }

  end(server: string): void {
    this.progress.delete(server);
    this.requests.delete(server);
  }

  has(server: string): boolean {
    return this.progress.has(server);
  }

  /** A person's request; false when no canary of `server` runs. */
  request(server: string, what: CanaryRequest): boolean {
    if (!this.progress.has(server)) return false;
    this.requests.set(server, what);
    return true;
  }

  /** The pending request of `server`, taken (the controller acts on it once). */
  take(server: string): CanaryRequest | undefined {
    const r = this.requests.get(server);
    this.requests.delete(server);
    return r;
  }

  status(server: string, figures: CanaryFigures | undefined): CanaryStatus | undefined {
    const p = this.progress.get(server);
    if (!p) return undefined;
    const c = figures?.canary === p.canaryInstance ? figures : undefined;
    const cw = c?.canaryWindow ?? { calls: 0, errors: 0, p99Ms: null };
    const sw = c?.stableWindow ?? { calls: 0, errors: 0, p99Ms: null };
    return {
      ...p,
      weight: c?.weight ?? 0,
      calls: cw.calls,
      errors: cw.errors,
      errorRate: errorRate(cw),
      p99Ms: cw.p99Ms === null ? null : Math.round(cw.p99Ms),
      stable: { calls: sw.calls, errors: sw.errors, errorRate: errorRate(sw) },
    };
  }
}
