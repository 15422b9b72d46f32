// Restart backoff for a crashing server: 1 s doubling to 5 min, reset after 10 min healthy.
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60_000;
export const BACKOFF_RESET_MS = 10 * 60_000;

export interface CrashRecord { failures: number; lastStartAt: number; nextAttemptAt: number; message: string }

export class RestartBackoff {
  private readonly records = new Map<string, CrashRecord>();
  constructor(private readonly now: () => number) {}

  /** Records a crash; returns the delay before the next start. */
  crashed(server: string, message: string): CrashRecord {
    const prev = this.records.get(server);
    const healthyFor = prev ? this.now() - prev.lastStartAt : 0;
    const failures = prev && healthyFor < BACKOFF_RESET_MS ? prev.failures + 1 : 1;
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    const rec = { failures, lastStartAt: prev?.lastStartAt ?? 0, nextAttemptAt: this.now() + delay, message };
    this.records.set(server, rec);
    return rec;
  }

  started(server: string): void {
    const rec = this.records.get(server);
    if (rec) rec.lastStartAt = this.now();
  }

  /** Milliseconds until the server may be started again (0 = now). */
  waitFor(server: string): number {
    const rec = this.records.get(server);
    return rec ? Math.max(0, rec.nextAttemptAt - this.now()) : 0;
  }

  get(server: string): CrashRecord | undefined {
    return this.records.get(server);
  }

  forget(server: string): void {
    this.records.delete(server);
  }
}
