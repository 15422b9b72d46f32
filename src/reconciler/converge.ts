// The rollout algorithm, declarative: make the runtime run exactly `desired`.
// Per dependency wave, a server whose running instance already has the desired spec-hash and has
// passed a health gate is left alone; an instance with the right hash that never passed a gate (left
// by a daemon that crashed mid-gate) is gated in place; others get a new instance (blue-green: beside
// the old one; recreate: after removing it) that must pass its gate. Old instances are removed only
// once every gate of the whole set passed, so a revert of a blue-green change just drops the new
// instances. Used for syncs, reverts, crash recovery and drift repair alike.
// The gateway follows: an instance serves new sessions as soon as it passed its gate (or is kept),
// and one that served is drained before it is removed.
import { setMaxListeners } from 'node:events';
import type { GatewayRouter } from '../gateway/router.js';
import type { GateResult, GateTool } from '../health/index.js';
import type { Instance, Runtime } from '../runtimes/runtime.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import { waves } from '../spec/graph.js';
import type { EventSink } from './events.js';
import type { Leaving, Retirements } from './retirements.js';

export type GateFn = (o: { instanceId: string; server: DesiredServer; signal: AbortSignal }) => Promise<GateResult>;

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
}

export interface ServerOutcome {
  server: string;
  /** started = an instance passed its gate now; kept = an instance that passed one before runs already. */
  status: 'started' | 'kept' | 'failed' | 'skipped' | 'cancelled';
  instance?: Pick<Instance, 'id' | 'startedAt' | 'labels'>;
  reason?: string;
  tools?: GateTool[];
  /** How long the gate took, and when it passed (started only). */
  seconds?: number;
  passedAt?: string;
}

export interface ConvergeOutcome {
  ok: boolean;
  cancelled: boolean;
  outcomes: Map<string, ServerOutcome>;
  /** Servers whose instances were removed because they are no longer desired. */
  pruned: string[];
}

function groupByServer(instances: Instance[]): Map<string, Instance[]> {
  const m = new Map<string, Instance[]>();
  for (const i of instances) m.set(i.labels.server, [...(m.get(i.labels.server) ?? []), i]);
  return m;
}

/** The running instance with the desired hash to keep or verify: gated ones first, then the newest. */
function readyInstance(all: readonly Instance[], hash: string, deps: ConvergeDeps): Instance | undefined {
  return all.filter((i) => i.state === 'running' && i.labels.specHash === hash)
    .sort((a, b) => Number(deps.verified(b) !== null) - Number(deps.verified(a) !== null) || b.startedAt.localeCompare(a.startedAt))[0];
}

async function observe(deps: ConvergeDeps): Promise<Instance[]> {
  return (await deps.runtime.observe()).filter((i) => !deps.retirements.has(i.id));
}

function removeInstance(deps: ConvergeDeps, inst: Leaving, why: string): Promise<void> {
  return deps.retirements.now(inst, why);
}

function pick(inst: Instance): Pick<Instance, 'id' | 'startedAt' | 'labels'> {
  return { id: inst.id, startedAt: inst.startedAt, labels: inst.labels };
}

function serves(deps: ConvergeDeps, inst: Instance): void {
  deps.router?.setActive(inst.labels.server, { id: inst.id, endpoint: inst.endpoint });
}

function holdsPort(i: Pick<Instance, 'endpoint'>, port: number): boolean {
  return i.endpoint.kind === 'http' && new URL(i.endpoint.url).port === String(port);
}

/** Gates `inst`; on failure removes it (unless the caller cancelled a gate of an instance it did not start). */
async function gateInstance(d: RenderedServer, inst: Instance, deps: ConvergeDeps, signal: AbortSignal, fresh: boolean): Promise<ServerOutcome> {
  const name = d.spec.name;
  const t0 = (deps.now ?? Date.now)();
  const result = await deps.gate({ instanceId: inst.id, server: d.spec, signal });
  const t1 = (deps.now ?? Date.now)();
  const seconds = (t1 - t0) / 1000;
  if (result.ok) {
    serves(deps, inst);
    deps.emit({ type: 'gate.passed', server: name, commit: deps.commit, instanceId: inst.id, tools: result.tools.map((t) => t.name), seconds });
    return { server: name, status: 'started', instance: pick(inst), tools: result.tools, seconds, passedAt: new Date(t1).toISOString() };
  }
  if (result.code === 'cancelled') {
    if (fresh) await removeInstance(deps, inst, 'cancelled');
    return { server: name, status: 'cancelled', reason: result.reason };
  }
  await removeInstance(deps, inst, 'gate failed');
  const reason = `${name}: ${result.reason}`;
  deps.emit({ type: 'gate.failed', server: name, commit: deps.commit, reason, seconds });
  return { server: name, status: 'failed', reason };
}

function usesHeldPort(d: RenderedServer, existing: readonly Instance[], deps: ConvergeDeps): boolean {
  if (!deps.sharedPorts || d.spec.port === undefined) return false;
  const port = d.spec.port;
  return existing.some((i) => i.state === 'running' && holdsPort(i, port));
}

async function rollOne(d: RenderedServer, existing: readonly Instance[], deps: ConvergeDeps, signal: AbortSignal): Promise<ServerOutcome> {
  const name = d.spec.name;
  const ready = readyInstance(existing, d.specHash, deps);
  const tools = ready && deps.verified(ready);
  if (ready && tools) {
    serves(deps, ready);
    return { server: name, status: 'kept', instance: pick(ready), tools };
  }
  if (deps.skip?.(name)) return { server: name, status: 'skipped' };
  if (ready) {
    deps.emit({ type: 'server.verifying', server: name, commit: deps.commit, instanceId: ready.id });
    return gateInstance(d, ready, deps, signal, false);
  }
  const recreate = d.spec.rollout.strategy === 'recreate' || usesHeldPort(d, existing, deps);
  for (const old of existing) {
    if (recreate || old.state !== 'running') await removeInstance(deps, old, recreate ? 'recreate' : 'exited');
  }
  // an instance still draining on the port this one needs: its sessions end now
  const port = d.spec.port;
  if (deps.sharedPorts && port !== undefined) await deps.retirements.cut((i) => holdsPort(i, port));
  if (signal.aborted) return { server: name, status: 'cancelled', reason: 'cancelled before start' };
  let inst: Instance;
  try {
    inst = await deps.runtime.start(d, {
      commit: deps.commit, workdir: deps.workdir, signal,
      onWaiting: (w) => deps.emit({ type: 'server.waiting', server: name, commit: deps.commit, ...w }),
    });
  } catch (e) {
    if (signal.aborted) return { server: name, status: 'cancelled', reason: 'cancelled while starting' };
    if (deps.isTransient?.(e)) throw e; // the engine, not the commit: retried with backoff, never reverted
    const reason = `${name}: failed to start: ${e instanceof Error ? e.message : String(e)}`;
    deps.emit({ type: 'gate.failed', server: name, commit: deps.commit, reason, seconds: 0 });
    return { server: name, status: 'failed', reason };
  }
  deps.emit({ type: 'server.starting', server: name, commit: deps.commit, version: d.masked.version, instanceId: inst.id });
  return gateInstance(d, inst, deps, signal, true);
}

export async function converge(desired: readonly RenderedServer[], deps: ConvergeDeps): Promise<ConvergeOutcome> {
  const byServer = groupByServer(await observe(deps));
  const byName = new Map(desired.map((d) => [d.spec.name, d]));
  const layers = waves(new Map(desired.map((d) => [d.spec.name, d.spec.dependsOn])));
  const outcomes = new Map<string, ServerOutcome>();
  for (const [i, layer] of layers.entries()) {
    if (deps.signal.aborted) return { ok: false, cancelled: true, outcomes, pruned: [] };
    const todo = layer.filter((n) => {
      const ready = readyInstance(byServer.get(n) ?? [], byName.get(n)!.specHash, deps);
      return !ready || deps.verified(ready) === null;
    });
    if (todo.length > 0) deps.onWave?.(i, layers.length, todo);
    // fail fast: the first failure cancels the wave's other gates (a revert follows anyway)
    const wave = new AbortController();
    const signal = AbortSignal.any([deps.signal, wave.signal]);
    setMaxListeners(0, signal); // one listener per gate of the wave, however wide it is
    const settled = await Promise.allSettled(layer.map(async (n) => {
      try {
        const r = await rollOne(byName.get(n)!, byServer.get(n) ?? [], deps, signal);
        if (r.status === 'failed' && deps.failFast) wave.abort();
        return r;
      } catch (e) {
        wave.abort(); // no gate of this wave may outlive the converge
        throw e;
      }
    }));
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

/**
 * Removes instances of servers no longer desired, exited instances, and every instance of a desired
 * server other than the one now serving it. A desired server that failed or is in backoff keeps
 * whatever still runs for it: a working older instance is better than none.
 */
async function prune(desired: readonly RenderedServer[], outcomes: Map<string, ServerOutcome>, deps: ConvergeDeps): Promise<string[]> {
  const serving = new Map([...outcomes.values()].filter((o) => o.instance).map((o) => [o.server, o.instance!.id]));
  const wanted = new Set(desired.map((d) => d.spec.name));
  const pruned = new Set<string>();
  for (const inst of await observe(deps)) {
    const name = inst.labels.server;
    if (inst.state !== 'running') {
      if (!wanted.has(name)) pruned.add(name);
      await removeInstance(deps, inst, 'exited');
    } else if (!wanted.has(name)) {
      pruned.add(name);
      deps.retirements.drain(inst, 'no longer desired');
    } else if (serving.has(name) && serving.get(name) !== inst.id) {
      deps.retirements.drain(inst, 'replaced');
    }
  }
  return [...pruned].sort();
}
