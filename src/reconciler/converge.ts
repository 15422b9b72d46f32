// The rollout algorithm, declarative: make the runtime run exactly `desired`.
// Per dependency wave, a server whose running instance already has the desired spec-hash is left
// alone; others get a new instance (blue-green: beside the old one; recreate: after removing it) that
// must pass its health gate. Old instances are removed only once every gate of the whole set passed,
// so a revert of a blue-green change just drops the new instances. Used for syncs, reverts,
// crash recovery and drift repair alike.
import type { GateResult, GateTool } from '../health/index.js';
import type { Instance, Runtime } from '../runtimes/runtime.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import { waves } from '../spec/graph.js';
import type { EventSink } from './events.js';

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
  /** Repair mode: keep going past failures (no revert follows) and skip servers still in backoff. */
  repair?: { skip: (server: string) => boolean };
  onWave?: (index: number, of: number, servers: string[]) => void;
  now?: () => number;
}

export interface ServerOutcome {
  server: string;
  /** started = a new instance passed its gate; kept = an instance with the right spec already ran. */
  status: 'started' | 'kept' | 'failed' | 'skipped' | 'cancelled';
  instanceId?: string;
  reason?: string;
  tools?: GateTool[];
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

function readyInstance(all: Instance[] | undefined, hash: string): Instance | undefined {
  return (all ?? []).filter((i) => i.state === 'running' && i.labels.specHash === hash)
    .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1))[0];
}

async function removeQuietly(deps: ConvergeDeps, inst: Instance, why: string): Promise<void> {
  await deps.runtime.remove(inst.id);
  deps.emit({ type: 'server.removed', server: inst.labels.server, instanceId: inst.id, why });
}

async function rollOne(d: RenderedServer, existing: Instance[], deps: ConvergeDeps, signal: AbortSignal): Promise<ServerOutcome> {
  const name = d.spec.name;
  const ready = readyInstance(existing, d.specHash);
  if (ready) return { server: name, status: 'kept', instanceId: ready.id };
  if (deps.repair?.skip(name)) return { server: name, status: 'skipped' };
  const portHeld = deps.sharedPorts && d.spec.port !== undefined && existing.some((i) => i.state === 'running' && i.endpoint.kind === 'http' && new URL(i.endpoint.url).port === String(d.spec.port));
  const recreate = d.spec.rollout.strategy === 'recreate' || portHeld;
  for (const old of existing) {
    if (recreate || old.state !== 'running') await removeQuietly(deps, old, recreate ? 'recreate' : 'exited');
  }
  const started = (deps.now ?? Date.now)();
  let inst: Instance;
  try {
    inst = await deps.runtime.start(d, { commit: deps.commit, workdir: deps.workdir });
  } catch (e) {
    const reason = `${name}: failed to start: ${e instanceof Error ? e.message : String(e)}`;
    deps.emit({ type: 'gate.failed', server: name, commit: deps.commit, reason, seconds: 0 });
    return { server: name, status: 'failed', reason };
  }
  deps.emit({ type: 'server.starting', server: name, commit: deps.commit, version: d.masked.version, instanceId: inst.id });
  const result = await deps.gate({ instanceId: inst.id, server: d.spec, signal });
  const seconds = ((deps.now ?? Date.now)() - started) / 1000;
  if (result.ok) {
    deps.emit({ type: 'gate.passed', server: name, commit: deps.commit, tools: result.tools.map((t) => t.name), seconds });
    return { server: name, status: 'started', instanceId: inst.id, tools: result.tools };
  }
  await removeQuietly(deps, inst, result.code === 'cancelled' ? 'cancelled' : 'gate failed');
  if (result.code === 'cancelled') return { server: name, status: 'cancelled', reason: result.reason };
  const reason = `${name}: ${result.reason}`;
  deps.emit({ type: 'gate.failed', server: name, commit: deps.commit, reason, seconds });
  return { server: name, status: 'failed', reason };
}

export async function converge(desired: readonly RenderedServer[], deps: ConvergeDeps): Promise<ConvergeOutcome> {
  const byServer = groupByServer(await deps.runtime.observe());
  const byName = new Map(desired.map((d) => [d.spec.name, d]));
  const layers = waves(new Map(desired.map((d) => [d.spec.name, d.spec.dependsOn])));
  const outcomes = new Map<string, ServerOutcome>();
  const waveAbort = new AbortController();
  const onAbort = (): void => waveAbort.abort();
  deps.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const [i, layer] of layers.entries()) {
      if (deps.signal.aborted) return { ok: false, cancelled: true, outcomes, pruned: [] };
      const todo = layer.filter((n) => !readyInstance(byServer.get(n), byName.get(n)!.specHash));
      if (todo.length > 0) deps.onWave?.(i, layers.length, todo);
      const results = await Promise.all(layer.map(async (n) => {
        const r = await rollOne(byName.get(n)!, byServer.get(n) ?? [], deps, waveAbort.signal);
        if (r.status === 'failed' && !deps.repair) waveAbort.abort(); // fail fast: cancel the wave's other gates
        return r;
      }));
      for (const r of results) outcomes.set(r.server, r);
      if (deps.signal.aborted) return { ok: false, cancelled: true, outcomes, pruned: [] };
      if (!deps.repair && results.some((r) => r.status !== 'started' && r.status !== 'kept')) {
        return { ok: false, cancelled: false, outcomes, pruned: [] };
      }
    }
  } finally {
    deps.signal.removeEventListener('abort', onAbort);
  }
  const pruned = await prune(desired, outcomes, deps);
  const ok = [...outcomes.values()].every((o) => o.status === 'started' || o.status === 'kept');
  return { ok, cancelled: false, outcomes, pruned };
}

/** Removes every instance that is not the one serving a desired server. */
async function prune(desired: readonly RenderedServer[], outcomes: Map<string, ServerOutcome>, deps: ConvergeDeps): Promise<string[]> {
  const keep = new Set([...outcomes.values()].map((o) => o.instanceId).filter((x): x is string => x !== undefined));
  const wanted = new Set(desired.map((d) => d.spec.name));
  const skipped = new Set([...outcomes.values()].filter((o) => o.status === 'skipped' || o.status === 'failed').map((o) => o.server));
  const pruned = new Set<string>();
  for (const inst of await deps.runtime.observe()) {
    if (keep.has(inst.id)) continue;
    const name = inst.labels.server;
    if (!wanted.has(name)) pruned.add(name);
    // a server in backoff keeps nothing running, but its record goes too: status remembers why
    await removeQuietly(deps, inst, !wanted.has(name) ? 'no longer desired' : skipped.has(name) ? 'exited' : 'replaced');
  }
  return [...pruned].sort();
}
