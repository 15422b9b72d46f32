// Closes a client session nobody used for the idle timeout; a session still waiting for an answer
// is not idle, however long the answer takes.
import { GatewayError } from '../errors.js';

export class IdleTimer {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly o: { server: string; idleTimeoutMs: number; busy: () => boolean; close: (why: GatewayError) => void }) {}

  /** A request came (or an answer went): the idle time starts again. */
  arm(): void {
    if (this.stopped) return;
    // one timer per session, restarted: arm() runs twice per request, a new timer each time is garbage
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => this.fire(), this.o.idleTimeoutMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private fire(): void {
    if (this.o.busy()) {
      this.arm();
      return;
    }
    const s = +(this.o.idleTimeoutMs / 1000).toFixed(1);
    this.o.close(new GatewayError('SESSION_ENDED', `the session was idle for ${s}s and was closed; initialize a new session`, this.o.server));
  }
}
