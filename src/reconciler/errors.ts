// Typed errors of the loop: each code says what happens next. Never branch on `message`.

export type SyncErrorCode =
  /** The branch head or a commit could not be read for now: keep serving, retry with backoff. */
  | 'SOURCE_UNAVAILABLE'
  /** A recorded commit (applied / last good) no longer renders (e.g. a secret was removed):
   *  nothing can be reverted or repaired to it; touch nothing, retry with backoff. */
  | 'DESIRED_UNKNOWN'
  /** Drift repair stopped on a runtime error: retry with backoff. */
  | 'REPAIR_FAILED'
  /** The runtime failed for now (engine down, API server unreachable) mid-rollout: what runs stays,
   *  the commit is not blamed, and the retry converges from what is observed. */
  | 'RUNTIME_UNAVAILABLE'
  /** The state directory cannot be written (disk full, read-only, permission, no descriptors):
   *  nothing acts until the intent can be recorded; what runs stays served; retry with backoff. */
  | 'STATE_WRITE_FAILED';

export class SyncError extends Error {
  override readonly name = 'SyncError';
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}
