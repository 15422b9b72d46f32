// Pairs desired servers with what runs and returns the changes as data, grouped in dependency
// waves. Nothing here acts: the rollout executes a Plan.
import type { RenderedServer, RolloutStrategy } from '../spec/desired.js';
import { depths } from '../spec/graph.js';

/** What runs now for one server name (the instance that serves it). */
export interface ObservedServer {
  name: string;
  specHash: string;
  commit: string;
  version?: string;
  port?: number;
}

export type ChangeAction = 'create' | 'update' | 'delete';

export interface Change {
  action: ChangeAction;
  name: string;
  /** Absent for deletes. */
  desired?: RenderedServer;
  /** Absent for creates. */
  observed?: ObservedServer;
  /** How to roll it: the spec's choice, or recreate when blue-green cannot run two instances. */
  strategy: RolloutStrategy;
  /** Why the strategy differs from the spec's, if it does. */
  note?: string;
}

export interface Plan {
  /** Creates and updates in dependency order; deletes last (prune), in one final wave. */
  waves: Change[][];
  unchanged: string[];
}

export interface PlanOptions {
  /** Instances of one server share the host's ports (process, docker host network): blue-green needs a port change. */
  sharedPorts?: boolean;
}

function strategyFor(d: RenderedServer, o: ObservedServer | undefined, opts: PlanOptions): Pick<Change, 'strategy' | 'note'> {
  const wanted = d.spec.rollout.strategy;
  if (wanted === 'blue-green' && opts.sharedPorts && o?.port !== undefined && o.port === d.spec.port) {
    return { strategy: 'recreate', note: `blue-green needs a free port; ${o.port} is held by the running instance, so it is recreated` };
  }
  return { strategy: wanted };
}

export function plan(desired: readonly RenderedServer[], observed: readonly ObservedServer[], opts: PlanOptions = {}): Plan {
  const seen = new Map(observed.map((o) => [o.name, o]));
  const depth = depths(new Map(desired.map((d) => [d.spec.name, d.spec.dependsOn])));
  const byDepth = new Map<number, Change[]>();
  const unchanged: string[] = [];
  for (const d of desired) {
    const o = seen.get(d.spec.name);
    if (o && o.specHash === d.specHash) { unchanged.push(d.spec.name); continue; }
    const change: Change = { action: o ? 'update' : 'create', name: d.spec.name, desired: d, ...(o && { observed: o }), ...strategyFor(d, o, opts) };
    const k = depth.get(d.spec.name) ?? 0;
    byDepth.set(k, [...(byDepth.get(k) ?? []), change]);
  }
  const wanted = new Set(desired.map((d) => d.spec.name));
  const deletes: Change[] = observed.filter((o) => !wanted.has(o.name))
    .map((o) => ({ action: 'delete' as const, name: o.name, observed: o, strategy: 'recreate' as const }));
  const waves = [...byDepth.keys()].sort((a, b) => a - b)
    .map((k) => byDepth.get(k)!.sort((a, b) => (a.name < b.name ? -1 : 1)));
  if (deletes.length > 0) waves.push(deletes.sort((a, b) => (a.name < b.name ? -1 : 1)));
  return { waves, unchanged: unchanged.sort() };
}

/** True when nothing would change. */
export function isEmptyPlan(p: Plan): boolean {
  return p.waves.length === 0;
}
