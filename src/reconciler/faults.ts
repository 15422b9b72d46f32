// A fault of the machine is not a fault of the commit. Every error a sync meets is classified where it
// arises: an environment fault (disk full, read-only or forbidden state dir, no file descriptors, git
// server down or failing, runtime engine or API server down) is retried with backoff and never marks
// a commit failed; anything else is the commit's (validation, render, gate: quarantined as before).
// Typed errors say it with a real `transient` field; Node's own errors with their errno code.
import type { EnvironmentReason } from '../reasons/reasons.js';
import { StateWriteError } from '../state/state-error.js';
import { SyncError, type SyncErrorCode } from './errors.js';

/** Where the error arose: decides the reason, and which errno codes are the daemon's own business. */
export type FaultStage = 'source' | 'state' | 'runtime';

/** The machine ran out of something or refuses writes: never a commit's fault, wherever it arises. */
const MACHINE_ERRNO: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EMFILE', 'ENFILE', 'ENOMEM', 'EIO']);
/** Writes refused by the disk itself (the state dir, mirrors, checkouts): StateWriteFailed. */
const WRITE_ERRNO: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);
/** On the daemon's own files (reading the source, checking out a commit), permission is the machine's too. */
const OWN_FILE_ERRNO: ReadonlySet<string> = new Set([...MACHINE_ERRNO, 'EACCES', 'EPERM', 'EBUSY', 'ENOTDIR']);

const STAGE_REASON: Readonly<Record<FaultStage, EnvironmentReason>> = {
  source: 'SourceUnavailable',
  state: 'StateWriteFailed',
  runtime: 'RuntimeUnavailable',
};

const SYNC_ERROR_REASON: Readonly<Partial<Record<SyncErrorCode, EnvironmentReason>>> = {
  SOURCE_UNAVAILABLE: 'SourceUnavailable',
  RUNTIME_UNAVAILABLE: 'RuntimeUnavailable',
  STATE_WRITE_FAILED: 'StateWriteFailed',
};

/** The errno code of a Node error, or of one it wraps (`cause`, or `data.errno` of a runtime error). */
export function errnoOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const o = cur as { code?: unknown; errno?: unknown; syscall?: unknown; data?: { errno?: unknown }; cause?: unknown };
    if (typeof o.code === 'string' && /^E[A-Z0-9]+$/.test(o.code) && (typeof o.syscall === 'string' || typeof o.errno === 'number')) return o.code;
    if (typeof o.data?.errno === 'string' && /^E[A-Z0-9]+$/.test(o.data.errno)) return o.data.errno;
    cur = o.cause;
  }
  return undefined;
}

/**
 * The environment fault `e` is, raised at `stage`; null when it is the commit's fault. A typed error
 * with `transient: true` is the environment's; the errno codes of a full, read-only or exhausted
 * machine are, wherever they arise; permission errors are only on the daemon's own files (a spec
 * whose command is not executable is the commit's).
 */
export function environmentFault(e: unknown, stage: FaultStage): EnvironmentReason | null {
  if (e instanceof StateWriteError) return 'StateWriteFailed';
  if (e instanceof SyncError) return SYNC_ERROR_REASON[e.code] ?? null;
  const errno = errnoOf(e);
  if (errno && WRITE_ERRNO.has(errno) && (MACHINE_ERRNO.has(errno) || stage !== 'runtime')) return 'StateWriteFailed';
  if (errno && MACHINE_ERRNO.has(errno)) return STAGE_REASON[stage];
  if (isTransient(e)) return STAGE_REASON[stage];
  if (errno && stage !== 'runtime' && OWN_FILE_ERRNO.has(errno)) return STAGE_REASON[stage];
  return null;
}

/** The shared error types' own word: retrying later may succeed without anyone changing anything. */
export function isTransient(e: unknown): boolean {
  return e instanceof Error && (e as { transient?: unknown }).transient === true;
}
