// Waiting on conditions with deadlines: the only synchronization the end-to-end tests use.
import { setTimeout as delay } from 'node:timers/promises';

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error, with the last value seen. */
  what?: string;
}

/** Polls `check` until it returns a value other than undefined/false/null; throws after the deadline. */
export async function waitFor<T>(check: () => T | undefined | null | false | Promise<T | undefined | null | false>, o: WaitOptions = {}): Promise<T> {
  const timeoutMs = o.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${o.what ?? 'condition'}${why}`);
    }
    await delay(o.intervalMs ?? 50);
  }
}
