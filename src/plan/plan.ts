// The one decision of a rollout. Pairs the desired servers with the instances that run and says,
// per server and in dependency waves, what happens: keep, verify in place, create, start beside
// (blue-green), recreate, restart or skip (restart backoff); servers no longer desired are pruned.
// converge executes exactly this against runtime.observe(); `mcp-gitops plan` and GET /plan show it.
// Nothing here acts or reads: the caller observes, this decides.
import type { RenderedServer, RolloutStrategy } from '../spec/desired.js';
import { waves as layers } from '../spec/graph.js';
import { replicaCount, replicaOf } from '../spec/replicas.js';

/** One instance the runtime reports (or, without a runtime, one the state file recorded). */
export interface ObservedInstance {
  id: string;
  server: string;
  specHash: string;
  commit: string;
  state: 'running' | 'exited';
  /** ISO time it started. */
  startedAt: string;
  /** The host port its HTTP endpoint listens on, if any. */
  port?: number;
  /** It passed a health gate (in this run, or it is the recorded deployment): kept without a new gate. */
  verified: boolean;
  /** Its version, when known (the state file records it). */
  version?: string;
  /** Exited: why (secret-free). */
  message?: string;
  /** Which replica of its server it is (absent = 0). */
  replica?: number;
}

export type ServerAction =
  /** An instance with the desired spec runs and passed a gate: it stays and serves. */
  | 'keep'
  /** An instance with the desired spec runs but never passed a gate (left mid-gate by a crashed daemon): gate it in place. */
  | 'verify'
  /** Nothing was running for it: start one. */
  | 'create'
  /** Blue-green: a new instance starts beside the running one, which is drained once every gate passed. */
  | 'start-beside'
  /** The running instances are removed first, then a new one starts (the spec says so, or blue-green found its port held). */
  | 'recreate'
  /** Only exited instances are left (a crash): they are removed and a new one starts. */
  | 'restart'
  /** It would be started or gated, but restart backoff holds it until a later sync. */
  | 'skip';

export type StartAction = Extract<ServerAction, 'create' | 'start-beside' | 'recreate' | 'restart'>;

export interface ServerStep {
  server: string;
  /** Which replica this step is for: set when the server has (or had) more than one. */
  replica?: number;
  /**
   * Replica 0 of a server with (or scaling from) several replicas: how many it wants and how many
   * run now. Replicas above the count are in this step's `retire`; the others are left as they are.
   */
  replicas?: { desired: number; running: number };
  action: ServerAction;
  desired: RenderedServer;
  /** The spec's strategy, or recreate when blue-green cannot run two instances on the port. */
  strategy: RolloutStrategy;
  /** keep / verify: the instance that serves or is gated. */
  instance?: string;
  /** Removed before the new instance starts: every instance for recreate, exited ones otherwise. */
  remove: string[];
  /** Running instances drained once every wave passed (what the new or kept instance replaces). */
  retire: string[];
  /** Before starting: drains still holding this host port are cut short (shared host ports only). */
  freePort?: number;
  /**
   * Strategy canary with a gated instance serving (start-beside): the instance that keeps serving
   * while the new one is judged step by step. A canary left by an earlier run (never judged to its
   * end) is in `remove` and runs again from its first step.
   */
  canary?: { stable: string };
  /** skip: what it would have done. */
  held?: Exclude<ServerAction, 'keep' | 'skip'>;
  /** What runs now (or ran last) for it, when that has another spec. */
  from?: Pick<ObservedInstance, 'specHash' | 'commit' | 'version' | 'message'>;
  /** Why the action or strategy is not the obvious one. */
  note?: string;
}

export interface PruneStep {
  server: string;
  /** Exited instances: removed at once. */
  remove: string[];
  /** Running instances: drained, then removed. */
  retire: string[];
  from: Pick<ObservedInstance, 'specHash' | 'commit' | 'version'>;
}

export interface Plan {
  /** Every desired server, in dependency waves (wave k depends only on waves < k); sorted by name. */
  waves: ServerStep[][];
  /** Servers no longer desired, pruned after the last wave; sorted by name. */
  prune: PruneStep[];
}

export interface PlanOptions {
  /** Instances of one server share the host's ports (process, docker host network). */
  sharedPorts?: boolean;
  /** Servers in restart backoff (drift repair): not started or gated now. */
  inBackoff?: (server: string) => boolean;
}

function groupByServer(observed: readonly ObservedInstance[]): Map<string, ObservedInstance[]> {
  const m = new Map<string, ObservedInstance[]>();
  for (const o of observed) m.set(o.server, [...(m.get(o.server) ?? []), o]);
  return m;
}

/** The running instance with the desired hash to keep or verify: gated ones first, then the newest. */
function readyInstance(all: readonly ObservedInstance[], hash: string): ObservedInstance | undefined {
  return all
    .filter((i) => i.state === 'running' && i.specHash === hash)
    .sort((a, b) => Number(b.verified) - Number(a.verified) || b.startedAt.localeCompare(a.startedAt))[0];
}

/** What it replaces, for display: the newest running instance, else the newest at all. */
function current(all: readonly ObservedInstance[]): ObservedInstance | undefined {
  const newest = [...all].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  return newest.find((i) => i.state === 'running') ?? newest[0];
}

function fromOf(o: ObservedInstance): NonNullable<ServerStep['from']> {
  return {
    specHash: o.specHash,
    commit: o.commit,
    ...(o.version !== undefined && { version: o.version }),
    ...(o.message !== undefined && { message: o.message }),
  };
}

/** The gated running instance of another spec a canary is judged beside: the newest. */
function stableFor(running: readonly ObservedInstance[], hash: string): ObservedInstance | undefined {
  return running.filter((i) => i.verified && i.specHash !== hash).sort((a, b) => b.startedAt.localeCompare(a.startedAt))[0];
}

function decide(d: RenderedServer, existing: readonly ObservedInstance[], opts: PlanOptions): ServerStep {
  const server = d.spec.name;
  const wanted = d.spec.rollout.strategy;
  const running = existing.filter((i) => i.state === 'running');
  const stable = wanted === 'canary' ? stableFor(running, d.specHash) : undefined;
  // a canary never serves without its judgment: one left ungated by an earlier run starts over
  const leftover = stable ? existing.filter((i) => i.state === 'running' && i.specHash === d.specHash && !i.verified) : [];
  const ready = readyInstance(
    existing.filter((i) => !leftover.includes(i)),
    d.specHash,
  );
  const others = (keep: ObservedInstance): string[] => running.filter((i) => i !== keep).map((i) => i.id);
  if (ready?.verified) return { server, action: 'keep', desired: d, strategy: wanted, instance: ready.id, remove: [], retire: others(ready) };
  const base = (): ServerStep => {
    if (ready)
      return {
        server,
        action: 'verify',
        desired: d,
        strategy: wanted,
        instance: ready.id,
        remove: [],
        retire: others(ready),
        note: 'an instance with this spec runs but never passed a health gate: gated in place',
      };
    const port = d.spec.port;
    const held = opts.sharedPorts && port !== undefined ? running.find((i) => i.port === port) : undefined;
    const strategy: RolloutStrategy = held ? 'recreate' : wanted;
    const action: StartAction = existing.length === 0 ? 'create' : running.length === 0 ? 'restart' : strategy === 'recreate' ? 'recreate' : 'start-beside';
    const last = current(existing);
    const canary = action === 'start-beside' && stable !== undefined;
    return {
      server,
      action,
      desired: d,
      strategy,
      remove: existing.filter((i) => action === 'recreate' || i.state !== 'running' || leftover.includes(i)).map((i) => i.id),
      retire: action === 'start-beside' ? running.filter((i) => !leftover.includes(i)).map((i) => i.id) : [],
      ...(canary && { canary: { stable: stable.id } }),
      ...(canary &&
        leftover.length > 0 && { note: 'a canary left by an earlier run was never judged to its end: it is removed and runs again from its first step' }),
      ...(opts.sharedPorts && port !== undefined && { freePort: port }),
      ...(last && last.specHash !== d.specHash && { from: fromOf(last) }),
      ...(action === 'restart' && last && { from: fromOf(last) }),
      ...(held &&
        wanted === 'blue-green' &&
        action === 'recreate' && { note: `blue-green needs a free port; ${port} is held by the running instance, so it is recreated` }),
    };
  };
  const step = base();
  if (!opts.inBackoff?.(server)) return step;
  return {
    server,
    action: 'skip',
    desired: d,
    strategy: step.strategy,
    instance: step.instance,
    remove: [],
    retire: [],
    held: step.action as NonNullable<ServerStep['held']>,
    ...(step.from && { from: step.from }),
    note: 'restart backoff: tried again once it expires',
  };
}

/**
 * One step per replica, each decided on its own instances (its own spec and hash): scaling keeps the
 * replicas that stay, and a dead replica is restarted without touching the others. Replicas above
 * the count are drained with replica 0's step.
 */
function decideReplicas(d: RenderedServer, existing: readonly ObservedInstance[], opts: PlanOptions): ServerStep[] {
  const n = replicaCount(d);
  const index = (i: ObservedInstance): number => i.replica ?? 0;
  const running = new Set(existing.filter((i) => i.state === 'running').map(index)).size;
  if (n === 1 && existing.every((i) => index(i) === 0)) return [decide(d, existing, opts)];
  const steps = Array.from({ length: n }, (_, r): ServerStep => ({
    ...decide(
      replicaOf(d, r),
      existing.filter((i) => index(i) === r),
      opts,
    ),
    replica: r,
  }));
  const extra = existing.filter((i) => index(i) >= n && i.state === 'running').map((i) => i.id);
  const first = steps[0];
  steps[0] = {
    ...first,
    replicas: { desired: n, running },
    retire: [...first.retire, ...(first.action === 'skip' ? [] : extra)],
    ...(extra.length > 0 &&
      first.action !== 'skip' && { note: [first.note, `scaled down to ${n}: replicas ${n} and above are drained`].filter(Boolean).join('; ') }),
  };
  return steps;
}

export function plan(desired: readonly RenderedServer[], observed: readonly ObservedInstance[], opts: PlanOptions = {}): Plan {
  const byServer = groupByServer(observed);
  const byName = new Map(desired.map((d) => [d.spec.name, d]));
  const waves = layers(new Map(desired.map((d) => [d.spec.name, d.spec.dependsOn]))).map((names) =>
    names.flatMap((n) => decideReplicas(byName.get(n)!, byServer.get(n) ?? [], opts)),
  );
  const prune = [...byServer.entries()]
    .filter(([name]) => !byName.has(name))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([server, all]): PruneStep => ({
      server,
      remove: all.filter((i) => i.state !== 'running').map((i) => i.id),
      retire: all.filter((i) => i.state === 'running').map((i) => i.id),
      from: (({ specHash, commit, version }) => ({ specHash, commit, ...(version !== undefined && { version }) }))(current(all)!),
    }));
  return { waves, prune };
}

/** True when a sync would change nothing: every server kept, nothing to prune or replace. */
export function isEmptyPlan(p: Plan): boolean {
  return p.prune.length === 0 && p.waves.every((w) => w.every((s) => s.action === 'keep' && s.retire.length === 0));
}
