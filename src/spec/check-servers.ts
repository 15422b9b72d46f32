// Checks that need more than one field or more than one document: runtime needs, transports,
// cwd containment, dependsOn targets and cycles. Runs on the environment-overlaid specs.
import { didYouMean } from './did-you-mean.js';
import type { MCPServer } from './generated.js';
import { findCycles } from './graph.js';
import { errorAt, type LoadedDoc } from './load.js';
import type { Overlaid } from './overlay.js';
import { remoteProblems } from './check-remote.js';
import { replicaProblems } from './check-replicas.js';
import { formatPath, positionOf, type PathSegment } from './positions.js';
import { CWD_ESCAPE_MESSAGE, escapesRoot } from './relative-path.js';
import type { SpecError } from './spec-error.js';

export interface OverlaidServer {
  loaded: LoadedDoc<MCPServer>;
  overlaid: Overlaid;
}

export type RuntimeKind = 'process' | 'docker' | 'kubernetes';

function at(s: OverlaidServer, path: PathSegment[], message: string): SpecError {
  return errorAt(s.loaded.doc, s.overlaid.origin(path), message);
}

/** An error about `field`, located at `near` (the field that makes it necessary). */
function atNear(s: OverlaidServer, field: PathSegment[], near: PathSegment[], message: string): SpecError {
  return { ...at(s, near, message), field: formatPath(s.overlaid.origin(field)) };
}

function checkOne(s: OverlaidServer, runtime: RuntimeKind | undefined): SpecError[] {
  const f = s.overlaid.fields;
  const errors: SpecError[] = [];
  if (f.enabled === false) return errors;
  const remote = remoteProblems(f);
  if (f.url !== undefined || remote.length > 0) {
    const doc = s.loaded.doc;
    return remote.map((p) => at(s, p.path, p.message(positionOf(doc.doc, doc.lc, s.overlaid.origin(p.other)).line)));
  }
  if (runtime === 'process' && f.command === undefined) {
    errors.push(at(s, ['command'], 'required by the process runtime'));
  } else if ((runtime === 'docker' || runtime === 'kubernetes') && f.image === undefined) {
    errors.push(at(s, ['image'], `required by the ${runtime} runtime`));
  } else if (runtime === undefined && f.command === undefined && f.image === undefined) {
    errors.push(atNear(s, [], ['command'], 'one of command (process runtime) or image (docker, kubernetes) is required'));
  }
  const transport = f.transport ?? 'stdio';
  if (runtime === 'kubernetes' && transport === 'stdio' && f.image !== undefined && f.command === undefined) {
    // the pod runs `mcp-gitops bridge -- <command> [args]`: the image's own entrypoint is not used
    errors.push(atNear(s, ['command'], ['image'], 'required by the kubernetes runtime for a stdio server: the pod runs it behind mcp-gitops bridge'));
  }
  if (transport !== 'stdio' && f.port === undefined) {
    errors.push(atNear(s, ['port'], ['transport'], `required for transport ${transport}: the port the server listens on`));
  }
  if (f.gateway?.sessions === 'isolated') {
    if (transport !== 'stdio')
      errors.push(
        atNear(s, ['gateway', 'sessions'], ['transport'], `isolated sessions need a stdio server (transport ${transport} serves many sessions itself)`),
      );
    else if (runtime === 'kubernetes')
      errors.push(at(s, ['gateway', 'sessions'], 'isolated sessions are not available on the kubernetes runtime (process and docker only)'));
  }
  errors.push(...checkCanary(s, runtime, transport));
  // process and docker publish on the host's ports (as checkCanary says)
  errors.push(...replicaProblems(f, runtime, runtime === 'process' || runtime === 'docker').map((p) => at(s, p.path, p.message)));
  if (f.cwd !== undefined && escapesRoot(f.cwd)) errors.push(at(s, ['cwd'], CWD_ESCAPE_MESSAGE));
  return errors;
}

/** A canary needs two instances at once and steps that grow to 100 %. */
function checkCanary(s: OverlaidServer, runtime: RuntimeKind | undefined, transport: string): SpecError[] {
  const r = s.overlaid.fields.rollout;
  if (r === undefined) return [];
  const errors: SpecError[] = [];
  if (r.canary !== undefined && r.strategy !== 'canary')
    errors.push(atNear(s, ['rollout', 'canary'], ['rollout'], 'only used with strategy: canary; set rollout.strategy: canary or remove it'));
  if (r.strategy !== 'canary') return errors;
  if ((runtime === 'process' || runtime === 'docker') && transport !== 'stdio')
    errors.push(
      at(
        s,
        ['rollout', 'strategy'],
        `a canary runs the new version beside the stable one, but on the ${runtime} runtime both would need host port ${s.overlaid.fields.port ?? '(spec.port)'}; use blue-green, a stdio server, or the kubernetes runtime`,
      ),
    );
  const steps = r.canary?.steps;
  if (steps !== undefined) {
    const bad = steps.findIndex((v, i) => i > 0 && v <= steps[i - 1]);
    if (bad > 0) errors.push(at(s, ['rollout', 'canary', 'steps', bad], `steps must increase: ${steps[bad]} follows ${steps[bad - 1]}`));
    else if (steps[steps.length - 1] !== 100)
      errors.push(
        at(
          s,
          ['rollout', 'canary', 'steps', steps.length - 1],
          `the last step must be 100 (every new session on the new version), not ${steps[steps.length - 1]}`,
        ),
      );
  }
  return errors;
}

function checkDependsOn(servers: OverlaidServer[], invalid: ReadonlySet<string>): SpecError[] {
  const byName = new Map(servers.map((s) => [s.loaded.name, s]));
  const errors: SpecError[] = [];
  for (const s of servers) {
    if (s.overlaid.fields.enabled === false) continue;
    (s.overlaid.fields.dependsOn ?? []).forEach((dep, i) => {
      const target = byName.get(dep);
      if (target === undefined) {
        if (!invalid.has(dep)) errors.push(at(s, ['dependsOn', i], `unknown server "${dep}"${didYouMean(dep, byName.keys())}`));
      } else if (target.overlaid.fields.enabled === false) {
        errors.push(at(s, ['dependsOn', i], `server "${dep}" is disabled (enabled: false); enable it or remove it from dependsOn`));
      }
    });
  }
  const graph = new Map(servers.filter((s) => s.overlaid.fields.enabled !== false).map((s) => [s.loaded.name, s.overlaid.fields.dependsOn ?? []]));
  for (const cycle of findCycles(graph)) {
    const head = byName.get(cycle[0])!;
    const idx = (head.overlaid.fields.dependsOn ?? []).indexOf(cycle[1]);
    const self = cycle.length === 2 ? ' (a server cannot depend on itself)' : '';
    errors.push(at(head, ['dependsOn', idx], `circular dependency: ${cycle.join(' -> ')}${self}`));
  }
  return errors;
}

export function checkServers(servers: OverlaidServer[], invalid: ReadonlySet<string>, runtime?: RuntimeKind): SpecError[] {
  return [...servers.flatMap((s) => checkOne(s, runtime)), ...checkDependsOn(servers, invalid)];
}
