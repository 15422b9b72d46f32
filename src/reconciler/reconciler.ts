// The loop: one sync at a time, triggers coalesced, every sync a list of steps with one signature,
// and its outcome written in one place (finish) whatever the exit path.
import type { GatewayRouter } from '../gateway/router.js';
import type { GateTool } from '../health/index.js';
import type { DesiredState } from '../render/desired-state.js';
import type { Instance, Runtime } from '../runtimes/runtime.js';
import type { Snapshot } from '../source/snapshot.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import type { StateStore } from '../state/store.js';
import { RestartBackoff } from './backoff.js';
import { converge, type ConvergeDeps, type ConvergeOutcome, type GateFn } from './converge.js';
import { errText, isTransientError, short } from './errors.js';
import { EventBus, type ReconcileEvent } from './events.js';
import { needsWrite, writeOutcome, type Landed, type Outcome } from './outcome.js';
import { RenderedCommits } from './rendered-commits.js';
import { Retirements } from './retirements.js';
import { realScheduler, Timers, type Scheduler } from './scheduler.js';
import { ServerBoard } from './server-board.js';
import { daemonPhase, type StatusView } from './status.js';
import { SyncSteps, type ConvergeMode, type Step, type SyncCtx } from './sync-steps.js';
import { TriggerQueue, type Trigger } from './trigger-queue.js';

export interface SpecSource {
  head(): Promise<string>;
  snapshot(commit: string): Promise<Snapshot>;
}

export interface ReconcilerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ReconcilerDeps {
  source: SpecSource;
  runtime: Runtime;
  store: StateStore;
  compile: (snapshot: Snapshot) => DesiredState;
  gate: GateFn;
  /** Directory holding the snapshot's --path tree (process runtime working dirs). */
  workdirFor: (snapshot: Snapshot) => Promise<string>;
  events?: EventBus;
  logger: ReconcilerLogger;
  intervalMs: number;
  sharedPorts: boolean;
  /** What /status shows as a server's endpoint (its gateway address). */
  endpointFor?: (server: DesiredServer) => string | null;
  /** The gateway: told which instance serves each server, asked to drain one before it goes. */
  router?: GatewayRouter;
  scheduler?: Scheduler;
  /** Is this error transient (retry with backoff) rather than a fault of the commit? Default: it says so (`transient: true`). */
  isTransient?: (e: unknown) => boolean;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 60_000;

export class Reconciler {
  readonly events: EventBus;
  private readonly clock: Scheduler;
  private readonly timers: Timers;
  private readonly backoff: RestartBackoff;
  private readonly board: ServerBoard;
  private readonly queue: TriggerQueue;
  private readonly rendered: RenderedCommits;
  private readonly retirements: Retirements;
  private readonly isTransient: (e: unknown) => boolean;
  /** Instances that passed a gate in this run, with their tools. */
  private readonly gated = new Map<string, GateTool[]>();
  private nextSyncId: number;
  private current: SyncCtx | null = null;
  /** The status while a sync's outcome is being recorded. */
  private recording: StatusView | null = null;
  private checkingHead = false;
  private started = false;
  private stopped = false;
  private head: string | null = null;
  private message = 'starting';
  private lastError: StatusView['lastError'] = null;
  private retries = 0;
  private checks = 0;
  private lastCheckedAt: string | null = null;
  private unsubscribeExit: (() => void) | undefined;
  private readonly steps: Step[];

  constructor(private readonly deps: ReconcilerDeps) {
    this.events = deps.events ?? new EventBus();
    this.clock = deps.scheduler ?? realScheduler;
    this.timers = new Timers(this.clock);
    this.backoff = new RestartBackoff(() => this.clock.now());
    this.board = new ServerBoard(deps.endpointFor);
    this.isTransient = deps.isTransient ?? isTransientError;
    this.retirements = new Retirements({
      runtime: deps.runtime, emit: (e) => this.onEvent(e), ...(deps.router && { router: deps.router }),
      onError: (inst, err) => deps.logger.warn({ server: inst.labels.server, instanceId: inst.id, err: errText(err) }, 'removing a retired instance failed; the next sync prunes it'),
    });
    this.nextSyncId = deps.store.get().nextSyncId;
    this.queue = new TriggerQueue((t) => this.runSync(t), () => this.nextSyncId++);
    this.rendered = new RenderedCommits({ snapshot: (c) => deps.source.snapshot(c), compile: deps.compile, workdirFor: deps.workdirFor });
    this.steps = new SyncSteps({
      source: deps.source, store: deps.store, compile: deps.compile, workdirFor: deps.workdirFor, events: this.events,
      rendered: this.rendered, now: () => this.clock.now(), nextSyncId: () => this.nextSyncId,
      converge: (...a) => this.convergeTo(...a),
      say: (m) => { this.message = m; },
      sawHead: (head) => {
        this.head = head;
        this.checks++;
        this.lastCheckedAt = this.iso();
      },
      rollingOut: () => { if (this.queue.hasPending) this.checkSupersede(); },
      inBackoff: (server) => this.backoff.waitFor(server) > 0,
    }).steps;
  }

  /** Closes an interrupted sync, then syncs at once and every interval. */
  async start(): Promise<void> {
    const st = this.deps.store.get();
    this.board.adopt(st.servers);
    this.unsubscribeExit = this.deps.runtime.onExit((info) => this.onInstanceExit(info.id, info.server, info.message));
    const interrupted = st.inFlight;
    if (interrupted) {
      await this.deps.store.update((s) => {
        s.history = [{ id: interrupted.id, commit: interrupted.commit, result: 'failed', startedAt: interrupted.startedAt, finishedAt: this.iso(), message: 'interrupted: the daemon stopped during this sync; it is synced again from what runs' }, ...s.history];
        s.inFlight = null;
      });
    }
    this.timers.every(this.deps.intervalMs, () => this.requestSync('poll'));
    this.requestSync('start');
  }

  /** Queues a sync; bursts coalesce into one. Returns the id the sync will have (-1 once stopped). */
  requestSync(reason: string, force = false): number {
    if (this.stopped) return -1;
    const id = this.queue.push(reason, force);
    this.checkSupersede();
    return id;
  }

  /** Resolves once no sync is running or queued. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.stop();
    this.queue.stop();
    this.current?.halt.abort();
    this.unsubscribeExit?.();
    await this.queue.idle();
    await this.retirements.cut();
  }

  status(): StatusView {
    if (this.recording) return this.recording;
    const state = this.deps.store.get();
    const servers = this.board.list();
    const syncing = this.current !== null && (this.current.phase === 'rolling-out' || this.current.phase === 'reverting');
    return {
      phase: daemonPhase({ started: this.started, syncing, state, head: this.head, servers }),
      message: this.message,
      revision: { head: this.head, applied: state.applied, lastGood: state.lastGood },
      failedRevision: state.failedRevision,
      lastError: this.lastError,
      servers,
      history: state.history,
      checks: this.checks,
      lastCheckedAt: this.lastCheckedAt,
    };
  }

  get ready(): boolean {
    return this.started;
  }

  // ---- supersede -----------------------------------------------------------------------------

  /** A trigger while gates wait: if the branch moved, cancel the running rollout (or repair). */
  private checkSupersede(): void {
    const cur = this.current;
    const abortable = (): boolean => cur !== null && this.current === cur && (cur.phase === 'rolling-out' || cur.phase === 'repairing');
    if (!abortable() || this.checkingHead) return;
    this.checkingHead = true;
    void this.deps.source.head().then((head) => {
      if (abortable() && head !== cur!.head) {
        this.deps.logger.info({ commit: cur!.head, newer: head }, 'a newer commit supersedes the running sync');
        cur!.abort.abort();
      }
    }, () => undefined).finally(() => { this.checkingHead = false; });
  }

  // ---- one sync ------------------------------------------------------------------------------

  private async runSync(t: Trigger): Promise<void> {
    const halt = new AbortController();
    const abort = new AbortController();
    halt.signal.addEventListener('abort', () => abort.abort(), { once: true });
    const ctx: SyncCtx = { id: t.id, reason: [...t.reasons].join(','), force: t.force, startedAt: this.clock.now(), abort, halt, phase: 'resolving' };
    this.current = ctx;
    let outcome: Outcome = { kind: 'noop' };
    try {
      for (const step of this.steps) {
        const o = await step(ctx);
        if (o) { outcome = o; break; }
      }
    } catch (e) {
      outcome = SyncSteps.fromError(ctx, e, this.isTransient(e));
    }
    // /status keeps showing the sync as it was until its outcome is written and settled as a whole:
    // the state's history, the servers and the phase never disagree in one answer
    this.recording = this.status();
    try {
      await this.finish(ctx, outcome);
    } catch (e) {
      this.deps.logger.error({ syncId: ctx.id, err: errText(e) }, 'could not record the outcome of a sync');
    } finally {
      this.recording = null;
      this.current = null;
    }
  }

  private convergeTo(desired: RenderedServer[], commit: string, workdir: string, signal: AbortSignal, mode: ConvergeMode, onWave?: ConvergeDeps['onWave']): Promise<ConvergeOutcome> {
    const records = this.deps.store.get().servers;
    // Passed a gate in this run, or is the recorded deployment: same spec, started before its gate
    // passed (an instance of that spec started later, e.g. by a revert a crash interrupted, is not).
    const verified = (i: Instance): GateTool[] | null => {
      const rec = records[i.labels.server];
      const recorded = rec?.specHash === i.labels.specHash && Date.parse(i.startedAt) <= Date.parse(rec.deployedAt);
      return this.gated.get(i.id) ?? (recorded ? (rec.tools ?? []).map((name) => ({ name })) : null);
    };
    return converge(desired, {
      runtime: this.deps.runtime, gate: this.deps.gate, commit, workdir, signal, sharedPorts: this.deps.sharedPorts,
      emit: (e) => this.onEvent(e), now: () => this.clock.now(), verified, retirements: this.retirements,
      isTransient: this.isTransient, ...(this.deps.router && { router: this.deps.router }), ...mode, ...(onWave && { onWave }),
    });
  }

  // ---- crashes -------------------------------------------------------------------------------

  private onInstanceExit(id: string, server: string, message: string): void {
    if (!this.board.isServing(server, id)) return; // a new instance failing its gate: the gate reports it
    this.crashed(server, message);
  }

  private crashed(server: string, message: string): void {
    const rec = this.backoff.crashed(server, message);
    const wait = this.backoff.waitFor(server);
    this.board.crashed(server, message, rec, wait);
    this.events.emit({ type: 'server.crashed', server, message, restarts: rec.failures, retryInSeconds: Math.ceil(wait / 1000) });
    this.deps.logger.warn({ server, message, restarts: rec.failures, retryInMs: wait }, 'server crashed; restarting with backoff');
    this.timers.after(wait + 10, () => this.requestSync('restart'));
  }

  // ---- outcome: written in one place ---------------------------------------------------------

  private async finish(ctx: SyncCtx, o: Outcome): Promise<void> {
    if (o.kind === 'halted') {
      // left as a crash would leave it: the next start records it as interrupted and converges
      this.deps.logger.warn({ syncId: ctx.id, commit: ctx.head }, 'sync stopped by shutdown; the next start finishes it');
      return;
    }
    const info = { id: ctx.id, startedAt: new Date(ctx.startedAt).toISOString(), finishedAt: this.iso(), nextSyncId: this.nextSyncId };
    if (needsWrite(this.deps.store.get(), o, ctx.id)) await this.deps.store.update((s) => writeOutcome(s, o, info));
    if (o.kind === 'error') {
      this.lastError = { reason: o.code, message: o.message, at: info.finishedAt };
      this.events.emit({ type: 'source.error', code: o.code, message: o.message });
      this.deps.logger.warn({ code: o.code, err: o.message }, 'sync could not run; will retry');
      this.message = `Waiting to retry: ${o.message}`;
      this.retryLater();
    } else {
      this.lastError = null;
      if (o.kind === 'result') this.recordResult(ctx, o);
      else if (o.kind === 'repaired') this.afterRepair(o.landed, !this.started);
      this.retries = 0;
      this.message = this.idleMessage();
    }
    if (!this.started && (o.kind !== 'error' || this.deps.store.get().applied !== null)) this.started = true;
  }

  private recordResult(ctx: SyncCtx, o: Extract<Outcome, { kind: 'result' }>): void {
    const durationSeconds = (this.clock.now() - ctx.startedAt) / 1000;
    if (o.landed) {
      for (const x of o.landed.out.outcomes.values()) if (x.status === 'started') this.backoff.forget(x.server);
      this.settle(o.landed);
    }
    const level = o.result === 'succeeded' ? 'info' : 'warn';
    this.deps.logger[level]({ syncId: ctx.id, commit: o.commit, result: o.result, reason: ctx.reason, durationSeconds }, `sync ${o.result}: ${o.message}`);
    this.events.emit({ type: 'sync.finished', syncId: ctx.id, commit: o.commit, result: o.result, message: o.message, durationSeconds });
    if (o.repair) this.requestSync('repair');
  }

  /**
   * `afterRestart`: the first sync since the daemon started. What it starts was stopped with the
   * daemon (the process runtime stops its servers on SIGTERM) or died with it: a restart, not drift.
   */
  private afterRepair(landed: Landed, afterRestart: boolean): void {
    const started = [...landed.out.outcomes.values()].filter((x) => x.status === 'started');
    for (const x of started) {
      this.backoff.started(x.server);
      if (!afterRestart) this.events.emit({ type: 'drift.repaired', server: x.server, instanceId: x.instance!.id, why: 'its instance was missing, exited or changed out of band' });
    }
    if (afterRestart && started.length > 0) this.deps.logger.info({ started: started.map((x) => x.server) }, 'started the applied servers the daemon does not find running since it started');
    else if (started.length > 0 || landed.out.pruned.length > 0) this.deps.logger.info({ restarted: started.map((x) => x.server), pruned: landed.out.pruned }, 'drift repaired');
    this.settle(landed);
    for (const x of landed.out.outcomes.values()) {
      if (x.status === 'failed') this.crashed(x.server, x.reason ?? 'restart failed its health gate');
      if (x.status === 'skipped') this.timers.after(this.backoff.waitFor(x.server) + 10, () => this.requestSync('restart'));
    }
  }

  private settle(landed: Landed): void {
    this.board.settle(landed.out, landed.desired, this.deps.store.get().servers, (s) => this.backoff.get(s));
  }

  private retryLater(): void {
    const delay = Math.min(RETRY_MIN_MS * 2 ** this.retries++, RETRY_MAX_MS);
    this.timers.after(delay, () => this.requestSync('retry'));
  }

  private onEvent(e: ReconcileEvent): void {
    if (e.type === 'gate.passed') this.gated.set(e.instanceId, e.tools.map((name) => ({ name })));
    if (e.type === 'server.removed') this.gated.delete(e.instanceId);
    this.board.onEvent(e);
    this.events.emit(e);
  }

  /** Between syncs: what runs, and why the head is not it when it is not. */
  private idleMessage(): string {
    const st = this.deps.store.get();
    const synced = st.applied ? `Synced to ${short(st.applied)}` : 'Nothing applied yet';
    const failed = st.failedRevision;
    if (!failed || failed.commit !== this.head) return synced;
    const result = st.history.find((x) => x.commit === failed.commit)?.result;
    const label = result === 'invalid' ? 'Invalid' : result === 'reverted' ? 'Reverted' : 'Failed';
    return `${label} ${short(failed.commit)}: ${failed.reason}`;
  }

  private iso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
