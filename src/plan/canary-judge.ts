// The judgment of one canary step: figures the gateway counted for the new version in, a verdict
// out. Pure (no clock, no I/O): the reconciler's step controller asks it on every tick.
import type { CanarySettings } from '../spec/desired.js';

/** What the gateway counted for the canary instance since its step began. */
export interface StepFigures {
  calls: number;
  errors: number;
  /** tools/call p99 in ms; null = no tools/call yet. */
  p99Ms: number | null;
}

export type Verdict =
  /** Keep observing: the step is not over, or it has too few calls and 3 × stepSeconds did not pass yet. */
  | { kind: 'wait' }
  /** The step held its bounds: go on to the next step (or promote after the last). */
  | { kind: 'pass'; message: string }
  /** A bound was crossed: revert. */
  | { kind: 'fail'; message: string }
  /** minCalls not reached in 3 × stepSeconds: spec.rollout.canary.onInsufficientTraffic decides. */
  | { kind: 'insufficient'; then: CanarySettings['onInsufficientTraffic']; message: string };

/** Insufficient traffic is declared after this many step lengths. */
export const INSUFFICIENT_AFTER_STEPS = 3;

const rate = (n: number): string => n.toFixed(2);

export function errorRate(f: Pick<StepFigures, 'calls' | 'errors'>): number {
  return f.calls === 0 ? 0 : f.errors / f.calls;
}

/**
 * `elapsedMs`: since this step began; `weight`: its share of new sessions (%), for the message.
 * minCalls 0 judges a step even without calls (error rate 0: it passes on time alone).
 */
export function judgeStep(f: StepFigures, elapsedMs: number, weight: number, c: CanarySettings): Verdict {
  const stepMs = c.stepSeconds * 1000;
  if (elapsedMs < stepMs) return { kind: 'wait' };
  const at = `at step ${weight} %`;
  if (f.calls < c.minCalls) {
    if (elapsedMs < INSUFFICIENT_AFTER_STEPS * stepMs) return { kind: 'wait' };
    const seconds = Math.round(elapsedMs / 1000);
    return {
      kind: 'insufficient',
      then: c.onInsufficientTraffic,
      message: `insufficient traffic: ${f.calls} call${f.calls === 1 ? '' : 's'} in ${seconds} s < minCalls ${c.minCalls} ${at}; onInsufficientTraffic: ${c.onInsufficientTraffic}`,
    };
  }
  const r = errorRate(f);
  if (r > c.maxErrorRate) return { kind: 'fail', message: `error rate ${rate(r)} over ${f.calls} calls > ${c.maxErrorRate} ${at}` };
  if (f.p99Ms !== null && f.p99Ms > c.maxLatencyP99Ms)
    return { kind: 'fail', message: `tools/call p99 ${Math.round(f.p99Ms)} ms over ${f.calls} calls > ${c.maxLatencyP99Ms} ms ${at}` };
  const p99 = f.p99Ms === null ? 'no tools/call' : `p99 ${Math.round(f.p99Ms)} ms`;
  return { kind: 'pass', message: `error rate ${rate(r)} over ${f.calls} calls, ${p99} ${at}` };
}
