// The loop: one sync at a time, triggers coalesced, every sync a list of steps with one signature,
// and its outcome written in one place (finish) whatever the exit path.
import type { GatewayRouter } from '../gateway/router.js';
import type { EnvironmentReason, Reason } from '../reasons/reasons.js';
import type { GateTool } from '../health/index.js';
import type { CheckStatus } from '../health/checks/check-status.js';
import type { ServingInstance } from '../health/checks/monitor.js';
import { approvedTools, recordedSpec, recordedTools, versionFromRecords } from '../plan/verified.js';
import { planView, type PlanView } from '../plan/view.js';
import type { DesiredState } from '../render/desired-state.js';
import type { Instance, Runtime } from '../runtimes/runtime.js';
import type { Snapshot } from '../source/snapshot.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import { StateWriteError } from '../state/state-error.js';
import type { StateStore } from '../state/store.js';
import type { Suspension } from '../state/model.js';
import { RestartBackoff, type CrashRecord } from './backoff.js';
import { CanaryRuns, type CanaryRequest } from './canary-runs.js';
import { converge, planNow, type ConvergeDeps, type ConvergeOutcome, type GateFn } from './converge.js';
import { errText, short } from './errors.js';
import { EventBus, type ReconcileEvent } from './events.js';
import { environmentFault, type FaultStage } from './faults.js';
import { needsWrite, writeOutcome, type Landed, type Outcome } from './outcome.js';
import { RenderedCommits } from './rendered-commits.js';
import { Retirements } from './retirements.js';
import { realScheduler, Timers, type Scheduler } from './scheduler.js';
import { describeToolDrift, ServerBoard, type CrashReason } from './server-board.js';
import { daemonPhase, type ServerStatus, type StatusView } from './status.js';
import { SyncSteps, type ConvergeMode, type Step, type StepObserver, type SyncCtx } from './sync-steps.js';
import { TriggerQueue, type Trigger } from './trigger-queue.js';
import { refusedTools } from './tool-changes.js';
import type { ToolSurface } from '../tools/surface.js';

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
  /** The runtime's name, for messages (`plan` says what it observed). */
  runtimeName?: string;
  /** What /status shows as a server's endpoint (its gateway address). */
  endpointFor?: (server: DesiredServer) => string | null;
  /** The gateway: told which instance serves each server, asked to drain one before it goes. */
  router?: GatewayRouter;
  scheduler?: Scheduler;
  /**
   * Is this runtime error transient (retry with backoff) rather than a fault of the commit, beyond
   * what faults.ts already knows (`transient: true`, a full or exhausted machine)?
   */
  isTransient?: (e: unknown) => boolean;
  /** Jitter of the retry backoff, in [0, 1) (default Math.random). */
  random?: () => number;
  /** While suspended, still put back what drifted from the applied commit (default true). */
  suspendRepair?: boolean;
  /** `serve --suspended`: start suspended (kept as it is when the state already says suspended). */
  startSuspended?: { reason: string | null };
  /** Runs health.checks of the serving instances between syncs (reports back through checkFailed). */
  checks?: CheckWatcher;
  /** Runs a sync's fetch and validate (tracing times them; nothing else is told). */
  observeStep?: StepObserver;
}

/** What the reconciler needs of the health-check monitor (src/health/checks/monitor.ts). */
export interface CheckWatcher {
  watch(serving: readonly ServingInstance[]): void;
  unwatch(server: string): void;
  view(server: string): CheckStatus[] | undefined;
  stop(): void;
}

/** Retries after an environment fault: 1 s doubling to 5 min, each cut by up to a fifth at random. */
export const RETRY_MIN_MS = 1000;
export const RETRY_MAX_MS = 5 * 60_000;
const RETRY_JITTER = 0.2;

/** What the gateway reports of one instance's tools (its ToolDriftReport, structurally). */
export interface ToolDriftInput {
  server: string;
  instanceId: string;
  at: string;
  pin: 'warn' | 'enforce' | 'off';
  drift: { added: string[]; removed: string[]; changed: { name: string; parts: string[] }[] } | null;
}

export class Reconciler {
  readonly events: EventBus;
  private readonly clock: Scheduler;
  private readonly timers: Timers;
  private readonly backoff: RestartBackoff;
  private readonly board: ServerBoard;
  private readonly queue: TriggerQueue;
  private readonly rendered: RenderedCommits;
  private readonly retirements: Retirements;
  private readonly fault: (e: unknown, stage: FaultStage) => EnvironmentReason | null;
  /** Instances that passed a gate in this run, with their tools. */
  private readonly gated = new Map<string, GateTool[]>();
  /** ... and the tool surface approved at that gate. */
  private readonly surfaces = new Map<string, ToolSurface>();
  /** Canaries running now: their step, and what a person asked of them. */
  private readonly canaries = new CanaryRuns();
  private nextSyncId: number;
  private current: SyncCtx | null = null;
  /** The status while a sync's outcome is being recorded. */
  private recording: StatusView | null = null;
  private checkingHead = false;
  /** The daemon found an interrupted sync at start and no rollout ran since (see SyncSteps.restoreStable). */
  private interrupted = false;
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
    const transient = deps.isTransient;
    this.fault = (e, stage) => environmentFault(e, stage) ?? (stage === 'runtime' && transient?.(e) ? 'RuntimeUnavailable' : null);
    this.retirements = new Retirements({
      runtime: deps.runtime,
      emit: (e) => this.onEvent(e),
      ...(deps.router && { router: deps.router }),
      onError: (inst, err) =>
        deps.logger.warn({ server: inst.labels.server, instanceId: inst.id, err: errText(err) }, 'removing a retired instance failed; the next sync prunes it'),
    });
    this.nextSyncId = deps.store.get().nextSyncId;
    this.queue = new TriggerQueue(
      (t) => this.runSync(t),
      () => this.nextSyncId++,
    );
    this.rendered = new RenderedCommits({ snapshot: (c) => deps.source.snapshot(c), compile: deps.compile, workdirFor: deps.workdirFor });
    this.steps = new SyncSteps({
      source: deps.source,
      store: deps.store,
      compile: deps.compile,
      workdirFor: deps.workdirFor,
      events: this.events,
      rendered: this.rendered,
      ...(deps.observeStep && { observe: deps.observeStep }),
      now: () => this.clock.now(),
      nextSyncId: () => this.nextSyncId,
      converge: (...a) => this.convergeTo(...a),
      say: (m) => {
        this.message = m;
      },
      sawHead: (head) => {
        this.head = head;
        this.checks++;
        this.lastCheckedAt = this.iso();
      },
      rollingOut: () => {
        if (this.queue.hasPending) this.checkSupersede();
      },
      inBackoff: (server) => this.backoff.waitFor(server) > 0,
      // what the daemon starts after its own restart is not drift: started even with repair off
      held: () => (this.deps.store.get().suspended ? (this.deps.suspendRepair !== false || !this.started ? 'repair' : 'hold') : null),
      takeInterrupted: () => {
        const was = this.interrupted;
        this.interrupted = false;
        return was;
      },
    }).steps;
  }

  /** Closes an interrupted sync, then syncs at once and every interval. */
  async start(): Promise<void> {
    const st = this.deps.store.get();
    this.board.adopt(st.servers);
    this.unsubscribeExit = this.deps.runtime.onExit((info) => this.onInstanceExit(info.id, info.server, info.message, info.reason));
    const interrupted = st.inFlight;
    this.interrupted = interrupted !== null;
    if (interrupted) {
      // a disk that refuses this write keeps it in memory; the first sync's outcome retries it
      await this.deps.store
        .update((s) => {
          s.history = [
            {
              id: interrupted.id,
              commit: interrupted.commit,
              result: 'failed',
              reason: 'Interrupted',
              startedAt: interrupted.startedAt,
              finishedAt: this.iso(),
              message: 'interrupted: the daemon stopped during this sync; it is synced again from what runs',
            },
            ...s.history,
          ];
          s.inFlight = null;
        })
        .catch((e: unknown) => {
          if (!(e instanceof StateWriteError)) throw e;
          this.deps.logger.warn({ err: e.message }, 'could not record the interrupted sync yet; retried with the next write');
        });
    }
    if (this.deps.startSuspended && !this.deps.store.get().suspended) await this.suspend('cli flag', this.deps.startSuspended.reason).catch(() => undefined);
    this.timers.every(this.deps.intervalMs, () => this.requestSync('poll'));
    this.requestSync('start');
  }

  /**
   * Suspends: the head is still read and shown, what runs keeps serving (and, unless suspendRepair
   * is false, repaired), but no new commit is applied until resume(). A sync already rolling out
   * finishes. Kept in the state file. Throws StateWriteError when it could not be saved (it holds in
   * memory and is saved with the next write that succeeds).
   */
  async suspend(by: Suspension['by'], reason: string | null): Promise<{ suspended: Suspension; changed: boolean }> {
    const was = this.deps.store.get().suspended;
    if (was) return { suspended: was, changed: false };
    const suspended: Suspension = { by, at: this.iso(), reason };
    const saved = this.deps.store.update((s) => {
      s.suspended = suspended;
    });
    this.events.emit({ type: 'sync.suspended', code: 'Suspended', ...suspended });
    this.deps.logger.info({ by, reason }, 'suspended: new commits are not applied until a resume');
    if (!this.current) this.message = this.idleMessage();
    await saved;
    return { suspended, changed: true };
  }

  /** Resumes and syncs the head at once; returns the id of that sync (-1 once stopped). Throws StateWriteError like suspend(). */
  async resume(by: Suspension['by']): Promise<{ resumed: boolean; syncId: number }> {
    const was = this.deps.store.get().suspended;
    const saved = was
      ? this.deps.store.update((s) => {
          s.suspended = null;
        })
      : Promise.resolve();
    const syncId = this.requestSync('resume');
    if (was) {
      this.events.emit({ type: 'sync.resumed', by, syncId });
      this.deps.logger.info({ by, syncId }, 'resumed: syncing the head');
    }
    await saved;
    return { resumed: was !== null, syncId };
  }

  /**
   * The gateway saw an instance's tools move away from the surface approved at its gate (drift), or
   * come back to it (drift null). Shown in /status while that instance serves; an event either way.
   */
  toolDrift(r: ToolDriftInput): void {
    if (r.drift === null) {
      this.onEvent({
        type: 'server.toolDriftCleared',
        server: r.server,
        instanceId: r.instanceId,
        message: 'the tools are back to the surface approved at the gate',
      });
      return;
    }
    const d = { at: r.at, added: r.drift.added, removed: r.drift.removed, changed: r.drift.changed, pin: r.pin };
    this.onEvent({ type: 'server.toolDrift', server: r.server, instanceId: r.instanceId, code: 'ToolDrift', ...d, message: describeToolDrift(d) });
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
    this.deps.checks?.stop();
    await this.queue.idle();
    await this.retirements.cut();
  }

  status(): StatusView {
    if (this.recording) return this.recording;
    const state = this.deps.store.get();
    const servers = this.withChecks(this.board.list()).map((s) => {
      const canary = this.canaries.status(s.name, this.deps.router?.canaryFigures?.(s.name));
      return canary ? { ...s, canary } : s;
    });
    const syncing = this.current !== null && (this.current.phase === 'rolling-out' || this.current.phase === 'reverting');
    const { phase, reason } = daemonPhase({
      started: this.started,
      syncing,
      state,
      head: this.head,
      servers,
      lastError: this.lastError,
      suspended: state.suspended !== null,
    });
    return {
      phase,
      reason,
      message: this.message,
      revision: { head: this.head, applied: state.applied, lastGood: state.lastGood },
      failedRevision: state.failedRevision,
      lastError: this.lastError,
      servers,
      history: state.history,
      checks: this.checks,
      lastCheckedAt: this.lastCheckedAt,
      suspended: state.suspended,
    };
  }

  /** Suspended now (POST /suspend, --suspended): no new commit is applied. */
  get suspended(): boolean {
    return this.deps.store.get().suspended !== null;
  }

  /**
   * A person ends a canary early (POST /rollouts/<server>/promote | abort): acted on by its step
   * controller within a tick. False when no canary of `server` runs.
   */
  endCanary(server: string, what: CanaryRequest): boolean {
    return this.canaries.request(server, what);
  }

  get ready(): boolean {
    return this.started;
  }

  // ---- supersede -----------------------------------------------------------------------------

  /** A trigger while gates wait: if the branch moved, cancel the running rollout (or repair). */
  private checkSupersede(): void {
    const cur = this.current;
    const abortable = (): boolean => cur !== null && this.current === cur && (cur.phase === 'rolling-out' || cur.phase === 'repairing');
    // suspended: the running rollout finishes; the newer commit waits for a resume
    if (!abortable() || this.checkingHead || this.deps.store.get().suspended) return;
    this.checkingHead = true;
    void this.deps.source
      .head()
      .then(
        (head) => {
          if (abortable() && head !== cur!.head) {
            this.deps.logger.info({ commit: cur!.head, newer: head }, 'a newer commit supersedes the running sync');
            cur!.abort.abort();
          }
        },
        () => undefined,
      )
      .finally(() => {
        this.checkingHead = false;
      });
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
        if (o) {
          outcome = o;
          break;
        }
      }
    } catch (e) {
      outcome = SyncSteps.fromError(ctx, e, this.fault);
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

  private convergeTo(
    desired: RenderedServer[],
    commit: string,
    workdir: string,
    signal: AbortSignal,
    mode: ConvergeMode,
    onWave?: ConvergeDeps['onWave'],
  ): Promise<ConvergeOutcome> {
    return converge(desired, {
      runtime: this.deps.runtime,
      gate: this.toolGate(mode.failFast),
      commit,
      workdir,
      signal,
      sharedPorts: this.deps.sharedPorts,
      emit: (e) => this.onEvent(e),
      now: () => this.clock.now(),
      verified: this.verified(),
      approvedSurface: this.approvedSurface(),
      retirements: this.retirements,
      canaries: this.canaries,
      versionOf: versionFromRecords(this.deps.store.get().servers),
      isTransient: (e) => this.fault(e, 'runtime') !== null,
      ...(this.deps.router && { router: this.deps.router }),
      ...mode,
      ...(onWave && { onWave }),
    });
  }

  /** Passed a gate in this run, or is the recorded deployment (see recordedTools). */
  private verified(): (i: Instance) => GateTool[] | null {
    const records = this.deps.store.get().servers;
    return (i) =>
      this.gated.get(i.id) ??
      recordedTools(records[i.labels.server], { specHash: i.labels.specHash, startedAt: i.startedAt })?.map((name) => ({ name })) ??
      null;
  }

  /**
   * The health gate, then (a rollout: `checkBreaking`) the breaking-change check of the new tools
   * against the version on record; what passes is remembered with its tools and surface.
   */
  private toolGate(checkBreaking: boolean): GateFn {
    return async (o) => {
      const result = await this.deps.gate(o);
      if (!result.ok) return result;
      const refused = checkBreaking ? refusedTools(this.deps.store.get().servers[o.server.name], o.server, result.tools) : null;
      if (refused) return { ok: false, code: 'breaking-tools', reason: refused };
      this.gated.set(o.instanceId, result.tools);
      this.surfaces.set(o.instanceId, result.surface);
      return result;
    };
  }

  /** The surface approved for an instance: at its gate in this run, or on record for its spec. */
  private approvedSurface(): (i: Instance) => ToolSurface | undefined {
    const records = this.deps.store.get().servers;
    return (i) => {
      const rec = records[i.labels.server];
      return this.surfaces.get(i.id) ?? (recordedSpec(rec, i.labels.specHash) ? rec.toolSurface : undefined);
    };
  }

  /**
   * What the next sync would do (GET /plan): the head's rollout, or, when the head is applied, failed
   * or invalid, the repair of the applied commit; decided by the function converge runs, against
   * what runs now, with this run's gated instances and restart backoff.
   */
  async preview(): Promise<PlanView> {
    const st = this.deps.store.get();
    const head = await this.deps.source.head();
    const notes: string[] = [];
    let target: { commit: string | null; servers: readonly RenderedServer[] } | undefined;
    if (st.suspended) {
      notes.push(
        `suspended: ${short(head)} is not applied until a resume; the next sync ${this.deps.suspendRepair === false ? 'changes nothing' : 'only repairs drift'}`,
      );
    } else if (head !== st.applied && head !== st.failedRevision?.commit) {
      const d = this.deps.compile(await this.deps.source.snapshot(head));
      if (d.errors.length === 0) target = { commit: head, servers: d.servers };
      else
        notes.push(`${short(head)} is invalid (${d.errors.length} error${d.errors.length === 1 ? '' : 's'}): the next sync records it and only repairs drift`);
    } else if (head !== st.applied) {
      notes.push(`${short(head)} failed before: it is retried only by a forced sync; the next sync only repairs drift`);
    }
    const mode = target ? 'rollout' : 'repair';
    target ??= await this.rendered.get(st.applied);
    const { plan } = await planNow(target.servers, {
      runtime: this.deps.runtime,
      sharedPorts: this.deps.sharedPorts,
      verified: this.verified(),
      retiring: (id) => this.retirements.has(id),
      owns: (i) => this.deps.router?.owns?.(i) ?? false,
      versionOf: versionFromRecords(st.servers),
      ...(mode === 'repair' && { skip: (s: string) => this.backoff.waitFor(s) > 0 }),
    });
    if (this.current) notes.push('a sync is running: this is what the next one would do from what runs at this moment');
    return planView(plan, {
      commit: target.commit,
      head,
      mode,
      source: 'daemon',
      against: `its ${this.deps.runtimeName ?? ''} runtime, live`.replace('  ', ' '),
      notes,
      approved: approvedTools(st.servers),
    });
  }

  // ---- crashes -------------------------------------------------------------------------------

  private onInstanceExit(id: string, server: string, message: string, reason?: CrashReason): void {
    if (!this.board.isServing(server, id)) return; // a new instance failing its gate: the gate reports it
    this.crashed(server, message, reason, id);
  }

  /**
   * A critical health check of the instance serving `server` failed (with its retries): like a crash,
   * the server is marked Unhealthy (CheckFailed), its instance removed, and restarted with backoff.
   */
  checkFailed(server: string, instanceId: string, message: string): void {
    if (this.stopped || !this.board.isServing(server, instanceId)) return;
    const { rec, wait } = this.restartWithBackoff(server, message, 'CheckFailed', instanceId);
    this.events.emit({
      type: 'server.checkFailed',
      server,
      instanceId,
      code: 'CheckFailed',
      message,
      restarts: rec.failures,
      retryInSeconds: Math.ceil(wait / 1000),
    });
    this.deps.logger.warn({ server, instanceId, message, restarts: rec.failures, retryInMs: wait }, 'health check failed; restarting with backoff');
    void this.deps.runtime
      .observe()
      .then((all) => {
        const inst = all.find((i) => i.id === instanceId);
        return inst ? this.retirements.now(inst, 'health check failed') : undefined;
      })
      .catch((err: unknown) =>
        this.deps.logger.warn({ server, instanceId, err: errText(err) }, 'removing an instance that failed its health check failed; the next sync replaces it'),
      );
  }

  private withChecks(servers: ServerStatus[]): ServerStatus[] {
    const monitor = this.deps.checks;
    if (!monitor) return servers;
    return servers.map((s) => {
      const checks = monitor.view(s.name);
      return checks ? { ...s, checks } : s;
    });
  }

  /** `instanceId`: the serving instance that exited (one replica of several: only it is restarted). */
  private crashed(server: string, message: string, reason: CrashReason = 'CrashLoopBackOff', instanceId?: string): void {
    this.deps.checks?.unwatch(server);
    const { rec, wait } = this.restartWithBackoff(server, message, reason, instanceId);
    this.events.emit({
      type: 'server.crashed',
      server,
      code: reason === 'CheckFailed' ? 'CrashLoopBackOff' : reason,
      message,
      restarts: rec.failures,
      retryInSeconds: Math.ceil(wait / 1000),
    });
    this.deps.logger.warn({ server, message, restarts: rec.failures, retryInMs: wait }, 'server crashed; restarting with backoff');
  }

  /** Counts the failure, shows the server Unhealthy with `reason`, and syncs again once its backoff passed. */
  private restartWithBackoff(server: string, message: string, reason: CrashReason, instanceId?: string): { rec: CrashRecord; wait: number } {
    const rec = this.backoff.crashed(server, message);
    const wait = this.backoff.waitFor(server);
    this.board.crashed(server, message, rec, wait, reason, instanceId);
    this.timers.after(wait + 10, () => this.requestSync('restart'));
    return { rec, wait };
  }

  // ---- outcome: written in one place ---------------------------------------------------------

  private async finish(ctx: SyncCtx, o: Outcome): Promise<void> {
    if (o.kind === 'halted') {
      // left as a crash would leave it: the next start records it as interrupted and converges
      this.deps.logger.warn({ syncId: ctx.id, commit: ctx.head }, 'sync stopped by shutdown; the next start finishes it');
      return;
    }
    const read = ctx.snapshot?.info && { sha: ctx.snapshot.commit, ...ctx.snapshot.info };
    const info = {
      id: ctx.id,
      startedAt: new Date(ctx.startedAt).toISOString(),
      finishedAt: this.iso(),
      nextSyncId: this.nextSyncId,
      ...(read && { commit: read }),
    };
    // the outcome lands in memory even when the disk refuses it: nothing is forgotten, and the file
    // catches up (flush) at the first sync that can write
    let unwritten: StateWriteError | null = null;
    try {
      if (needsWrite(this.deps.store.get(), o, ctx.id)) await this.deps.store.update((s) => writeOutcome(s, o, info));
      else await this.deps.store.flush();
    } catch (e) {
      if (!(e instanceof StateWriteError)) throw e;
      unwritten = e;
    }
    if (o.kind === 'result') this.recordResult(ctx, o);
    else if (o.kind === 'repaired') this.afterRepair(o.landed, !this.started);
    if (o.kind === 'error') this.retryAfterFault(o.reason, o.code, o.message);
    else if (unwritten) this.retryAfterFault('StateWriteFailed', unwritten.code, unwritten.message);
    else {
      this.lastError = null;
      this.retries = 0;
      this.message = this.idleMessage();
    }
    if (!this.started && (o.kind !== 'error' || this.deps.store.get().applied !== null)) this.started = true;
  }

  /** Not the commit's fault: say so (phase Degraded with the reason), count it, and try again by itself. */
  private retryAfterFault(reason: Reason, code: string, message: string): void {
    const delay = this.retryLater();
    this.lastError = { reason, code, message, at: this.iso() };
    if (reason === 'SourceUnavailable') this.events.emit({ type: 'source.error', code: reason, message });
    this.events.emit({ type: 'sync.retrying', code: reason, message, retryInSeconds: Math.ceil(delay / 1000) });
    this.deps.logger.warn({ reason, code, err: message, retryInMs: delay }, "sync could not run: not the commit's fault; will retry");
    this.message = `Waiting to retry: ${message}`;
  }

  private recordResult(ctx: SyncCtx, o: Extract<Outcome, { kind: 'result' }>): void {
    const durationSeconds = (this.clock.now() - ctx.startedAt) / 1000;
    if (o.landed) {
      for (const x of o.landed.out.outcomes.values()) if (x.status === 'started') this.backoff.forget(x.server);
      this.settle(o.landed);
    }
    const level = o.result === 'succeeded' ? 'info' : 'warn';
    this.deps.logger[level]({ syncId: ctx.id, commit: o.commit, result: o.result, reason: ctx.reason, durationSeconds }, `sync ${o.result}: ${o.message}`);
    for (const [server, d] of Object.entries(o.toolChanges ?? {}))
      this.events.emit({ type: 'server.tools', server, commit: o.commit, added: d.added, removed: d.removed, changed: d.changed });
    this.events.emit({ type: 'sync.finished', syncId: ctx.id, commit: o.commit, result: o.result, code: o.reason, message: o.message, durationSeconds });
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
      if (!afterRestart)
        this.events.emit({
          type: 'drift.repaired',
          server: x.server,
          instanceId: x.instance!.id,
          why: 'its instance was missing, exited or changed out of band',
        });
    }
    if (afterRestart && started.length > 0)
      this.deps.logger.info({ started: started.map((x) => x.server) }, 'started the applied servers the daemon does not find running since it started');
    else if (started.length > 0 || landed.out.pruned.length > 0)
      this.deps.logger.info({ restarted: started.map((x) => x.server), pruned: landed.out.pruned }, 'drift repaired');
    this.settle(landed);
    for (const x of landed.out.outcomes.values()) {
      // a remote (spec.url) whose re-check fails stays RemoteUnreachable while it is retried
      const remote = landed.desired.some((d) => d.spec.name === x.server && d.spec.url !== undefined);
      if (x.status === 'failed')
        this.crashed(
          x.server,
          x.reason ?? 'restart failed its health gate',
          x.code === 'CheckFailed' ? 'CheckFailed' : remote ? 'RemoteUnreachable' : undefined,
        );
      if (x.status === 'skipped') this.timers.after(this.backoff.waitFor(x.server) + 10, () => this.requestSync('restart'));
    }
  }

  private settle(landed: Landed): void {
    this.board.settle(landed.out, landed.desired, this.deps.store.get().servers, (s) => this.backoff.get(s));
    const workdir = landed.workdir;
    if (workdir === undefined) return;
    this.deps.checks?.watch(
      landed.desired.flatMap((d) => {
        const o = landed.out.outcomes.get(d.spec.name);
        return o?.instance && (o.status === 'started' || o.status === 'kept') ? [{ server: d.spec, instanceId: o.instance.id, workdir }] : [];
      }),
    );
  }

  /** Schedules the next attempt (1 s doubling to 5 min, jittered); returns its delay. */
  private retryLater(): number {
    const base = Math.min(RETRY_MIN_MS * 2 ** Math.min(this.retries++, 30), RETRY_MAX_MS);
    const delay = Math.round(base * (1 - RETRY_JITTER * (this.deps.random ?? Math.random)()));
    this.timers.after(delay, () => this.requestSync('retry'));
    return delay;
  }

  private onEvent(e: ReconcileEvent): void {
    if (e.type === 'gate.passed' && !this.gated.has(e.instanceId))
      this.gated.set(
        e.instanceId,
        e.tools.map((name) => ({ name })),
      );
    if (e.type === 'server.removed') {
      this.gated.delete(e.instanceId);
      this.surfaces.delete(e.instanceId);
    }
    this.board.onEvent(e);
    this.events.emit(e);
  }

  /** Between syncs: what runs, and why the head is not it when it is not. */
  private idleMessage(): string {
    const st = this.deps.store.get();
    const synced = st.applied ? `Synced to ${short(st.applied)}` : 'Nothing applied yet';
    if (st.suspended) {
      const waiting = this.head && this.head !== st.applied ? `; head ${short(this.head)} waits` : '';
      return `Suspended by ${st.suspended.by}${st.suspended.reason ? ` (${st.suspended.reason})` : ''}: ${st.applied ? `${short(st.applied)} runs` : 'nothing applied'}${waiting}`;
    }
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
