// The per-server half of /status: what serves each server now, and what is happening to it.
// Fed by converge events while a rollout runs and settled from its outcome when it ends.
import { isWaitingReason, type Reason } from '../reasons/reasons.js';
import type { DesiredServer, RenderedServer } from '../spec/desired.js';
import { replicaCount } from '../spec/replicas.js';
import type { AppliedServer } from '../state/model.js';
import type { CrashRecord } from './backoff.js';
import type { ConvergeOutcome } from './converge.js';
import { short } from './errors.js';
import type { ReconcileEvent } from './events.js';
import type { ServerStatus, ToolDriftStatus } from './status.js';

/** Why a serving instance is gone: it crashed, or (a remote server) it cannot be reached. */
export type CrashReason = Extract<Reason, 'CrashLoopBackOff' | 'RemoteUnreachable' | 'CheckFailed'>;

export class ServerBoard {
  private readonly servers = new Map<string, ServerStatus>();
  /** The instances serving each server (its replicas): only their exit is a crash (a new instance's exit fails its gate). */
  private readonly serving = new Map<string, Set<string>>();
  /** Tool drift the gateway saw, by server, for the instance it saw it on (shown while that one serves). */
  private readonly drifts = new Map<string, { instanceId: string; drift: ToolDriftStatus }>();

  constructor(private readonly endpointFor?: (s: DesiredServer) => string | null) {}

  list(): ServerStatus[] {
    return [...this.servers.values()].sort((a, b) => (a.name < b.name ? -1 : 1)).map((s) => this.withDrift({ ...s, tools: [...s.tools] }));
  }

  /** A server Running on the instance that drifted says so: toolDrift, reason ToolDrift, why. */
  private withDrift(s: ServerStatus): ServerStatus {
    const d = this.drifts.get(s.name);
    if (!d || !s.instanceId || d.instanceId !== s.instanceId) return s;
    const drifted = s.phase === 'Running' && s.reason === 'Healthy';
    const what = describeToolDrift(d.drift);
    return { ...s, toolDrift: d.drift, ...(drifted && { reason: 'ToolDrift', message: `${s.message}; ${what}` }) };
  }

  isServing(server: string, instanceId: string): boolean {
    return this.serving.get(server)?.has(instanceId) ?? false;
  }

  /** At start: what the previous run deployed, unconfirmed until the first sync looked. */
  adopt(records: Record<string, AppliedServer>): void {
    for (const rec of Object.values(records)) {
      this.servers.set(rec.name, {
        ...fromRecord(rec),
        phase: 'Pending',
        health: 'Unknown',
        reason: 'Pending',
        message: 'deployed by a previous run; checking that it still runs',
      });
    }
  }

  onEvent(e: ReconcileEvent): void {
    switch (e.type) {
      case 'server.starting':
        this.update(e.server, (p) => ({ ...progressing(p), message: `starting ${e.version} from ${short(e.commit)}` }));
        break;
      case 'server.waiting':
        // a new server shows why its start waits (Unschedulable, ImagePullBackOff...); a running one
        // keeps the reason of the instance that serves it, and says it in the message
        this.update(e.server, (p) => ({
          ...(p.phase === 'Running' ? { phase: 'Running' } : { phase: 'Progressing', reason: isWaitingReason(e.reason) ? e.reason : 'Progressing' }),
          message: `starting from ${short(e.commit)}: waiting: ${e.message}`,
        }));
        break;
      case 'server.verifying':
        this.update(e.server, (p) => ({ ...progressing(p), message: `gating instance ${e.instanceId}, left running by an earlier run` }));
        break;
      case 'gate.passed':
        this.update(e.server, () => ({ message: `new instance passed its health gate in ${e.seconds.toFixed(1)}s; waiting for the rest of the rollout` }));
        break;
      case 'server.toolDrift':
        this.drifts.set(e.server, {
          instanceId: e.instanceId,
          drift: { at: e.at, added: e.added, removed: e.removed, changed: e.changed, pin: e.pin },
        });
        break;
      case 'server.toolDriftCleared':
        if (this.drifts.get(e.server)?.instanceId === e.instanceId) this.drifts.delete(e.server);
        break;
      case 'canary.step':
        this.update(e.server, () => ({ message: `canary step ${e.step} of ${e.of}: ${e.weight} % of new sessions on the new version` }));
        break;
      case 'canary.reverted':
        this.update(e.server, () => ({ message: `canary reverted: ${e.message}; the stable version serves` }));
        break;
      case 'canary.promoted':
        this.update(e.server, () => ({ message: `canary promoted: ${e.message}` }));
        break;
      case 'gate.failed':
        this.update(e.server, () => ({ phase: 'Failed', health: 'Unhealthy', reason: e.code, message: e.reason }));
        break;
      default:
        break;
    }
  }

  /** After a converge ran to its end: desired servers from their records and outcomes; others go. */
  settle(
    out: ConvergeOutcome,
    desired: readonly RenderedServer[],
    records: Record<string, AppliedServer>,
    crashes: (server: string) => CrashRecord | undefined,
  ): void {
    const names = new Set(desired.map((d) => d.spec.name));
    for (const name of [...this.servers.keys()]) if (!names.has(name)) this.forget(name);
    for (const d of desired) {
      const name = d.spec.name;
      const o = out.outcomes.get(name);
      if (!o || o.status === 'skipped' || o.status === 'cancelled') continue;
      if (o.status === 'failed' || !o.instance) {
        this.serving.delete(name);
        this.update(name, () => ({
          phase: 'Failed',
          health: 'Unhealthy',
          reason: o.code ?? 'StartFailed',
          message: o.reason ?? 'failed',
          instanceId: null,
          startedAt: null,
        }));
        continue;
      }
      this.serving.set(name, new Set(o.replicas?.map((r) => r.id) ?? [o.instance.id]));
      const rec = records[name];
      const crash = crashes(name);
      const base =
        rec && rec.specHash === d.specHash
          ? fromRecord(rec)
          : {
              ...blank(name),
              version: d.masked.version,
              commit: o.instance.labels.commit,
              tools: (o.tools ?? []).map((t) => t.name),
              ...(o.surface && { toolSurface: o.surface }),
            };
      const what = o.status === 'started' ? `health gate passed in ${(o.seconds ?? 0).toFixed(1)}s` : 'running';
      this.servers.set(name, {
        ...base,
        phase: 'Running',
        health: 'Healthy',
        reason: 'Healthy',
        endpoint: this.endpointFor?.(d.spec) ?? null,
        instanceId: o.instance.id,
        startedAt: o.instance.startedAt,
        restarts: crash?.failures ?? 0,
        message: crash ? `${what}; restarted ${crash.failures} time${crash.failures === 1 ? '' : 's'} after: ${crash.message}` : what,
        ...(o.replicas && {
          replicas: { desired: replicaCount(d), ready: o.replicas.length, instances: o.replicas.map((r) => ({ index: r.index, instanceId: r.id })) },
        }),
      });
    }
  }

  /** The serving instance exited (or its restart failed): CrashLoopBackOff until the next attempt. */
  crashed(server: string, message: string, rec: CrashRecord, retryMs: number, reason: CrashReason = 'CrashLoopBackOff', instanceId?: string): void {
    const retry = Math.ceil(retryMs / 1000);
    const left = this.serving.get(server);
    if (instanceId !== undefined && left?.delete(instanceId) && left.size > 0) {
      // one replica of several: the others go on serving; only it is restarted
      this.update(server, (p) => replicaDown(p, instanceId, left, { message, reason, restarts: rec.failures, retry }));
      return;
    }
    this.serving.delete(server);
    this.update(server, () => ({
      phase: 'Failed',
      health: 'Unhealthy',
      reason,
      restarts: rec.failures,
      instanceId: null,
      startedAt: null,
      message: `${message}; ${reason === 'RemoteUnreachable' ? 'checking again' : 'restarting'} in ${retry}s (${reason}, ${rec.failures} restart${rec.failures === 1 ? '' : 's'})`,
    }));
  }

  private forget(name: string): void {
    this.drifts.delete(name);
    this.servers.delete(name);
    this.serving.delete(name);
  }

  private update(name: string, change: (prev: ServerStatus) => Partial<ServerStatus>): void {
    const prev = this.servers.get(name) ?? blank(name);
    this.servers.set(name, { ...prev, ...change(prev) });
  }
}

/** One replica exited: the server still runs on the others (Unhealthy until it is back). */
function replicaDown(
  p: ServerStatus,
  instanceId: string,
  left: ReadonlySet<string>,
  c: { message: string; reason: CrashReason; restarts: number; retry: number },
): Partial<ServerStatus> {
  const instances = (p.replicas?.instances ?? []).filter((r) => r.instanceId !== instanceId && left.has(r.instanceId));
  const index = p.replicas?.instances.find((r) => r.instanceId === instanceId)?.index;
  const desired = p.replicas?.desired ?? left.size + 1;
  return {
    health: 'Unhealthy',
    reason: c.reason,
    restarts: c.restarts,
    ...(p.instanceId === instanceId && { instanceId: instances[0]?.instanceId ?? [...left][0] }),
    replicas: { desired, ready: left.size, instances },
    message: `replica ${index ?? '?'} (${instanceId}): ${c.message}; restarting it in ${c.retry}s (${c.reason}, ${c.restarts} restart${c.restarts === 1 ? '' : 's'}); ${left.size} of ${desired} replicas serve`,
  };
}

/** A new instance is on its way: a server already Running stays so (its old instance serves). */
function progressing(p: ServerStatus): Pick<ServerStatus, 'phase' | 'reason'> {
  return p.phase === 'Running' ? { phase: 'Running', reason: p.reason } : { phase: 'Progressing', reason: 'Progressing' };
}

function blank(name: string): ServerStatus {
  return {
    name,
    version: '',
    commit: null,
    phase: 'Pending',
    health: 'Unknown',
    reason: 'Pending',
    endpoint: null,
    deployedAt: null,
    message: '',
    tools: [],
    restarts: 0,
    instanceId: null,
    startedAt: null,
  };
}

function fromRecord(rec: AppliedServer): ServerStatus {
  return {
    ...blank(rec.name),
    version: rec.version,
    commit: rec.commit,
    deployedAt: rec.deployedAt,
    tools: rec.tools ?? [],
    ...(rec.toolSurface && { toolSurface: rec.toolSurface }),
  };
}

/** `tool drift (pin warn): +new -gone ~echo(description)`, for the server's message. */
export function describeToolDrift(d: ToolDriftStatus): string {
  const parts = [...d.added.map((n) => `+${n}`), ...d.removed.map((n) => `-${n}`), ...d.changed.map((c) => `~${c.name}(${c.parts.join(',')})`)];
  const what = d.pin === 'enforce' ? 'the gateway serves only the approved tools' : 'reported only';
  return `tool drift since the gate (pin ${d.pin}: ${what}): ${parts.join(' ')}`;
}
