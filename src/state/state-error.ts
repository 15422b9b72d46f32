// The state file could not be written. Always the machine's fault (disk full, read-only, permission,
// no file descriptors), never the commit's: the daemon keeps what runs, acts on nothing new until
// the intent can be recorded, and retries with backoff.
export class StateWriteError extends Error {
  override readonly name = 'StateWriteError';
  readonly code = 'STATE_WRITE_FAILED';
  /** Retrying once the disk is fixed succeeds without anyone changing the commit. */
  readonly transient = true;
  /** The Node errno code (ENOSPC, EROFS, EACCES, EMFILE...), when there is one. */
  readonly errno: string | undefined;

  constructor(dir: string, cause: unknown) {
    super(`cannot write the state file in ${dir}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    const code = (cause as { code?: unknown } | null)?.code;
    this.errno = typeof code === 'string' ? code : undefined;
  }
}
