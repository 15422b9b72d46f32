// health.checks while servers run: each check of each serving instance every intervalSeconds. A
// critical check that fails 1 + retries times in a row is reported once (the reconciler marks the
// server CheckFailed and restarts it with backoff) and the server's checks stop until it is served
// again; a non-critical one only shows in /status (servers[].checks) and keeps being run.
import type { DesiredServer } from '../../spec/desired.js';
import type { Clock } from '../clock.js';
import { describeError } from '../describe-error.js';
import { checkContext, type CheckContext } from './check-context.js';
import type { CheckStatus } from './check-status.js';
import { attempt, describeCheck } from './run-check.js';

export interface ServingInstance {
  server: DesiredServer;
  instanceId: string;
  /** The commit's --path tree on disk (cwd of command checks). */
  workdir: string;
}

export interface CheckFailure {
  server: string;
  instanceId: string;
  /** May hold secret values: the receiver masks it like any message. */
  message: string;
}

export interface CheckMonitorDeps {
  clock: Clock;
  /** Where PATH and HOME of command checks come from. */
  env: NodeJS.ProcessEnv;
  /** A critical check failed for good on the instance serving `server`. */
  onCriticalFailure: (f: CheckFailure) => void;
  /** Wall-clock time for lastCheckedAt (default Date.now). */
  now?: () => number;
  logger?: { warn(obj: object, msg?: string): void };
}

interface Watch {
  key: string;
  instanceId: string;
  stop: AbortController;
  checks: CheckStatus[];
}

export class CheckMonitor {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly deps: CheckMonitorDeps) {}

  /** Exactly these instances are watched from now on; an unchanged one keeps its timers and results. */
  watch(serving: readonly ServingInstance[]): void {
    const next = new Map(serving.filter((s) => (s.server.health.checks ?? []).length > 0).map((s) => [s.server.name, s]));
    for (const [name, w] of this.watches) {
      const s = next.get(name);
      if (!s || keyOf(s) !== w.key) this.unwatch(name);
    }
    for (const [name, s] of next) if (!this.watches.has(name)) this.start(s);
  }

  /** Stops watching one server (its instance crashed or was replaced). */
  unwatch(server: string): void {
    this.watches.get(server)?.stop.abort();
    this.watches.delete(server);
  }

  view(server: string): CheckStatus[] | undefined {
    return this.watches.get(server)?.checks.map((c) => ({ ...c }));
  }

  stop(): void {
    for (const name of [...this.watches.keys()]) this.unwatch(name);
  }

  private start(s: ServingInstance): void {
    const checks = s.server.health.checks ?? [];
    const w: Watch = {
      key: keyOf(s),
      instanceId: s.instanceId,
      stop: new AbortController(),
      checks: checks.map((c) => ({
        name: c.name,
        type: c.type,
        critical: c.critical,
        status: 'Unknown',
        failures: 0,
        lastCheckedAt: null,
        message: 'not run yet',
      })),
    };
    this.watches.set(s.server.name, w);
    let ctx: CheckContext | string;
    try {
      ctx = checkContext(s.server, s.workdir, this.deps.env);
    } catch (e) {
      ctx = describeError(e);
    }
    for (let i = 0; i < checks.length; i++) void this.loop(s, w, i, ctx);
  }

  private async loop(s: ServingInstance, w: Watch, i: number, ctx: CheckContext | string): Promise<void> {
    const c = s.server.health.checks![i];
    const signal = w.stop.signal;
    const now = this.deps.now ?? Date.now;
    for (let first = true; !signal.aborted; first = false) {
      if (!first) await this.deps.clock.sleep(c.intervalSeconds * 1000, signal);
      if (signal.aborted) return;
      const why = typeof ctx === 'string' ? ctx : await attempt(c, ctx, signal);
      if (signal.aborted) return;
      const st = w.checks[i];
      st.lastCheckedAt = new Date(now()).toISOString();
      if (why === undefined) {
        Object.assign(st, { status: 'Passing', failures: 0, message: 'passing' });
        continue;
      }
      st.failures++;
      const failed = st.failures > c.retries;
      st.message = failed ? why : `${why} (attempt ${st.failures} of ${c.retries + 1})`;
      if (!failed) continue;
      st.status = 'Failing';
      if (!c.critical) continue;
      this.unwatch(s.server.name);
      this.deps.onCriticalFailure({
        server: s.server.name,
        instanceId: s.instanceId,
        message: `${describeCheck(c)} failed ${st.failures} times in a row: ${why}`,
      });
      return;
    }
  }
}

/** Same instance, same checks, same env and cwd: the running watch stays. */
function keyOf(s: ServingInstance): string {
  return JSON.stringify([s.instanceId, s.workdir, s.server.health.checks, s.server.env, s.server.cwd]);
}
