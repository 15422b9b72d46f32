// Replicas of one server: how many, and what each one runs. Replica i is the server's spec with its
// own port and env (they may read {{ replica.index }}) and its own hash, so scaling up or down keeps
// the replicas that stay, and a template that changes one replica's port rolls only that replica.
import type { DesiredServer, RenderedServer } from './desired.js';

/** The replica count of a server (spec.replicas, default 1). */
export function replicaCount(d: Pick<RenderedServer, 'spec'> | DesiredServer): number {
  const spec = 'spec' in d ? d.spec : d;
  return spec.replicas ?? 1;
}

/** What replica `index` runs: the server itself for index 0 or a single instance. */
export function replicaOf(d: RenderedServer, index: number): RenderedServer {
  const r = d.replicaSpecs?.[index];
  if (index === 0 || r === undefined) return d;
  return { ...d, spec: r.spec, masked: r.masked, specHash: r.specHash };
}

/** The replica indices a server wants: 0..replicas-1. */
export function replicaIndices(d: Pick<RenderedServer, 'spec'>): number[] {
  return Array.from({ length: replicaCount(d) }, (_, i) => i);
}
