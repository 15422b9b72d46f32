// What the gateway counted for one instance during one canary step: calls, errors and a bounded
// reservoir of tools/call latencies (for the p99). A new step starts a new window.
import type { ErrorReason } from '../metrics.js';

/** Latencies kept per window; beyond it, reservoir sampling keeps a uniform sample (p99 stays fair). */
export const RESERVOIR = 4096;

/** Errors as the canary judges them: the server's or the transport's, never the gateway's own drain. */
const COUNTED: ReadonlySet<ErrorReason> = new Set<ErrorReason>(['jsonrpc', 'tool', 'timeout', 'unavailable']);

export function countsAsError(reason: ErrorReason | undefined): boolean {
  return reason !== undefined && COUNTED.has(reason);
}

export interface WindowFigures {
  calls: number;
  errors: number;
  /** tools/call p99 in ms; null = no tools/call in this window. */
  p99Ms: number | null;
}

export class StepWindow {
  calls = 0;
  errors = 0;
  private seen = 0;
  private readonly samples: number[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  /** One request answered (or failed) after `ms`; drained requests are not the instance's doing and are skipped. */
  record(method: string, ms: number, reason: ErrorReason | undefined): boolean {
    if (reason === 'drained' || reason === 'rejected') return false;
    this.calls++;
    if (countsAsError(reason)) this.errors++;
    if (method === 'tools/call') this.sample(ms);
    return true;
  }

  figures(): WindowFigures {
    return { calls: this.calls, errors: this.errors, p99Ms: p99(this.samples) };
  }

  private sample(ms: number): void {
    this.seen++;
    if (this.samples.length < RESERVOIR) this.samples.push(ms);
    else {
      const j = Math.floor(this.random() * this.seen);
      if (j < RESERVOIR) this.samples[j] = ms;
    }
  }
}

/** Nearest-rank p99 of the samples. */
export function p99(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.99 * sorted.length) - 1)];
}
