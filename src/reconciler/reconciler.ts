// The loop: one sync at a time, triggers coalesced, every sync a list of steps with one signature,
// and its outcome written in one place (finish) whatever the exit path.
import type { Runtime } from '../runtimes/runtime.js';
import type { DesiredState } from '../render/desired-state.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import { formatSpecError } from '../spec/spec-error.js';
import type { Snapshot } from '../source/snapshot.js';
import type { AppliedServer, DaemonState, SyncResult } from '../state/model.js';
import { StateStore } from '../state/store.js';
import { RestartBackoff } from './backoff.js';
import { converge, type ConvergeOutcome, type GateFn } from './converge.js';
import { EventBus, type ReconcileEvent } from './events.js';
import { daemonPhase, type ServerStatus, type StatusView } from './status.js';

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
  /** What /status shows as a server's endpoint (the gateway address once it exists). */
  endpointFor?: (server: DesiredServer) => string | null;
  now?: () => number;
  /** Is this error transient (retry with backoff) rather than a fault of the commit? */
  isTransient?: (e: unknown) => boolean;
}

type Outcome =
  | { kind: 'result'; result: SyncResult; commit: string; message: string; errors?: string[]; servers?: ConvergeOutcome; desired?: RenderedServer[] }
  | { kind: 'noop' }
  | { kind: 'error'; reason: string; message: string };

interface SyncCtx {
  id: number;
  reason: string;
  force: boolean;
  startedAt: number;
  abort: AbortController;
  head?: string;
  snapshot?: Snapshot;
  desired?: DesiredState;
  phase: 'resolving' | 'rolling-out' | 'reverting';
}

type Step = (ctx: SyncCtx) => Promise<Outcome | undefined>;

const SOURCE_RETRY_MIN_MS = 1000;
const SOURCE_RETRY_MAX_MS = 60_000;

export class Reconciler {
  readonly events: EventBus;
  private readonly now: () => number;
  private readonly backoff: RestartBackoff;
  private readonly serverStatus = new Map<string, ServerStatus>();
  private readonly serving = new Map<string, string>();
  private pending: { reasons: Set<string>; force: boolean } | null = null;
  private running: Promise<void> | null = null;
  private current: SyncCtx | null = null;
  private started = false;
  private stopped = false;
  private head: string | null = null;
  private message = 'starting';
  private lastError: StatusView['lastError'] = null;
  private appliedDesired: RenderedServer[] = [];
  private lastGoodDesired: RenderedServer[] = [];
  private timers = new Set<NodeJS.Timeout>();
  private sourceFailures = 0;
  private unsubscribeExit: (() => void) | undefined;
  private readonly steps: Step[] = [(c) => this.resolveHead(c), (c) => this.skipIfKnown(c), (c) => this.load(c), (c) => this.rollout(c)];

  constructor(private readonly deps: ReconcilerDeps) {
    this.events = deps.events ?? new EventBus();
    this.now = deps.now ?? Date.now;
    this.backoff = new RestartBackoff(this.now);
  }

  /** Re-adopts what runs, recovers an interrupted sync, then starts polling. */
  async start(): Promise<void> {
    const st = this.deps.store.get();
    for (const rec of Object.values(st.servers)) this.setServer(rec.name, { ...this.fromRecord(rec), message: 'adopted from a previous run' });
    this.unsubscribeExit = this.deps.runtime.onExit((info) => this.onInstanceExit(info.id, info.server, info.message));
    if (st.inFlight) {
      const interrupted = st.inFlight;
      await this.deps.store.update((s) => {
        StateStore.pushHistory(s, { id: interrupted.id, commit: interrupted.commit, result: 'failed', startedAt: interrupted.startedAt, finishedAt: new Date(this.now()).toISOString(), message: 'interrupted: the daemon stopped during this sync; converging to the applied commit' });
        s.inFlight = null;
      });
    }
    this.appliedDesired = await this.desiredOf(st.applied);
    this.lastGoodDesired = st.lastGood === st.applied ? this.appliedDesired : await this.desiredOf(st.lastGood);
    this.every(this.deps.intervalMs, () => this.requestSync('poll'));
    this.requestSync('start');
  }

  /** Queues a sync; bursts coalesce into one. Returns the id the sync will have. */
  requestSync(reason: string, force = false): number {
    if (this.stopped) return -1;
    this.pending = this.pending ? { reasons: this.pending.reasons.add(reason), force: this.pending.force || force } : { reasons: new Set([reason]), force };
    if (this.running) {
      void this.checkSupersede();
    } else {
      this.running = this.drain().finally(() => { this.running = null; });
    }
    return this.deps.store.get().nextSyncId + (this.current ? 1 : 0);
  }

  /** Resolves once no sync is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.current?.abort.abort();
    this.unsubscribeExit?.();
    await this.idle();
  }

  status(): StatusView {
    const state = this.deps.store.get();
    const servers = [...this.serverStatus.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    return {
      phase: daemonPhase({ started: this.started, syncing: this.current !== null && this.current.phase !== 'resolving', state, head: this.head, servers }),
      message: this.message,
      revision: { head: this.head, applied: state.applied, lastGood: state.lastGood },
      failedRevision: state.failedRevision,
      lastError: this.lastError,
      servers,
      history: state.history,
    };
  }

  get ready(): boolean {
    return this.started;
  }

  // ---- the queue -------------------------------------------------------------------------

  private async drain(): Promise<void> {
    while (this.pending && !this.stopped) {
      const p = this.pending;
      this.pending = null;
      await this.runSync([...p.reasons].join(','), p.force);
    }
  }

  private async checkSupersede(): Promise<void> {
    const cur = this.current;
    if (!cur || cur.phase !== 'rolling-out') return;
    try {
      const head = await this.deps.source.head();
      if (this.current === cur && cur.phase === 'rolling-out' && head !== cur.head) {
        this.deps.logger.info({ commit: cur.head, newer: head }, 'newer commit supersedes the running sync');
        cur.abort.abort();
      }
    } catch { /* the next sync reports source errors */ }
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.add(t);
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    t.unref();
    this.timers.add(t);
  }

  // ---- one sync ----------------------------------------------------------------------------

  private async runSync(reason: string, force: boolean): Promise<void> {
    const ctx: SyncCtx = { id: this.deps.store.get().nextSyncId, reason, force, startedAt: this.now(), abort: new AbortController(), phase: 'resolving' };
    this.current = ctx;
    let outcome: Outcome = { kind: 'noop' };
    try {
      for (const step of this.steps) {
        const o = await step(ctx);
        if (o) { outcome = o; break; }
      }
    } catch (e) {
      outcome = this.isTransient(e)
        ? { kind: 'error', reason: 'TransientError', message: errText(e) }
        : { kind: 'result', result: 'failed', commit: ctx.head ?? 'unknown', message: errText(e) };
    } finally {
      await this.finish(ctx, outcome);
      this.current = null;
    }
  }

  private isTransient(e: unknown): boolean {
    return this.deps.isTransient?.(e) ?? false;
  }

  private async resolveHead(ctx: SyncCtx): Promise<Outcome | undefined> {
    try {
      ctx.head = await this.deps.source.head();
      this.head = ctx.head;
      this.sourceFailures = 0;
      return undefined;
    } catch (e) {
      return { kind: 'error', reason: 'SourceUnavailable', message: errText(e) };
    }
  }

  /** Known commit (applied, or failed and not forced): only repair drift. */
  private async skipIfKnown(ctx: SyncCtx): Promise<Outcome | undefined> {
    const st = this.deps.store.get();
    const failed = st.failedRevision?.commit === ctx.head;
    if (ctx.force || (ctx.head !== st.applied && !failed)) return undefined;
    await this.repairDrift(st);
    return { kind: 'noop' };
  }

  private async load(ctx: SyncCtx): Promise<Outcome | undefined> {
    const commit = ctx.head!;
    this.message = `Loading ${short(commit)}`;
    ctx.snapshot = await this.deps.source.snapshot(commit);
    ctx.desired = this.deps.compile(ctx.snapshot);
    if (ctx.desired.errors.length === 0) return undefined;
    const errors = ctx.desired.errors.map(formatSpecError);
    return { kind: 'result', result: 'invalid', commit, message: `${errors.length} validation error${errors.length === 1 ? '' : 's'}: ${errors[0]}`, errors };
  }

  private async rollout(ctx: SyncCtx): Promise<Outcome | undefined> {
    const commit = ctx.head!;
    const desired = ctx.desired!.servers;
    await this.deps.store.update((s) => { s.inFlight = { id: ctx.id, commit, startedAt: new Date(ctx.startedAt).toISOString() }; s.nextSyncId = Math.max(s.nextSyncId, ctx.id + 1); });
    this.events.emit({ type: 'sync.started', syncId: ctx.id, commit, reason: ctx.reason });
    ctx.phase = 'rolling-out';
    this.message = `Applying ${short(commit)}`;
    const workdir = await this.deps.workdirFor(ctx.snapshot!);
    const result = await this.convergeTo(desired, commit, workdir, ctx.abort.signal, (i, of) => {
      this.message = `Applying ${short(commit)}: wave ${i + 1} of ${of}`;
      this.events.emit({ type: 'wave.started', syncId: ctx.id, commit, wave: i + 1, of, servers: desired.map((d) => d.spec.name) });
    });
    if (result.cancelled) return { kind: 'result', result: 'superseded', commit, message: 'a newer commit arrived while health gates were waiting', servers: result };
    if (result.ok) {
      const n = [...result.outcomes.values()].filter((o) => o.status === 'started').length;
      return { kind: 'result', result: 'succeeded', commit, message: `${n} server${n === 1 ? '' : 's'} rolled out, ${result.pruned.length} pruned`, servers: result, desired };
    }
    return this.revert(ctx, result);
  }

  private async revert(ctx: SyncCtx, failed: ConvergeOutcome): Promise<Outcome> {
    const commit = ctx.head!;
    const reasons = [...failed.outcomes.values()].filter((o) => o.status === 'failed').map((o) => o.reason ?? `${o.server}: failed`);
    const reason = reasons.join('; ') || 'health gate failed';
    ctx.phase = 'reverting';
    const st = this.deps.store.get();
    await this.deps.store.update((s) => { s.failedRevision = { commit, reason, at: new Date(this.now()).toISOString() }; });
    this.events.emit({ type: 'revert.started', syncId: ctx.id, from: commit, to: st.lastGood, reason });
    this.message = `Reverting ${short(commit)} to ${st.lastGood ? short(st.lastGood) : 'nothing (no good commit yet)'}`;
    const snapshot = st.lastGood ? await this.deps.source.snapshot(st.lastGood) : undefined;
    const workdir = snapshot ? await this.deps.workdirFor(snapshot) : '';
    const back = await this.convergeTo(this.lastGoodDesired, st.lastGood ?? commit, workdir, new AbortController().signal);
    if (!back.ok) {
      const why = [...back.outcomes.values()].filter((o) => o.status === 'failed').map((o) => o.reason).join('; ');
      return { kind: 'result', result: 'failed', commit, message: `${reason}; revert to last good also failed: ${why}`, errors: reasons, servers: back, desired: this.lastGoodDesired };
    }
    return { kind: 'result', result: 'reverted', commit, message: reason, errors: reasons, servers: back, desired: this.lastGoodDesired };
  }

  private convergeTo(desired: RenderedServer[], commit: string, workdir: string, signal: AbortSignal, onWave?: (i: number, of: number) => void, repair?: { skip: (s: string) => boolean }): Promise<ConvergeOutcome> {
    return converge(desired, {
      runtime: this.deps.runtime, gate: this.deps.gate, commit, workdir, signal, sharedPorts: this.deps.sharedPorts,
      emit: (e) => this.onEvent(e), now: this.now, ...(onWave && { onWave }), ...(repair && { repair }),
    });
  }

  // ---- drift -------------------------------------------------------------------------------

  private async repairDrift(st: DaemonState): Promise<void> {
    if (st.applied === null || this.appliedDesired.length === 0 && Object.keys(st.servers).length === 0) {
      if (st.applied === null) await this.convergeTo([], 'none', '', new AbortController().signal);
      return;
    }
    const snapshot = await this.deps.source.snapshot(st.applied);
    const workdir = await this.deps.workdirFor(snapshot);
    const out = await this.convergeTo(this.appliedDesired, st.applied, workdir, new AbortController().signal, undefined, { skip: (s) => this.backoff.waitFor(s) > 0 });
    const changed = [...out.outcomes.values()].filter((o) => o.status === 'started' || o.status === 'failed');
    if (changed.length > 0 || out.pruned.length > 0) {
      await this.deps.store.update((s) => {
        for (const o of out.outcomes.values()) {
          if (o.status !== 'started') continue;
          const d = this.appliedDesired.find((x) => x.spec.name === o.server)!;
          s.servers[o.server] = this.record(d, st.applied!, o.tools?.map((t) => t.name) ?? []);
          this.events.emit({ type: 'drift.repaired', server: o.server, why: 'instance was missing, exited or changed out of band' });
        }
        for (const name of out.pruned) delete s.servers[name];
      });
    }
    for (const o of out.outcomes.values()) {
      if (o.status === 'started') this.backoff.started(o.server);
      if (o.status === 'failed') this.onInstanceExit('', o.server, o.reason ?? 'failed its health gate', true);
    }
    this.refreshServers(out, this.appliedDesired, st.applied);
    this.scheduleBackoffRetries(out);
  }

  private scheduleBackoffRetries(out: ConvergeOutcome): void {
    for (const o of out.outcomes.values()) {
      if (o.status !== 'skipped') continue;
      this.after(this.backoff.waitFor(o.server) + 10, () => this.requestSync('backoff'));
    }
  }

  private onInstanceExit(id: string, server: string, message: string, gateFailure = false): void {
    if (!gateFailure && this.serving.get(server) !== id) return; // a new instance failing its gate: the gate reports it
    this.serving.delete(server);
    const rec = this.backoff.crashed(server, message);
    const retry = Math.round(this.backoff.waitFor(server) / 1000);
    const prev = this.serverStatus.get(server);
    this.setServer(server, {
      ...(prev ?? this.blankServer(server)), phase: 'Failed', health: 'Unhealthy', restarts: rec.failures,
      message: `${message}; restarting in ${retry}s (CrashLoopBackOff, ${rec.failures} restart${rec.failures === 1 ? '' : 's'})`,
    });
    this.events.emit({ type: 'server.crashed', server, message, restarts: rec.failures, retryInSeconds: retry });
    this.after(this.backoff.waitFor(server) + 10, () => this.requestSync('drift'));
  }

  // ---- outcome: written in one place -------------------------------------------------------

  private async finish(ctx: SyncCtx, outcome: Outcome): Promise<void> {
    const firstDone = !this.started;
    if (outcome.kind === 'error') {
      this.lastError = { reason: outcome.reason, message: outcome.message, at: new Date(this.now()).toISOString() };
      this.events.emit({ type: 'source.error', message: outcome.message });
      this.deps.logger.warn({ reason: outcome.reason, err: outcome.message }, 'sync could not run; will retry');
      const delay = Math.min(SOURCE_RETRY_MIN_MS * 2 ** this.sourceFailures++, SOURCE_RETRY_MAX_MS);
      this.after(delay, () => this.requestSync('retry'));
      this.message = `Waiting to retry: ${outcome.message}`;
    } else if (outcome.kind === 'noop') {
      this.lastError = null;
      if (!this.message.startsWith('Waiting')) this.message = this.idleMessage();
    } else {
      this.lastError = null;
      await this.recordResult(ctx, outcome);
    }
    if (firstDone && outcome.kind !== 'error') this.started = true;
    if (firstDone && outcome.kind === 'error') this.started = this.deps.store.get().applied !== null;
  }

  private async recordResult(ctx: SyncCtx, o: Extract<Outcome, { kind: 'result' }>): Promise<void> {
    const at = new Date(this.now()).toISOString();
    const durationSeconds = (this.now() - ctx.startedAt) / 1000;
    const st = this.deps.store.get();
    const target = o.result === 'succeeded' ? o.commit : st.lastGood;
    await this.deps.store.update((s) => {
      StateStore.pushHistory(s, { id: ctx.id, commit: o.commit, result: o.result, startedAt: new Date(ctx.startedAt).toISOString(), finishedAt: at, message: o.message, ...(o.errors && { errors: o.errors }) });
      s.nextSyncId = Math.max(s.nextSyncId, ctx.id + 1);
      s.inFlight = null;
      if (o.result === 'succeeded') {
        s.applied = o.commit;
        s.lastGood = o.commit;
        s.failedRevision = null;
      } else if (o.result === 'invalid') {
        s.failedRevision = { commit: o.commit, reason: o.message, at };
      } else if (o.result === 'reverted' || o.result === 'failed') {
        s.failedRevision ??= { commit: o.commit, reason: o.message, at };
        s.applied = s.lastGood;
      }
      if (o.servers && o.desired && target) {
        const names = new Set(o.desired.map((d) => d.spec.name));
        for (const name of Object.keys(s.servers)) if (!names.has(name)) delete s.servers[name];
        for (const d of o.desired) {
          const out = o.servers.outcomes.get(d.spec.name);
          if (out?.status === 'started') s.servers[d.spec.name] = this.record(d, target, out.tools?.map((t) => t.name) ?? []);
        }
      } else if (o.servers && o.result !== 'superseded' && target === null) {
        s.servers = {};
      }
    });
    if (o.result === 'succeeded') {
      this.appliedDesired = o.desired ?? [];
      this.lastGoodDesired = this.appliedDesired;
    }
    if (o.servers && o.result !== 'superseded') this.refreshServers(o.servers, o.desired ?? [], target);
    const level = o.result === 'succeeded' ? 'info' : 'warn';
    this.deps.logger[level]({ syncId: ctx.id, commit: o.commit, result: o.result, durationSeconds }, `sync ${o.result}: ${o.message}`);
    this.events.emit({ type: 'sync.finished', syncId: ctx.id, commit: o.commit, result: o.result, message: o.message, durationSeconds });
    this.message = o.result === 'succeeded' || o.result === 'superseded' ? this.idleMessage() : `${o.result === 'invalid' ? 'Invalid' : 'Reverted'} ${short(o.commit)}: ${o.message}`;
  }

  private idleMessage(): string {
    const st = this.deps.store.get();
    return st.applied ? `Synced to ${short(st.applied)}` : 'Nothing applied yet';
  }

  // ---- server status ----------------------------------------------------------------------

  private record(d: RenderedServer, commit: string, tools: string[]): AppliedServer {
    return { name: d.spec.name, version: d.masked.version, commit, specHash: d.specHash, deployedAt: new Date(this.now()).toISOString(), tools, ...(d.spec.port !== undefined && { port: d.spec.port }) };
  }

  private blankServer(name: string): ServerStatus {
    return { name, version: '', commit: null, phase: 'Pending', health: 'Unknown', endpoint: null, deployedAt: null, message: '', tools: [], restarts: 0 };
  }

  private fromRecord(rec: AppliedServer): ServerStatus {
    return { ...this.blankServer(rec.name), version: rec.version, commit: rec.commit, phase: 'Running', health: 'Healthy', deployedAt: rec.deployedAt, tools: rec.tools ?? [] };
  }

  private setServer(name: string, s: ServerStatus): void {
    this.serverStatus.set(name, s);
  }

  /** After a converge: each desired server's status from its record and outcome; others go. */
  private refreshServers(out: ConvergeOutcome, desired: RenderedServer[], _commit: string | null): void {
    const records = this.deps.store.get().servers;
    const names = new Set(desired.map((d) => d.spec.name));
    for (const name of [...this.serverStatus.keys()]) if (!names.has(name)) this.serverStatus.delete(name);
    for (const d of desired) {
      const o = out.outcomes.get(d.spec.name);
      const rec = records[d.spec.name];
      if (o?.instanceId && (o.status === 'started' || o.status === 'kept')) this.serving.set(d.spec.name, o.instanceId);
      if (o?.status === 'started' || o?.status === 'kept') {
        const base = rec ? this.fromRecord(rec) : this.blankServer(d.spec.name);
        const restarts = this.backoff.get(d.spec.name)?.failures ?? 0;
        this.setServer(d.spec.name, { ...base, endpoint: this.deps.endpointFor?.(d.spec) ?? null, phase: 'Running', health: 'Healthy', message: o.status === 'started' ? 'passed its health gate' : (this.serverStatus.get(d.spec.name)?.phase === 'Running' ? this.serverStatus.get(d.spec.name)!.message : 'running'), restarts });
      }
    }
  }

  private onEvent(e: ReconcileEvent): void {
    this.events.emit(e);
    if (e.type === 'server.starting') {
      const prev = this.serverStatus.get(e.server) ?? this.blankServer(e.server);
      this.setServer(e.server, { ...prev, phase: prev.phase === 'Running' ? 'Running' : 'Progressing', message: `starting ${e.version} from ${short(e.commit)}` });
    } else if (e.type === 'gate.failed') {
      const prev = this.serverStatus.get(e.server) ?? this.blankServer(e.server);
      this.setServer(e.server, { ...prev, phase: 'Failed', health: 'Unhealthy', message: e.reason });
    } else if (e.type === 'gate.passed') {
      const prev = this.serverStatus.get(e.server) ?? this.blankServer(e.server);
      this.setServer(e.server, { ...prev, tools: e.tools, message: `passed its health gate in ${e.seconds.toFixed(1)}s` });
    }
  }

  private async desiredOf(commit: string | null): Promise<RenderedServer[]> {
    if (commit === null) return [];
    try {
      const d = this.deps.compile(await this.deps.source.snapshot(commit));
      if (d.errors.length > 0) throw new Error(d.errors.map(formatSpecError).join('\n'));
      return d.servers;
    } catch (e) {
      this.deps.logger.error({ commit, err: errText(e) }, 'cannot render a recorded commit; drift repair waits for the next good commit');
      return [];
    }
  }
}

function short(sha: string): string {
  return sha.slice(0, 7);
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
