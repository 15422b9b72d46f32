// Restart backoff for a crashing server: 1 s doubling to 5 min, reset after 10 min healthy.
export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60_000;
export const BACKOFF_RESET_MS = 10 * 60_000;

export interface CrashRecord {
  /** Crashes in a row (a start that failed its gate counts too). */
  failures: number;
  /** When the last successful (re)start passed its gate; null while it keeps failing. */
  healthySince: number | null;
  nextAttemptAt: number;
  message: string;
}

export class RestartBackoff {
  private readonly records = new Map<string, CrashRecord>();
  constructor(private readonly now: () => number) {}

  /** Records a crash (or a failed restart) and when the next start may happen. */
  crashed(server: string, message: string): CrashRecord {
    const prev = this.records.get(server);
    const calm = prev?.healthySince != null && this.now() - prev.healthySince >= BACKOFF_RESET_MS;
    const failures = prev && !calm ? prev.failures + 1 : 1;
    const delay = Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS);
    const rec: CrashRecord = { failures, healthySince: null, nextAttemptAt: this.now() + delay, message };
    this.records.set(server, rec);
    return rec;
  }

  /** A restart passed its gate: the count stays until it has been healthy for BACKOFF_RESET_MS. */
  started(server: string): void {
    const rec = this.records.get(server);
    if (rec) rec.healthySince = this.now();
  }

  /** Milliseconds until the server may be started again (0 = now). */
  waitFor(server: string): number {
    const rec = this.records.get(server);
    return rec ? Math.max(0, rec.nextAttemptAt - this.now()) : 0;
  }

  get(server: string): CrashRecord | undefined {
    return this.records.get(server);
  }

  /** A new spec (a commit changed the server): its crash history no longer applies. */
  forget(server: string): void {
    this.records.delete(server);
  }
}
