// The second half of the decision, once every wave ran: what goes. Taken against a fresh look at
// the runtime (instances started, exited or removed during the waves), it is what the plan's
// `retire` and `prune` said when nothing else moved meanwhile.
import type { ObservedInstance } from './plan.js';

export interface Departure {
  id: string;
  server: string;
  /** now: removed at once (exited); drain: its sessions drain first, then it is removed. */
  how: 'now' | 'drain';
  why: 'exited' | 'no longer desired' | 'replaced';
}

export interface AfterWaves {
  /** In the order observed. */
  departures: Departure[];
  /** Servers no longer desired that had instances, sorted. */
  pruned: string[];
}

/**
 * Instances of servers no longer desired go, exited instances go, and so does every instance of a
 * desired server other than the ones now serving it (its replicas). A desired server that failed or is in backoff
 * (no serving instance) keeps whatever still runs for it: a working older instance beats none.
 */
export function afterWaves(
  desired: ReadonlySet<string>,
  serving: ReadonlyMap<string, ReadonlySet<string>>,
  observed: readonly Pick<ObservedInstance, 'id' | 'server' | 'state'>[],
): AfterWaves {
  const departures: Departure[] = [];
  const pruned = new Set<string>();
  for (const i of observed) {
    const wanted = desired.has(i.server);
    if (!wanted) pruned.add(i.server);
    if (i.state !== 'running') departures.push({ id: i.id, server: i.server, how: 'now', why: 'exited' });
    else if (!wanted) departures.push({ id: i.id, server: i.server, how: 'drain', why: 'no longer desired' });
    else if (serving.has(i.server) && !serving.get(i.server)!.has(i.id)) departures.push({ id: i.id, server: i.server, how: 'drain', why: 'replaced' });
  }
  return { departures, pruned: [...pruned].sort() };
}
