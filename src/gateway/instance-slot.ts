// One instance as the gateway sees it: where its upstreams come from and which sessions are pinned
// to it. Retiring it waits until those sessions ended or the drain timeout passed.
import type { DownstreamSession } from './downstream/downstream-session.js';
import type { ProxyTarget } from './upstream/proxy-target.js';
import type { UpstreamSource } from './upstream/upstream.js';

/** How sessions reach the instance: through the SDK, or passed through to its HTTP endpoint. */
export type Via = { kind: 'sdk'; source: UpstreamSource } | { kind: 'proxy'; target: ProxyTarget };

export class InstanceSlot {
  readonly sessions = new Set<DownstreamSession>();
  /** Sessions being opened on it now (not in `sessions` yet): counted when new sessions are spread. */
  opening = 0;
  /** Set once retire() (or the instance's exit) started; resolves when the slot is gone. */
  retiring: Promise<void> | undefined;
  private waiters: (() => void)[] = [];
  private cutters: (() => void)[] = [];
  private cutShort = false;

  constructor(
    readonly id: string,
    readonly server: string,
    readonly via: Via,
    /** spec.gateway.maxSessions of the server it runs (or the gateway's default). */
    readonly maxSessions: number,
  ) {}

  /** Lets go of whatever connects the gateway to the instance. */
  close(): Promise<void> {
    return this.via.kind === 'sdk' ? this.via.source.close() : this.via.target.close();
  }

  add(s: DownstreamSession): void {
    this.sessions.add(s);
  }

  remove(s: DownstreamSession): void {
    if (!this.sessions.delete(s) || this.sessions.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }

  /** Ends a drain at once, as if its timeout had passed (recreate, shutdown). */
  cut(): void {
    this.cutShort = true;
    const cutters = this.cutters;
    this.cutters = [];
    cutters.forEach((c) => c());
  }

  /** Resolves true once no session is left, false if `timeoutMs` passed (or cut() came) first. */
  async drained(timeoutMs: number): Promise<boolean> {
    if (this.sessions.size === 0) return true;
    if (this.cutShort) return false;
    let timer: NodeJS.Timeout | undefined;
    const emptied = await Promise.race([
      new Promise<boolean>((r) => this.waiters.push(() => r(true))),
      new Promise<boolean>((r) => this.cutters.push(() => r(false))),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    return emptied;
  }
}
