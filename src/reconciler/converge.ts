// The rollout, declarative: make the runtime run exactly `desired`. It observes once, asks the plan
// (src/plan: the one decision, also shown by `mcp-gitops plan` and GET /plan) what to do per server,
// and does exactly that, wave by wave: a kept instance serves; one with the desired spec that never
// passed a gate (left by a daemon that crashed mid-gate) is gated in place; others get a new instance
// (blue-green: beside the old one; recreate: after removing it) that must pass its gate. Old
// instances are removed only once every gate of the whole set passed, so a revert of a blue-green
// change just drops the new instances. Used for syncs, reverts, crash recovery and drift repair alike.
// The gateway follows: an instance serves new sessions as soon as it passed its gate (or is kept),
// and one that served is drained before it is removed.
import { setMaxListeners } from 'node:events';
import type { ActiveInstance, GatewayRouter } from '../gateway/router.js';
import { GATE_FAILURE_REASONS, type GateResult, type GateTool } from '../health/index.js';
import { isWaitingReason, type Reason } from '../reasons/reasons.js';
import { isRuntimeError } from '../runtimes/errors.js';
import type { Instance, Runtime } from '../runtimes/runtime.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import type { ToolSurface } from '../tools/surface.js';
import { afterWaves } from '../plan/after-waves.js';
import { plan, type ObservedInstance, type Plan, type ServerStep } from '../plan/plan.js';
import { canaryRollout } from './canary-rollout.js';
import { CanaryRuns } from './canary-runs.js';
import type { EventSink } from './events.js';
import type { Leaving, Retirements } from './retirements.js';

/** `workdir`: the commit's --path tree (the cwd of command health checks). */
export type GateFn = (o: { instanceId: string; server: DesiredServer; signal: AbortSignal; workdir?: string }) => Promise<GateResult>;

export interface ConvergeDeps {
  runtime: Runtime;
  gate: GateFn;
  commit: string;
  workdir: string;
  signal: AbortSignal;
  /** Instances of one server share host ports: blue-green on an unchanged port must recreate. */
  sharedPorts: boolean;
  emit: EventSink;
  /** Where new sessions go (the gateway); none = nothing routes to instances. */
  router?: GatewayRouter;
  /** Instances on their way out; draining ones are invisible to converge. */
  retirements: Retirements;
  /** The tools an instance showed when it passed a gate (now or earlier); null = never gated: gate it. */
  verified: (instance: Instance) => GateTool[] | null;
  /** The tool surface a verified instance was approved with (its gate, now or on record), if known. */
  approvedSurface?: (instance: Instance) => ToolSurface | undefined;
  /**
   * true (a sync): the first failed gate cancels the wave's other gates and stops; nothing is pruned.
   * false (revert, drift repair): keep going past failures, then prune what is safe to prune.
   */
  failFast: boolean;
  /** A runtime error that retrying may cure: it ends the converge instead of failing the server. */
  isTransient?: (e: unknown) => boolean;
  /** Servers not to start now (restart backoff). */
  skip?: (server: string) => boolean;
  onWave?: (index: number, of: number, servers: string[]) => void;
  now?: () => number;
  /** Canaries running now (their step for /status, a person's promote / abort). */
  canaries?: CanaryRuns;
  /** The version an instance runs, when known (what a canary is judged against). */
  versionOf?: (i: Instance) => string | undefined;
}

export interface ServerOutcome {
  server: string;
  /** started = an instance passed its gate now; kept = an instance that passed one before runs already. */
  status: 'started' | 'kept' | 'failed' | 'skipped' | 'cancelled';
  instance?: Pick<Instance, 'id' | 'startedAt' | 'labels'>;
  reason?: string;
  /** Why it failed, from the status vocabulary (failed only). */
  code?: Reason;
  tools?: GateTool[];
  /** Its tool surface as approved at its gate (started: now; kept: earlier), when known. */
  surface?: ToolSurface;
  /** How long the gate took, and when it passed (started only). */
  seconds?: number;
  passedAt?: string;
  /** spec.replicas > 1: every replica's instance that serves (`instance` is replica 0's). */
  replicas?: { index: number; id: string; startedAt: string }[];
}

export interface ConvergeOutcome {
  ok: boolean;
  cancelled: boolean;
  outcomes: Map<string, ServerOutcome>;
  /** Servers whose instances were removed because they are no longer desired. */
  pruned: string[];
}

function portOf(i: Pick<Instance, 'endpoint'>): number | undefined {
  return i.endpoint.kind === 'http' ? Number(new URL(i.endpoint.url).port) || undefined : undefined;
}

/** What the plan needs to know of an instance. */
function observed(i: Instance, deps: Pick<PlanInputs, 'verified' | 'versionOf'>): ObservedInstance {
  const port = portOf(i);
  const version = deps.versionOf?.(i);
  return {
    id: i.id,
    server: i.labels.server,
    specHash: i.labels.specHash,
    commit: i.labels.commit,
    state: i.state,
    startedAt: i.startedAt,
    verified: deps.verified(i) !== null,
    ...(port !== undefined && { port }),
    ...(i.message !== undefined && { message: i.message }),
    ...(version !== undefined && { version }),
    ...(i.labels.replica !== undefined && i.labels.replica > 0 && { replica: i.labels.replica }),
  };
}

function removeInstance(deps: ConvergeDeps, inst: Leaving, why: string): Promise<void> {
  return deps.retirements.now(inst, why);
}

function pick(inst: Instance): Pick<Instance, 'id' | 'startedAt' | 'labels'> {
  return { id: inst.id, startedAt: inst.startedAt, labels: inst.labels };
}

function activeOf(deps: ConvergeDeps, inst: Instance, d: RenderedServer, surface: ToolSurface | undefined): ActiveInstance {
  return {
    id: inst.id,
    endpoint: inst.endpoint,
    server: d,
    ctx: { commit: inst.labels.commit, workdir: deps.workdir },
    ...(surface && { approvedSurface: surface }),
  };
}

function serves(deps: ConvergeDeps, inst: Instance, d: RenderedServer, surface: ToolSurface | undefined): void {
  deps.router?.setActive(inst.labels.server, activeOf(deps, inst, d, surface));
}

/**
 * Gates `inst`; on failure removes it (unless the caller cancelled a gate of an instance it did not
 * start). `route`: once it passed, new sessions go to it (none: a canary, whose share is set by its steps).
 */
async function gateInstance(d: RenderedServer, inst: Instance, deps: ConvergeDeps, signal: AbortSignal, fresh: boolean, route?: Route): Promise<ServerOutcome> {
  const name = d.spec.name;
  const t0 = (deps.now ?? Date.now)();
  const result = await deps.gate({ instanceId: inst.id, server: d.spec, signal, workdir: deps.workdir });
  const t1 = (deps.now ?? Date.now)();
  const seconds = (t1 - t0) / 1000;
  if (result.ok) {
    route?.(inst, d, result.surface);
    deps.emit({ type: 'gate.passed', server: name, commit: deps.commit, instanceId: inst.id, tools: result.tools.map((t) => t.name), seconds });
    return {
      server: name,
      status: 'started',
      instance: pick(inst),
      tools: result.tools,
      surface: result.surface,
      seconds,
      passedAt: new Date(t1).toISOString(),
    };
  }
  if (result.code === 'cancelled') {
    if (fresh) await removeInstance(deps, inst, 'cancelled');
    return { server: name, status: 'cancelled', reason: result.reason };
  }
  await removeInstance(deps, inst, 'gate failed');
  const reason = `${name}: ${result.reason}`;
  const code = GATE_FAILURE_REASONS[result.code];
  deps.emit({ type: 'gate.failed', server: name, commit: deps.commit, reason, code, seconds });
  return { server: name, status: 'failed', reason, code };
}

/** A start failure's reason: the runtime's own word when it is one of ours (ImagePullBackOff...), else StartFailed. */
function startFailureReason(e: unknown): Reason {
  const said = isRuntimeError(e) ? e.data.reason : undefined;
  return isWaitingReason(said) ? said : 'StartFailed';
}

/** One step's outcome, and (several replicas) what serves once every replica of the server passed. */
interface Rolled {
  outcome: ServerOutcome;
  replica: number;
  serve?: ActiveInstance;
}

type Route = (inst: Instance, d: RenderedServer, surface: ToolSurface | undefined) => void;

/**
 * Carries out one step of the plan. A server with one replica serves as soon as its gate passed;
 * with several, the caller routes the whole set once every replica passed (mergeReplicas).
 */
async function rollOne(step: ServerStep, byId: ReadonlyMap<string, Instance>, deps: ConvergeDeps, signal: AbortSignal): Promise<Rolled> {
  const replica = step.replica ?? 0;
  if (step.replica === undefined) return { outcome: await stepOutcome(step, byId, deps, signal, (i, d, s) => serves(deps, i, d, s)), replica };
  let serve: ActiveInstance | undefined;
  const outcome = await stepOutcome(step, byId, deps, signal, (i, d, s) => (serve = activeOf(deps, i, d, s)));
  return { outcome, replica, ...(serve && { serve }) };
}

async function stepOutcome(
  step: ServerStep,
  byId: ReadonlyMap<string, Instance>,
  deps: ConvergeDeps,
  signal: AbortSignal,
  route: Route,
): Promise<ServerOutcome> {
  const { server: name, desired: d } = step;
  const inst = step.instance === undefined ? undefined : byId.get(step.instance);
  switch (step.action) {
    case 'keep': {
      const surface = deps.approvedSurface?.(inst!);
      route(inst!, d, surface);
      return { server: name, status: 'kept', instance: pick(inst!), tools: deps.verified(inst!) ?? [], ...(surface && { surface }) };
    }
    case 'skip':
      return { server: name, status: 'skipped' };
    case 'verify':
      deps.emit({ type: 'server.verifying', server: name, commit: deps.commit, instanceId: inst!.id });
      return gateInstance(d, inst!, deps, signal, false, route);
    default:
      break;
  }
  for (const id of step.remove)
    await removeInstance(deps, byId.get(id)!, step.action === 'recreate' ? 'recreate' : step.canary ? 'canary left by an earlier run' : 'exited');
  // a canary is judged beside the stable instance, which serves every new session until its first step
  const stable = step.canary ? byId.get(step.canary.stable) : undefined;
  if (stable) deps.router?.setActive(name, { id: stable.id, endpoint: stable.endpoint });
  // an instance still draining on the port this one needs: its sessions end now
  const port = step.freePort;
  if (port !== undefined) await deps.retirements.cut((i) => portOf(i) === port);
  if (signal.aborted) return { server: name, status: 'cancelled', reason: 'cancelled before start' };
  let started: Instance;
  try {
    started = await deps.runtime.start(d, {
      commit: deps.commit,
      workdir: deps.workdir,
      signal,
      onWaiting: (w) => deps.emit({ type: 'server.waiting', server: name, commit: deps.commit, ...w }),
      ...(step.replica !== undefined && step.replica > 0 && { replica: step.replica }),
    });
  } catch (e) {
    if (signal.aborted) return { server: name, status: 'cancelled', reason: 'cancelled while starting' };
    if (deps.isTransient?.(e)) throw e; // the engine, not the commit: retried with backoff, never reverted
    const reason = `${name}: failed to start: ${e instanceof Error ? e.message : String(e)}`;
    const code = startFailureReason(e);
    deps.emit({ type: 'gate.failed', server: name, commit: deps.commit, reason, code, seconds: 0 });
    return { server: name, status: 'failed', reason, code };
  }
  deps.emit({ type: 'server.starting', server: name, commit: deps.commit, version: d.masked.version, instanceId: started.id });
  if (!stable) return gateInstance(d, started, deps, signal, true, route);
  const gated = await gateInstance(d, started, deps, signal, true);
  if (gated.status !== 'started') return gated;
  return canaryRollout(
    d,
    started,
    stable,
    gated,
    {
      ...(deps.router && { router: deps.router }),
      emit: deps.emit,
      runs: deps.canaries ?? new CanaryRuns(),
      retirements: deps.retirements,
      commit: deps.commit,
      workdir: deps.workdir,
      now: deps.now ?? Date.now,
      stableVersion: deps.versionOf?.(stable) ?? null,
    },
    signal,
  );
}

/** What deciding a plan takes; converge passes its own deps, a preview the same from elsewhere. */
export interface PlanInputs {
  runtime: Pick<Runtime, 'observe'>;
  verified: ConvergeDeps['verified'];
  sharedPorts: boolean;
  skip?: ConvergeDeps['skip'];
  /** Instances draining on their way out: invisible to the plan. */
  retiring?: (id: string) => boolean;
  /** The version of an instance's spec, when known (for display). */
  versionOf?: (i: Instance) => string | undefined;
  /** Instances that are not the rollout's (the gateway's isolated-session instances): invisible to the plan. */
  owns?: (i: Instance) => boolean;
}

/** The plan converge executes: decided once, against what runs now. GET /plan and `plan --live` call it too. */
export async function planNow(desired: readonly RenderedServer[], deps: PlanInputs): Promise<{ plan: Plan; instances: Instance[] }> {
  const instances = (await deps.runtime.observe()).filter((i) => !deps.retiring?.(i.id) && !deps.owns?.(i));
  const p = plan(
    desired,
    instances.map((i) => observed(i, deps)),
    { sharedPorts: deps.sharedPorts, ...(deps.skip && { inBackoff: deps.skip }) },
  );
  return { plan: p, instances };
}

export async function converge(desired: readonly RenderedServer[], deps: ConvergeDeps): Promise<ConvergeOutcome> {
  const { plan: p, instances } = await planNow(desired, { ...deps, retiring: (id) => deps.retirements.has(id), owns: (i) => deps.router?.owns?.(i) ?? false });
  const byId = new Map(instances.map((i) => [i.id, i]));
  const outcomes = new Map<string, ServerOutcome>();
  for (const [i, steps] of p.waves.entries()) {
    if (deps.signal.aborted) return { ok: false, cancelled: true, outcomes, pruned: [] };
    const todo = [...new Set(steps.filter((s) => s.action !== 'keep').map((s) => s.server))];
    if (todo.length > 0) deps.onWave?.(i, p.waves.length, todo);
    // fail fast: the first failure cancels the wave's other gates (a revert follows anyway)
    const wave = new AbortController();
    const signal = AbortSignal.any([deps.signal, wave.signal]);
    setMaxListeners(0, signal); // one listener per gate of the wave, however wide it is
    const settled = await Promise.allSettled(
      byServer(steps).map(async (group) => {
        const rolled = await Promise.all(
          group.map(async (step) => {
            try {
              const r = await rollOne(step, byId, deps, signal);
              if (r.outcome.status === 'failed' && deps.failFast) wave.abort();
              return r;
            } catch (e) {
              wave.abort(); // no gate of this wave may outlive the converge
              throw e;
            }
          }),
        );
        return mergeReplicas(rolled, deps);
      }),
    );
    const thrown = settled.find((r) => r.status === 'rejected');
    if (thrown) throw thrown.reason;
    const results = settled.map((r) => (r as PromiseFulfilledResult<ServerOutcome>).value);
    for (const r of results) outcomes.set(r.server, r);
    if (deps.signal.aborted) return { ok: false, cancelled: true, outcomes, pruned: [] };
    if (deps.failFast && results.some((r) => r.status !== 'started' && r.status !== 'kept')) {
      return { ok: false, cancelled: false, outcomes, pruned: [] };
    }
  }
  const pruned = await prune(desired, outcomes, deps);
  const ok = [...outcomes.values()].every((o) => o.status === 'started' || o.status === 'kept');
  return { ok, cancelled: false, outcomes, pruned };
}

/** A wave's steps, one group per server (its replicas), in the order of the wave. */
function byServer(steps: readonly ServerStep[]): ServerStep[][] {
  const groups = new Map<string, ServerStep[]>();
  for (const s of steps) groups.set(s.server, [...(groups.get(s.server) ?? []), s]);
  return [...groups.values()];
}

/**
 * One server's outcome from its replicas': a failed replica fails the server (the rollout reverts
 * as for one instance), a cancelled or held one leaves it so; once every replica serves, the whole
 * set serves new sessions at once (blue-green cuts over set to set).
 */
function mergeReplicas(rolled: readonly Rolled[], deps: ConvergeDeps): ServerOutcome {
  if (rolled.length === 1 && rolled[0].serve === undefined) return rolled[0].outcome;
  const of = rolled.length;
  const failed = rolled.find((r) => r.outcome.status === 'failed');
  if (failed) return { ...failed.outcome, reason: `${failed.outcome.reason ?? failed.outcome.server} (replica ${failed.replica} of ${of})` };
  const cancelled = rolled.find((r) => r.outcome.status === 'cancelled');
  if (cancelled) return cancelled.outcome;
  const serving = rolled.filter((r) => r.serve);
  const name = rolled[0].outcome.server;
  // a replica held by restart backoff: the others go on serving
  if (serving.length > 0)
    deps.router?.setActive(
      name,
      serving.map((r) => r.serve!),
    );
  if (serving.length < of) return { server: name, status: 'skipped' };
  const outs = rolled.map((r) => r.outcome);
  const started = outs.filter((o) => o.status === 'started');
  const latest = (xs: (string | undefined)[]): string | undefined =>
    xs
      .filter((x) => x !== undefined)
      .sort()
      .at(-1);
  const passedAt = latest(started.map((o) => o.passedAt));
  return {
    ...outs[0],
    status: started.length > 0 ? 'started' : 'kept',
    ...(started.length > 0 && { seconds: Math.max(...started.map((o) => o.seconds ?? 0)) }),
    ...(passedAt !== undefined && { passedAt }),
    replicas: rolled.map((r) => ({ index: r.replica, id: r.outcome.instance!.id, startedAt: r.outcome.instance!.startedAt })),
  };
}

/** After the last wave: the plan's retirements and prunes, decided again on a fresh look (see afterWaves). */
async function prune(desired: readonly RenderedServer[], outcomes: Map<string, ServerOutcome>, deps: ConvergeDeps): Promise<string[]> {
  const serving = new Map(
    [...outcomes.values()].filter((o) => o.instance).map((o) => [o.server, new Set(o.replicas?.map((r) => r.id) ?? [o.instance!.id])] as const),
  );
  const now = (await deps.runtime.observe()).filter((i) => !deps.retirements.has(i.id) && !deps.router?.owns?.(i));
  const byId = new Map(now.map((i) => [i.id, i]));
  const { departures, pruned } = afterWaves(
    new Set(desired.map((d) => d.spec.name)),
    serving,
    now.map((i) => observed(i, deps)),
  );
  for (const d of departures) {
    if (d.how === 'now') await removeInstance(deps, byId.get(d.id)!, d.why);
    else deps.retirements.drain(byId.get(d.id)!, d.why);
  }
  return pruned;
}
