// Remote servers (spec.url) as runtime instances: nothing is started, an "instance" is the decision
// to serve one rendered spec of a remote (its url and headers) from one commit. It is "running"
// until removed or until a periodic check finds the remote unreachable: then it is reported exited
// (reason RemoteUnreachable) and the reconciler replaces it with backoff, gating the remote again.
// Instances live in memory: after a daemon restart each remote is gated again before it serves.
import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ExitListeners } from '../runtimes/exit-listeners.js';
import { RuntimeError, startCancelled } from '../runtimes/errors.js';
import { silentLogger, type Logger } from '../runtimes/logger.js';
import type { ExitInfo, Instance, StartContext } from '../runtimes/runtime.js';
import type { RenderedServer } from '../spec/desired.js';
import { probeRemote } from './probe.js';
import { createRemoteTransport, type RemoteTarget } from './remote-transport.js';

/** Ids of remote instances start with this; the composite runtime routes by it. */
export const REMOTE_ID_PREFIX = 'remote-';

/** How often a serving remote is checked (a handshake), by default. */
export const DEFAULT_CHECK_EVERY_MS = 15_000;

export interface RemoteRuntimeOptions {
  logger?: Logger;
  /** How often each remote is checked; 0 = never (tests that drive check() themselves). */
  checkEveryMs?: number;
  /** Replaces the real handshake (tests). */
  probe?: (target: RemoteTarget, timeoutMs: number) => Promise<string | null>;
}

interface Entry {
  instance: Instance;
  target: RemoteTarget;
  timeoutMs: number;
  /** Until then its health gate watches it (handshake deadline + stabilization): no check of ours. */
  gatedUntil: number;
}

export function isRemoteServer(server: Pick<RenderedServer['spec'], 'url'>): boolean {
  return server.url !== undefined;
}

export function isRemoteId(id: string): boolean {
  return id.startsWith(REMOTE_ID_PREFIX);
}

export class RemoteRuntime {
  private readonly entries = new Map<string, Entry>();
  private readonly exits: ExitListeners;
  private readonly logger: Logger;
  private readonly probe: NonNullable<RemoteRuntimeOptions['probe']>;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: RemoteRuntimeOptions = {}) {
    this.logger = o.logger ?? silentLogger;
    this.exits = new ExitListeners(this.logger);
    this.probe = o.probe ?? probeRemote;
  }

  observe(): Promise<Instance[]> {
    return Promise.resolve([...this.entries.values()].map((e) => ({ ...e.instance, labels: { ...e.instance.labels } })));
  }

  start(server: RenderedServer, ctx: StartContext): Promise<Instance> {
    const spec = server.spec;
    if (this.stopped) return Promise.reject(new RuntimeError('RUNTIME_SHUT_DOWN', 'the runtime was shut down'));
    if (ctx.signal?.aborted) return Promise.reject(startCancelled(spec.name));
    if (spec.url === undefined || spec.transport === 'stdio')
      return Promise.reject(new RuntimeError('RUNTIME_INVALID_SPEC', `server ${spec.name} is not a remote server (no url)`, { server: spec.name }));
    const id = `${REMOTE_ID_PREFIX}${spec.name}-${randomBytes(4).toString('hex')}`;
    const instance: Instance = {
      id,
      labels: { server: spec.name, commit: ctx.commit, specHash: server.specHash },
      state: 'running',
      startedAt: new Date().toISOString(),
      endpoint: { kind: 'remote' },
    };
    this.entries.set(id, {
      instance,
      target: { url: spec.url, transport: spec.transport, headers: { ...(spec.headers ?? {}) } },
      timeoutMs: spec.health.timeoutSeconds * 1000,
      gatedUntil: Date.now() + (spec.health.timeoutSeconds + spec.health.stabilizationSeconds) * 1000,
    });
    this.schedule();
    return Promise.resolve({ ...instance });
  }

  remove(id: string): Promise<void> {
    this.entries.delete(id);
    if (this.entries.size === 0) this.unschedule();
    return Promise.resolve();
  }

  connect(id: string): Promise<Transport> {
    const e = this.entries.get(id);
    if (!e) return Promise.reject(new RuntimeError('RUNTIME_INSTANCE_NOT_FOUND', `instance ${id} not found`, { id }));
    if (e.instance.state !== 'running')
      return Promise.reject(new RuntimeError('RUNTIME_NOT_RUNNING', `instance ${id} of remote server ${e.instance.labels.server} is unreachable`, { id }));
    return Promise.resolve(createRemoteTransport(e.target));
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    return this.exits.add(listener);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.unschedule();
    await this.checking;
    this.entries.clear();
  }

  /** Checks every running remote once (a handshake each); an unreachable one is reported exited. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkAll(): Promise<void> {
    const now = Date.now();
    const running = [...this.entries.values()].filter((e) => e.instance.state === 'running' && e.gatedUntil <= now);
    await Promise.all(
      running.map(async (e) => {
        const failed = await this.probe(e.target, e.timeoutMs);
        if (failed === null || this.entries.get(e.instance.id) !== e || e.instance.state !== 'running') return;
        const message = `remote unreachable: ${failed}`;
        e.instance.state = 'exited';
        e.instance.message = message;
        this.logger.warn({ server: e.instance.labels.server, id: e.instance.id, err: failed }, 'remote server unreachable');
        this.exits.notify({ id: e.instance.id, server: e.instance.labels.server, message, reason: 'RemoteUnreachable' });
      }),
    );
  }

  private schedule(): void {
    const every = this.o.checkEveryMs ?? DEFAULT_CHECK_EVERY_MS;
    if (this.timer || every <= 0) return;
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  private unschedule(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
