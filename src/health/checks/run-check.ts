// One attempt of one check, bounded by its timeoutSeconds, and attempts in a row until it passes or
// has failed 1 + retries times.
import type { DesiredCheck } from '../../spec/desired.js';
import type { Clock } from '../clock.js';
import { describeError, seconds } from '../describe-error.js';
import type { CheckContext } from './check-context.js';
import { commandAttempt } from './command-check.js';
import { httpAttempt } from './http-check.js';
import { tcpAttempt } from './tcp-check.js';

/** undefined = passed; otherwise why it failed (may hold secret values: mask before showing). */
export async function attempt(c: DesiredCheck, ctx: CheckContext, signal?: AbortSignal): Promise<string | undefined> {
  const timeout = AbortSignal.timeout(c.timeoutSeconds * 1000);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    if (c.type === 'http') return await httpAttempt(c, both);
    if (c.type === 'tcp') return await tcpAttempt(c, both);
    return await commandAttempt(c, ctx, both);
  } catch (e) {
    if (timeout.aborted && !signal?.aborted) return `no answer within ${seconds(c.timeoutSeconds)}`;
    return describeError(e);
  }
}

/** What a check is, for messages: `http check "http-0" (http://127.0.0.1:9464/healthz)`. */
export function describeCheck(c: DesiredCheck): string {
  const target = c.type === 'http' ? c.url : c.type === 'tcp' ? `${c.host}:${c.port}` : c.command.join(' ');
  return `${c.type} check "${c.name}" (${target})`;
}

export interface RetryOptions {
  clock: Clock;
  /** Wait between failed attempts. */
  gapMs: number;
  signal?: AbortSignal;
}

/** Attempts until one passes or 1 + retries failed; undefined = passed, else the last failure. */
export async function withRetries(c: DesiredCheck, ctx: CheckContext, o: RetryOptions): Promise<string | undefined> {
  let last: string | undefined;
  for (let i = 0; i <= c.retries; i++) {
    if (i > 0) await o.clock.sleep(o.gapMs, o.signal);
    if (o.signal?.aborted) return last ?? 'cancelled';
    last = await attempt(c, ctx, o.signal);
    if (last === undefined) return undefined;
  }
  return `${last} (${c.retries + 1} attempt${c.retries === 0 ? '' : 's'})`;
}
