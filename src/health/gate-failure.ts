// The first certain failure of a gate, and the latch that records it and stops everything else.
import type { Reason } from '../reasons/reasons.js';
import type { GateFailureCode } from './gate-types.js';

/** The status reason of each way a gate fails (docs/reference/status-reasons.md). */
export const GATE_FAILURE_REASONS: Readonly<Record<GateFailureCode, Reason>> = {
  exited: 'InstanceExited',
  'not-found': 'InstanceNotFound',
  timeout: 'HandshakeTimeout',
  'handshake-failed': 'HandshakeFailed',
  'missing-tools': 'ToolMissing',
  'breaking-tools': 'BreakingToolChange',
  unhealthy: 'HealthCheckFailed',
  'check-failed': 'CheckFailed',
  cancelled: 'Cancelled',
};

export class GateFailure extends Error {
  override readonly name = 'GateFailure';
  constructor(
    readonly code: GateFailureCode,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Set once by whoever learns first that the gate has failed (exit listener, deadline, caller abort,
 * a failed step); aborting `signal` makes every pending step give up at once.
 */
export class FailureLatch {
  private readonly controller = new AbortController();
  private first: GateFailure | undefined;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get failure(): GateFailure | undefined {
    return this.first;
  }

  fail(code: GateFailureCode, reason: string): void {
    if (this.first) return;
    this.first = new GateFailure(code, reason);
    this.controller.abort(this.first);
  }

  /** Throws the recorded failure, if any. */
  check(): void {
    if (this.first) throw this.first;
  }

  /** `work`, unless the latch trips first (then its failure is thrown and `work` is left to settle). */
  guard<T>(work: Promise<T>): Promise<T> {
    this.check();
    return new Promise<T>((resolveWork, reject) => {
      const onAbort = (): void => reject(this.first ?? new Error('aborted'));
      this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        (value) => {
          this.signal.removeEventListener('abort', onAbort);
          resolveWork(value);
        },
        (err: unknown) => {
          this.signal.removeEventListener('abort', onAbort);
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }
}
