// spec.replicas: what several instances of one server need. A remote server is never started, a
// stdio server of the process runtime talks over the daemon's own pipes, and on a runtime whose
// instances share the host's ports every replica needs its own port ({{ replica.index }}).
import type { ServerFields } from './generated.js';
import type { PathSegment } from './positions.js';

export interface ReplicaProblem {
  path: PathSegment[];
  message: string;
}

/** Reads {{ replica.index }}: the template gives each replica its own value. */
export function readsReplicaIndex(v: unknown): boolean {
  return typeof v === 'string' && /\{\{[^}]*\breplica\.index\b/.test(v);
}

/**
 * `runtime`: the one the daemon runs (undefined: checks that depend on it are skipped).
 * `sharedHostPorts`: that runtime's instances share the host's ports (process, docker).
 */
export function replicaProblems(f: ServerFields, runtime: string | undefined, sharedHostPorts: boolean): ReplicaProblem[] {
  const n = f.replicas ?? 1;
  if (n <= 1) return [];
  const out: ReplicaProblem[] = [];
  const transport = f.transport ?? (f.url !== undefined ? 'streamable-http' : 'stdio');
  if (f.gateway?.sessions === 'isolated')
    out.push({ path: ['replicas'], message: `isolated sessions start one instance per session already; replicas: ${n} does not apply (remove one of them)` });
  if (f.rollout?.strategy === 'canary')
    out.push({
      path: ['replicas'],
      message: `a canary with replicas: ${n} is not supported yet: the canary is judged as one instance beside one stable instance; use blue-green or recreate`,
    });
  if (runtime === 'process' && transport === 'stdio')
    out.push({
      path: ['replicas'],
      message: `replicas: ${n} of a stdio server on the process runtime is refused: its instances are the daemon's own children on its pipes; use transport streamable-http on distinct ports ({{ replica.index }} in port), or the docker or kubernetes runtime`,
    });
  else if (sharedHostPorts && transport !== 'stdio' && f.port !== undefined && !readsReplicaIndex(f.port))
    out.push({
      path: ['port'],
      message: `with replicas: ${n} on the ${runtime} runtime every replica listens on its own host port: template it with {{ replica.index }}, e.g. port: "{{ ${typeof f.port === 'number' ? f.port : 8100} + replica.index }}"`,
    });
  return out;
}
