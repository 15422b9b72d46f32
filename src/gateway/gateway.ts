// The gateway's core: which instance serves new sessions of each server, which sessions are pinned
// to which instance, and the cut-over rules between them (GatewayRouter). Rooms by role: http/ (the
// /mcp/<name> route), downstream/ (client sessions), upstream/ (connections to instances).
import type { InitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ExitInfo } from '../runtimes/runtime.js';
import { dedicatedSource } from './upstream/dedicated-upstream.js';
import { GatewayError } from './errors.js';
import { HostPolicy } from '../hosts/host-check.js';
import { InstanceSlot, type Via } from './instance-slot.js';
import { silentLogger } from './logger.js';
import { tracedMetrics } from '../telemetry/gateway-spans.js';
import { createGatewayMetrics, noMetrics, type ErrorReason, type GatewayMetrics, type SessionCounts } from './metrics.js';
import { DEFAULT_LIMITS, type GatewayLimits, type GatewayLogger, type GatewayOptions } from './options.js';
import type { ActiveInstance, GatewayRouter, OwnedCandidate } from './router.js';
import type { DownstreamSession } from './downstream/downstream-session.js';
import { ProxySession } from './downstream/proxy-session.js';
import { proxyTarget } from './upstream/proxy-target.js';
import { GatewaySession } from './downstream/session.js';
import { isolatedSource, OwnedInstances } from './upstream/isolated-upstream.js';
import { sharedSource } from './upstream/shared-upstream.js';
import { Tombstones } from './tombstones.js';
import { httpWatchSource } from './tools/http-watch-source.js';
import { InstanceTools } from './tools/instance-tools.js';
import { Canaries } from './canary/canaries.js';
import type { CanaryFigures } from './canary/types.js';

export interface Gateway extends GatewayRouter {
  readonly limits: GatewayLimits;
  /** Sessions open now, for one server or all. */
  sessionCount(server?: string): number;
  /** The instance new sessions of `server` go to, if any (several replicas: the first). */
  activeInstance(server: string): string | undefined;
  /** Every instance new sessions of `server` may go to (its replicas), in the reconciler's order. */
  activeInstances(server: string): string[];
  /** Ends every session and lets go of every upstream (daemon shutdown). Idempotent. */
  close(): Promise<void>;
}

const SERVER_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export function createGateway(options: GatewayOptions): GatewayCore {
  return new GatewayCore(options);
}

export class GatewayCore implements Gateway {
  readonly limits: GatewayLimits;
  readonly metrics: GatewayMetrics;
  readonly hosts: HostPolicy;
  private readonly logger: GatewayLogger;
  /** The instances new sessions of each server go to (several: its replicas). */
  private readonly active = new Map<string, InstanceSlot[]>();
  private readonly slots = new Map<string, InstanceSlot>();
  private readonly sessions = new Map<string, DownstreamSession>();
  private readonly opening = new Map<string, number>();
  /** Instances started for isolated sessions (the rollout neither keeps nor prunes them). */
  private readonly owned = new OwnedInstances();
  private readonly tombstones: Tombstones;
  /** Each instance's tool guard (filter, pin, drift) and watch, by instance id. */
  private readonly tools = new Map<string, InstanceTools>();
  private readonly canaries: Canaries;
  private readonly unsubscribeExit: () => void;
  private closing: Promise<void> | undefined;

  constructor(private readonly o: GatewayOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.logger = o.logger ?? silentLogger;
    this.hosts = o.hosts ?? new HostPolicy();
    this.tombstones = new Tombstones(this.limits.tombstones);
    this.metrics = tracedMetrics<ErrorReason, GatewayMetrics>(o.registry ? createGatewayMetrics(o.registry, () => this.sessionCounts(), o.series) : noMetrics);
    this.canaries = new Canaries(o.registry ? { registry: o.registry } : {});
    this.unsubscribeExit = o.runtime.onExit((info) => this.onExit(info));
  }

  // ---- GatewayRouter ---------------------------------------------------------------------------

  setActive(server: string, instances: ActiveInstance | readonly ActiveInstance[]): void {
    const list = isList(instances) ? instances : [instances];
    const previous = (this.active.get(server) ?? []).map((s) => s.id);
    if (this.closing || (previous.length === list.length && list.every((i, k) => previous[k] === i.id))) return;
    const slots = list.map((i) => this.slotFor(server, i)).filter((s): s is InstanceSlot => s !== undefined);
    if (slots.length === 0) return;
    this.active.set(server, slots);
    const ids = slots.map((s) => s.id);
    if (ids.length === 1) this.logger.info({ server, instanceId: ids[0], previous: previous[0] }, 'gateway: new sessions go to this instance');
    else this.logger.info({ server, instanceIds: ids, previous }, 'gateway: new sessions go to these replicas (fewest open sessions first)');
  }

  setCanary(server: string, instance: ActiveInstance, weight: number): void {
    if (this.closing || !this.slotFor(server, instance)) return;
    this.canaries.set(server, instance.id, weight);
    this.logger.info({ server, instanceId: instance.id, weight }, 'gateway: canary gets this share of new sessions');
  }

  endCanary(server: string, o: { promote: boolean }): void {
    const id = this.canaries.figures(server)?.canary;
    this.canaries.end(server);
    const slot = id === undefined ? undefined : this.slots.get(id);
    if (o.promote && slot && !slot.retiring && !this.closing) this.active.set(server, [slot]);
    this.logger.info(
      { server, instanceId: id, promoted: o.promote },
      o.promote ? 'gateway: canary promoted' : 'gateway: canary ended; new sessions go to the stable instance',
    );
  }

  canaryFigures(server: string): CanaryFigures | undefined {
    return this.canaries.figures(server);
  }

  retire(instanceId: string, o: { now?: boolean } = {}): Promise<void> {
    const slot = this.slots.get(instanceId);
    if (!slot) return Promise.resolve();
    const why = new GatewayError(
      'DRAINED',
      `instance ${instanceId} of server ${slot.server} was retired${o.now ? '' : ' and the drain timeout passed'}; initialize a new session`,
      slot.server,
    );
    slot.retiring ??= this.drain(slot, o.now ? 0 : this.limits.drainTimeoutMs, why);
    if (o.now) slot.cut();
    return slot.retiring;
  }

  owns(instance: OwnedCandidate): boolean {
    return this.owned.has(instance);
  }

  /** The slot of `instance`, made on first use; none when it is being retired. */
  private slotFor(server: string, instance: ActiveInstance): InstanceSlot | undefined {
    let slot = this.slots.get(instance.id);
    if (slot?.retiring) {
      this.logger.warn({ server, instanceId: instance.id }, 'gateway: not routing to an instance that is being retired');
      return undefined;
    }
    slot ??= new InstanceSlot(
      instance.id,
      server,
      this.viaFor(server, instance),
      instance.server?.spec.gateway?.maxSessions ?? this.limits.maxSessionsPerServer,
    );
    if (!this.tools.has(instance.id)) this.tools.set(instance.id, this.toolsFor(server, instance, slot.via));
    this.slots.set(instance.id, slot);
    return slot;
  }

  /**
   * Where a new session of `server` goes: the canary when the draw says so, else the active instance
   * with the fewest sessions (open or opening) among those not on their way out (spec.replicas).
   */
  private route(server: string): InstanceSlot | undefined {
    const id = this.canaries.choose(server);
    const canary = id === undefined ? undefined : this.slots.get(id);
    if (canary && !canary.retiring) return canary;
    const load = (s: InstanceSlot): number => s.sessions.size + s.opening;
    return (this.active.get(server) ?? []).filter((s) => !s.retiring).reduce<InstanceSlot | undefined>((a, s) => (a && load(a) <= load(s) ? a : s), undefined);
  }

  // ---- queries ---------------------------------------------------------------------------------

  sessionCount(server?: string): number {
    if (server === undefined) return this.sessions.size;
    return [...this.sessions.values()].filter((s) => s.server === server).length;
  }

  activeInstance(server: string): string | undefined {
    return this.active.get(server)?.[0]?.id;
  }

  activeInstances(server: string): string[] {
    return (this.active.get(server) ?? []).map((s) => s.id);
  }

  /** A server the gateway routes now, or one the daemon deploys (maybe not ready). */
  knows(server: string): boolean {
    if (!SERVER_NAME.test(server)) return false;
    return this.active.has(server) || [...this.slots.values()].some((s) => s.server === server) || this.o.servers?.(server) !== undefined;
  }

  get token(): GatewayOptions['token'] {
    return this.o.token;
  }

  // ---- sessions --------------------------------------------------------------------------------

  /** The open session `id` of `server`, or the error that says why there is none. */
  find(id: string, server: string): DownstreamSession {
    const s = this.sessions.get(id);
    if (s && s.server === server) return s;
    const why = this.tombstones.why(id);
    if (why && why.server === server) throw new GatewayError('SESSION_ENDED', `session ended: ${why.message}`, server);
    if (!this.knows(server)) throw this.unknown(server);
    throw new GatewayError('SESSION_NOT_FOUND', 'Session not found: it ended or never existed; initialize a new session', server);
  }

  /** A new session on the active instance of `server` (its initialize request is still to be handled). */
  async open(server: string, init: InitializeRequest): Promise<DownstreamSession> {
    if (this.closing) throw new GatewayError('NOT_READY', 'the gateway is shutting down', server);
    this.opening.set(server, (this.opening.get(server) ?? 0) + 1);
    try {
      await this.makeRoom(server);
      // an instance retired while its upstream was being opened: take the next active one
      for (let attempt = 0; attempt < 3; attempt++) {
        const slot = this.route(server);
        if (!slot) throw this.notReady(server);
        const onClosed = (s: DownstreamSession, why: GatewayError): void => this.ended(slot, s, why);
        // a session's own upstream sees the client's capabilities; the shared one and the gate declare none
        const gateView = slot.via.kind === 'sdk' && slot.via.source.shared ? true : Object.keys(init.params.capabilities).length === 0;
        const tools = this.tools.get(slot.id)?.guard.forSession(gateView);
        const metrics = this.canaries.metricsFor(slot.id, this.metrics);
        slot.opening++; // counts for the spread while its upstream opens
        let session: DownstreamSession;
        try {
          session =
            slot.via.kind === 'proxy'
              ? new ProxySession({ server, instanceId: slot.id, target: slot.via.target, metrics, limits: this.limits, onClosed, tools })
              : await GatewaySession.open({
                  server,
                  instanceId: slot.id,
                  source: slot.via.source,
                  init,
                  metrics,
                  limits: this.limits,
                  onClosed,
                  tools,
                });
        } finally {
          slot.opening--;
        }
        if (!slot.retiring && !this.closing) {
          slot.add(session);
          this.sessions.set(session.id, session);
          return session;
        }
        await session.close(new GatewayError('DRAINED', 'instance retired while the session opened', server));
      }
      throw this.notReady(server);
    } finally {
      this.opening.set(server, (this.opening.get(server) ?? 1) - 1);
    }
  }

  /**
   * At the server's session limit, the least recently used session with no request in flight is
   * closed (its client gets SESSION_ENDED and initializes again); only when every session is busy
   * is the new one refused. So abandoned sessions never lock a server out, and a client opening
   * sessions in a loop cannot push out one that is working.
   */
  private async makeRoom(server: string): Promise<void> {
    const max = this.active.get(server)?.[0]?.maxSessions ?? this.limits.maxSessionsPerServer;
    const open = [...this.sessions.values()].filter((s) => s.server === server);
    let excess = open.length + (this.opening.get(server) ?? 0) - max; // opening counts this one
    if (excess <= 0) return;
    const idle = open.filter((s) => s.established && !s.busy).sort((a, b) => a.lastActive - b.lastActive);
    if (idle.length < excess) {
      throw new GatewayError('TOO_MANY_SESSIONS', `server ${server} has ${max} open sessions, all with a request in flight; retry later`, server);
    }
    const why = new GatewayError(
      'SESSION_ENDED',
      `the session was closed to make room: server ${server} reached its limit of ${max} sessions and this one was the least recently used; initialize a new session`,
      server,
    );
    const evicted: Promise<void>[] = [];
    for (const s of idle) {
      if (excess-- <= 0) break;
      this.metrics.evicted(server);
      evicted.push(s.close(why));
    }
    this.logger.info({ server, evicted: evicted.length, maxSessions: max }, 'gateway: session limit reached; closed the least recently used idle sessions');
    await Promise.all(evicted);
  }

  unknown(server: string): GatewayError {
    return new GatewayError('UNKNOWN_SERVER', `no MCP server named "${server}" is deployed`);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.unsubscribeExit();
      const why = new GatewayError('SESSION_ENDED', 'the gateway is shutting down');
      this.active.clear();
      await Promise.all(
        [...this.slots.values()].map((slot) => {
          slot.retiring ??= this.drain(slot, 0, why);
          slot.cut();
          return slot.retiring;
        }),
      );
    })();
    return this.closing;
  }

  // ---- internals -------------------------------------------------------------------------------

  private viaFor(server: string, instance: ActiveInstance): Via {
    const endpoint = instance.endpoint;
    if (endpoint.kind === 'http' && endpoint.transport === 'streamable-http' && this.o.passThroughHttp !== false) {
      return { kind: 'proxy', target: proxyTarget(endpoint.url) };
    }
    const connect = () => this.o.runtime.connect(instance.id);
    const connectTimeoutMs = this.limits.connectTimeoutMs;
    const { start, remove } = this.o.runtime;
    if (endpoint.kind === 'stdio' && instance.server?.spec.gateway?.sessions === 'isolated' && instance.ctx && start && remove) {
      const runtime = { start: start.bind(this.o.runtime), remove: remove.bind(this.o.runtime), connect: this.o.runtime.connect.bind(this.o.runtime) };
      return {
        kind: 'sdk',
        source: isolatedSource({ server: instance.server, ctx: instance.ctx, runtime, connectTimeoutMs, logger: this.logger, owned: this.owned }),
      };
    }
    if (endpoint.kind === 'stdio') {
      const clientInfo = this.o.clientInfo ?? { name: 'mcp-gitops-gateway', version: '1' };
      return { kind: 'sdk', source: sharedSource({ server, instanceId: instance.id, connect, connectTimeoutMs, clientInfo, logger: this.logger }) };
    }
    return { kind: 'sdk', source: dedicatedSource({ server, connect, connectTimeoutMs }) };
  }

  /** spec.tools of the instance: what its sessions filter, and the watch that sees tool drift. */
  private toolsFor(server: string, instance: ActiveInstance, via: Via): InstanceTools {
    // isolated stdio sessions: no instance to watch until a client opens one
    const isolated = via.kind === 'sdk' && !via.source.shared && instance.endpoint.kind === 'stdio';
    const watchSource = via.kind === 'proxy' ? httpWatchSource(server, via.target.url, this.limits.connectTimeoutMs) : isolated ? undefined : via.source;
    return new InstanceTools({
      server,
      instanceId: instance.id,
      // no spec (the stdio bridge's child): nothing to pin or filter; the daemon's gateway does it
      settings: instance.server ? instance.server.spec.tools : { pin: 'off' },
      approved: instance.approvedSurface,
      watchSource,
      requestTimeoutMs: this.limits.connectTimeoutMs,
      metrics: this.metrics,
      logger: this.logger,
      ...(this.o.onToolDrift && { onDrift: this.o.onToolDrift }),
    });
  }

  /** Sessions end on their own until `timeoutMs`; those left are expired with `why`; then the slot goes. */
  private async drain(slot: InstanceSlot, timeoutMs: number, why: GatewayError): Promise<void> {
    // out of the set at once: new sessions go to the other replicas (none left: not ready)
    const set = this.active.get(slot.server);
    if (set?.includes(slot)) {
      const rest = set.filter((s) => s !== slot);
      if (rest.length > 0) this.active.set(slot.server, rest);
      else this.active.delete(slot.server);
    }
    const pinned = slot.sessions.size;
    if (pinned > 0) this.logger.info({ server: slot.server, instanceId: slot.id, sessions: pinned, timeoutMs }, 'gateway: draining instance');
    const emptied = await slot.drained(timeoutMs);
    if (!emptied) await Promise.all([...slot.sessions].map((s) => s.expire(why)));
    await this.tools.get(slot.id)?.close();
    this.tools.delete(slot.id);
    await slot.close().catch(() => undefined);
    this.slots.delete(slot.id);
    if (pinned > 0) this.logger.info({ server: slot.server, instanceId: slot.id, expired: emptied ? 0 : pinned }, 'gateway: instance drained');
  }

  private onExit(info: ExitInfo): void {
    const slot = this.slots.get(info.id);
    if (!slot) return;
    this.canaries.lost(info.id, info.message);
    const why = new GatewayError(
      'INSTANCE_GONE',
      `instance ${info.id} of server ${slot.server} stopped (${info.message}); initialize a new session`,
      slot.server,
    );
    slot.retiring ??= this.drain(slot, 0, why);
  }

  private ended(slot: InstanceSlot, s: DownstreamSession, why: GatewayError): void {
    if (this.sessions.get(s.id) === s) this.sessions.delete(s.id);
    slot.remove(s);
    this.tombstones.bury(s.id, why);
  }

  private notReady(server: string): GatewayError {
    const hint = this.o.servers?.(server);
    const detail = hint ? ` (${hint.phase}${hint.message ? `: ${hint.message}` : ''})` : '';
    return new GatewayError('NOT_READY', `server ${server} has no instance that passed its health gate yet${detail}`, server);
  }

  private sessionCounts(): Map<string, SessionCounts> {
    const counts = new Map<string, SessionCounts>();
    for (const server of this.active.keys()) counts.set(server, { active: 0, draining: 0 });
    for (const slot of this.slots.values()) {
      const c = counts.get(slot.server) ?? { active: 0, draining: 0 };
      if (this.active.get(slot.server)?.includes(slot) || this.canaries.isCanary(slot.id)) c.active += slot.sessions.size;
      else c.draining += slot.sessions.size;
      counts.set(slot.server, c);
    }
    return counts;
  }
}

function isList(v: ActiveInstance | readonly ActiveInstance[]): v is readonly ActiveInstance[] {
  return Array.isArray(v);
}
