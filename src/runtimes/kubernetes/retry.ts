// Transient API failures (5xx, 429, network) are retried with capped exponential backoff and
// jitter; anything else is final at once. The sleep is injectable so tests run without waiting.
import { setTimeout as delay } from 'node:timers/promises';
import { isRuntimeError } from '../errors.js';

export interface RetryPolicy {
  /** Total attempts, first one included (default 4). */
  attempts: number;
  baseMs: number;
  maxMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseMs: 200,
  maxMs: 3000,
  sleep: (ms) => delay(ms),
  random: Math.random,
};

/** Backoff before attempt `n + 1` (n >= 1): base * 2^(n-1), capped, with up to 50% jitter. */
export function backoffMs(n: number, p: Pick<RetryPolicy, 'baseMs' | 'maxMs' | 'random'>): number {
  const exp = Math.min(p.maxMs, p.baseMs * 2 ** (n - 1));
  return Math.round(exp / 2 + (exp / 2) * p.random());
}

export async function withRetry<T>(fn: () => Promise<T>, policy: Partial<RetryPolicy> = {}): Promise<T> {
  const p = { ...DEFAULT_RETRY, ...policy };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= p.attempts || !isRuntimeError(err, 'K8S_TRANSIENT')) throw err;
      await p.sleep(backoffMs(attempt, p));
    }
  }
}
