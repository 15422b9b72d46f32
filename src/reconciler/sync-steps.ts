// The steps of one sync, each with the same signature: (ctx) => an Outcome that ends the sync, or
// undefined to go on. resolve head -> known commit? (repair drift) -> load + validate -> roll out
// (-> revert). They decide; the reconciler's finish() records.
import type { EnvironmentReason, Reason } from '../reasons/reasons.js';
import { isRuntimeError } from '../runtimes/errors.js';
import type { DesiredState } from '../render/desired-state.js';
import type { Snapshot } from '../source/snapshot.js';
import type { RenderedServer } from '../spec/desired.js';
import { formatSpecError } from '../spec/spec-error.js';
import type { StateStore } from '../state/store.js';
import type { ConvergeDeps, ConvergeOutcome } from './converge.js';
import { StateWriteError } from '../state/state-error.js';
import { errText, short, SyncError, type SyncErrorCode } from './errors.js';
import type { EventBus } from './events.js';
import type { FaultStage } from './faults.js';
import type { Outcome } from './outcome.js';
import type { RenderedCommits } from './rendered-commits.js';
import { toolChanges } from './tool-changes.js';

export type Phase = 'resolving' | 'loading' | 'rolling-out' | 'reverting' | 'repairing';

export interface SyncCtx {
  id: number;
  reason: string;
  force: boolean;
  startedAt: number;
  /** Aborted by a newer commit (rollout, repair) or by stop(). */
  abort: AbortController;
  /** Aborted by stop() only: also cancels a revert (the next start finishes it from inFlight). */
  halt: AbortController;
  phase: Phase;
  head?: string;
  snapshot?: Snapshot;
  desired?: DesiredState;
}

export type Step = (ctx: SyncCtx) => Promise<Outcome | undefined>;

/** Wraps one step of a sync that happens before `sync.started` (fetch: read the head; validate: load, render, validate). */
export type StepObserver = <T>(syncId: number, step: 'fetch' | 'validate', run: () => Promise<T>) => Promise<T>;

export type ConvergeMode = Pick<ConvergeDeps, 'failFast' | 'skip'>;

/** What the steps need from the loop around them. */
export interface StepEnv {
  source: { head(): Promise<string>; snapshot(commit: string): Promise<Snapshot> };
  store: StateStore;
  compile: (snapshot: Snapshot) => DesiredState;
  workdirFor: (snapshot: Snapshot) => Promise<string>;
  events: EventBus;
  rendered: RenderedCommits;
  observe?: StepObserver;
  now: () => number;
  /** The lowest sync id not handed out yet (persisted with inFlight). */
  nextSyncId: () => number;
  converge: (
    desired: RenderedServer[],
    commit: string,
    workdir: string,
    signal: AbortSignal,
    mode: ConvergeMode,
    onWave?: ConvergeDeps['onWave'],
  ) => Promise<ConvergeOutcome>;
  /** What is happening now, for /status. */
  say: (message: string) => void;
  sawHead: (head: string) => void;
  /** A rollout begins: triggers queued while loading may carry a newer head. */
  rollingOut: () => void;
  inBackoff: (server: string) => boolean;
  /** Suspended: 'repair' (put back what drifted from applied) or 'hold' (touch nothing); null = not suspended. */
  held?: () => 'repair' | 'hold' | null;
  /** True once, for the first rollout after the daemon found an interrupted sync at start. */
  takeInterrupted: () => boolean;
}

export class SyncSteps {
  readonly steps: Step[] = [
    (c) => this.resolveHead(c),
    (c) => this.holdIfSuspended(c),
    (c) => this.skipIfKnown(c),
    (c) => this.load(c),
    // suspended while loading: the commit still waits
    (c) => this.holdIfSuspended(c),
    (c) => this.rollout(c),
  ];

  constructor(private readonly env: StepEnv) {}

  /**
   * A step threw: what happens next depends on how far the sync got and whose fault it is. An
   * environment fault (`fault` says which, where it arose) is retried and never blames the commit.
   */
  static fromError(ctx: SyncCtx, e: unknown, fault: (e: unknown, stage: FaultStage) => EnvironmentReason | null): Outcome {
    const message = errText(e);
    const retry = (reason: EnvironmentReason): Outcome => ({ kind: 'error', code: ERROR_CODE[reason], reason, message });
    // the runtime's own outage (engine down, Kubernetes API unreachable) is never the source's
    if (isRuntimeError(e) && e.transient) return retry('RuntimeUnavailable');
    switch (ctx.phase) {
      case 'resolving':
        return retry(fault(e, 'source') ?? 'SourceUnavailable'); // no commit to blame yet
      case 'loading': {
        const env = fault(e, 'source');
        return env
          ? retry(env)
          : { kind: 'result', result: 'failed', reason: 'ValidationFailed', commit: ctx.head!, message: `cannot load ${short(ctx.head!)}: ${message}` };
      }
      case 'repairing': {
        if (e instanceof SyncError)
          return { kind: 'error', code: e.code, reason: e.code === 'DESIRED_UNKNOWN' ? 'ValidationFailed' : 'RuntimeUnavailable', message };
        const env = fault(e, 'runtime');
        return env ? retry(env) : { kind: 'error', code: 'REPAIR_FAILED', reason: 'RuntimeUnavailable', message };
      }
      default: {
        // the machine, not the commit: the retry converges from what is observed
        const env = fault(e, 'runtime');
        if (env) return retry(env);
        // the runtime may hold a mix of commits now: repair from applied
        return {
          kind: 'result',
          result: 'failed',
          reason: 'RolloutFailed',
          commit: ctx.head!,
          message: `${ctx.phase === 'reverting' ? 'revert' : 'rollout'} stopped by an error: ${message}`,
          repair: true,
        };
      }
    }
  }

  private step<T>(ctx: SyncCtx, name: 'fetch' | 'validate', run: () => Promise<T>): Promise<T> {
    return this.env.observe ? this.env.observe(ctx.id, name, run) : run();
  }

  private async resolveHead(ctx: SyncCtx): Promise<Outcome | undefined> {
    ctx.head = await this.step(ctx, 'fetch', () => this.env.source.head());
    this.env.sawHead(ctx.head);
    return undefined;
  }

  /** Suspended: the head was read (and shows in /status), but no new commit is applied; forced or not. */
  private async holdIfSuspended(ctx: SyncCtx): Promise<Outcome | undefined> {
    const held = this.env.held?.() ?? null;
    if (held === null) return undefined;
    return held === 'repair' ? this.repair(ctx) : { kind: 'noop' };
  }

  /** Applied commit, or a failed one not forced: only repair drift. */
  private async skipIfKnown(ctx: SyncCtx): Promise<Outcome | undefined> {
    const st = this.env.store.get();
    if (ctx.force || (ctx.head !== st.applied && ctx.head !== st.failedRevision?.commit)) return undefined;
    return this.repair(ctx);
  }

  private async load(ctx: SyncCtx): Promise<Outcome | undefined> {
    const commit = ctx.head!;
    ctx.phase = 'loading';
    this.env.say(`Loading ${short(commit)}`);
    ctx.desired = await this.step(ctx, 'validate', async () => {
      ctx.snapshot = await this.env.source.snapshot(commit);
      return this.env.compile(ctx.snapshot);
    });
    if (ctx.desired.errors.length === 0) return undefined;
    const errors = ctx.desired.errors.map(formatSpecError);
    // touches nothing of the commit; the repair that follows only puts back what drifted from applied
    return {
      kind: 'result',
      result: 'invalid',
      reason: 'ValidationFailed',
      commit,
      message: `${errors.length} validation error${errors.length === 1 ? '' : 's'}: ${errors[0]}`,
      errors,
      repair: true,
    };
  }

  private async rollout(ctx: SyncCtx): Promise<Outcome | undefined> {
    const commit = ctx.head!;
    const desired = ctx.desired!.servers;
    const workdir = await this.env.workdirFor(ctx.snapshot!);
    // the intent is recorded before anything moves; an unwritable intent means "do not act yet"
    // (a StateWriteError here ends the sync as an environment fault, retried with backoff)
    await this.env.store.update((s) => {
      s.inFlight = { id: ctx.id, commit, startedAt: new Date(ctx.startedAt).toISOString() };
      s.nextSyncId = Math.max(s.nextSyncId, this.env.nextSyncId());
    });
    ctx.phase = 'rolling-out';
    this.env.rollingOut();
    this.env.events.emit({ type: 'sync.started', syncId: ctx.id, commit, reason: ctx.reason });
    await this.restoreStable(ctx, desired);
    if (ctx.abort.signal.aborted)
      return ctx.halt.signal.aborted
        ? { kind: 'halted' }
        : { kind: 'result', result: 'superseded', reason: 'Superseded', commit, message: 'a newer commit arrived while the last good commit was restored' };
    this.env.say(`Applying ${short(commit)}`);
    const out = await this.env.converge(desired, commit, workdir, ctx.abort.signal, { failFast: true }, (i, of, servers) => {
      this.env.say(`Applying ${short(commit)}: wave ${i + 1} of ${of}`);
      this.env.events.emit({ type: 'wave.started', syncId: ctx.id, commit, wave: i + 1, of, servers });
    });
    if (out.cancelled && ctx.halt.signal.aborted) return { kind: 'halted' };
    if (out.cancelled)
      return { kind: 'result', result: 'superseded', reason: 'Superseded', commit, message: 'a newer commit arrived while health gates were waiting' };
    if (out.ok) {
      this.env.rendered.remember({ commit, servers: desired, workdir });
      const n = [...out.outcomes.values()].filter((o) => o.status === 'started').length;
      const changes = toolChanges(this.env.store.get().servers, out);
      return {
        kind: 'result',
        result: 'succeeded',
        reason: 'Synced',
        commit,
        message: `${n} server${n === 1 ? '' : 's'} rolled out, ${out.pruned.length} pruned`,
        ...(changes && { toolChanges: changes }),
        landed: { out, desired, commit, workdir },
      };
    }
    return this.revert(ctx, out);
  }

  /**
   * A canary is judged beside the stable version. After an interrupted sync the stable instance may
   * be gone with the daemon (process runtime: stdio servers die with it) and an ungated canary may
   * be left: the last good commit is put back first, so the canary runs again from its first step
   * beside it and never serves without its judgment.
   */
  private async restoreStable(ctx: SyncCtx, desired: RenderedServer[]): Promise<void> {
    if (!desired.some((d) => d.spec.rollout.strategy === 'canary') || !this.env.takeInterrupted()) return;
    const lastGood = this.env.store.get().lastGood;
    if (lastGood === null) return;
    const good = await this.env.rendered.get(lastGood);
    this.env.say(`Restoring ${short(lastGood)} before the canary of ${short(ctx.head!)}`);
    await this.env.converge(good.servers, lastGood, good.workdir, ctx.abort.signal, { failFast: false });
  }

  /** Puts every server back to the last good commit's spec, whichever commit changed it. */
  private async revert(ctx: SyncCtx, failed: ConvergeOutcome): Promise<Outcome> {
    const commit = ctx.head!;
    const failures = [...failed.outcomes.values()].filter((o) => o.status === 'failed');
    // the wave's other gates were given up because of these failures: name them too, as cancelled
    const cause = failures.map((o) => o.server).join(', ');
    const cancelled = failures.length === 0 ? [] : [...failed.outcomes.values()].filter((o) => o.status === 'cancelled');
    const errors = [
      ...failures.map((o) => o.reason ?? `${o.server}: failed`),
      ...cancelled.map((o) => `${o.server}: ${o.reason ?? 'cancelled'} (${cause} failed in the same wave)`),
    ];
    const reason = errors.join('; ') || 'health gate failed';
    const code: Reason = failures[0]?.code ?? 'RolloutFailed';
    ctx.phase = 'reverting';
    const lastGood = this.env.store.get().lastGood;
    // recorded before anything moves: a crash mid-revert must not retry this commit. If the disk
    // refuses it, the revert still goes on (last good is known and safe); memory holds the
    // failed commit and the write is retried with the outcome's.
    await this.env.store
      .update((s) => {
        s.failedRevision = { commit, reason, at: new Date(this.env.now()).toISOString() };
      })
      .catch((e: unknown) => {
        if (!(e instanceof StateWriteError)) throw e;
      });
    this.env.events.emit({ type: 'revert.started', syncId: ctx.id, from: commit, to: lastGood, reason, code });
    this.env.say(`Reverting ${short(commit)} to ${lastGood ? short(lastGood) : 'nothing (no good commit yet)'}`);
    let good;
    try {
      good = await this.env.rendered.get(lastGood);
    } catch (e) {
      return { kind: 'result', result: 'failed', reason: code, commit, message: `${reason}; cannot revert: ${errText(e)}`, errors, repair: true };
    }
    const out = await this.env.converge(good.servers, lastGood ?? commit, good.workdir, ctx.halt.signal, { failFast: false });
    if (out.cancelled) return { kind: 'halted' };
    const landed = { out, desired: good.servers, commit: lastGood, workdir: good.workdir };
    if (out.ok) return { kind: 'result', result: 'reverted', reason: code, commit, message: reason, errors, landed };
    const why = [...out.outcomes.values()]
      .filter((o) => o.status === 'failed')
      .map((o) => o.reason)
      .join('; ');
    return { kind: 'result', result: 'failed', reason: code, commit, message: `${reason}; revert to last good also failed: ${why}`, errors, landed };
  }

  /** Between syncs: what died, went missing or changed is put back to the applied commit. */
  private async repair(ctx: SyncCtx): Promise<Outcome> {
    ctx.phase = 'repairing';
    const applied = this.env.store.get().applied;
    const good = await this.env.rendered.get(applied);
    const out = await this.env.converge(good.servers, applied ?? 'none', good.workdir, ctx.abort.signal, { failFast: false, skip: this.env.inBackoff });
    if (out.cancelled) return { kind: 'noop' };
    return { kind: 'repaired', landed: { out, desired: good.servers, commit: applied, workdir: good.workdir } };
  }
}

const ERROR_CODE: Readonly<Record<EnvironmentReason, SyncErrorCode>> = {
  SourceUnavailable: 'SOURCE_UNAVAILABLE',
  StateWriteFailed: 'STATE_WRITE_FAILED',
  RuntimeUnavailable: 'RUNTIME_UNAVAILABLE',
};
