// An in-memory Runtime whose instances serve REAL MCP (the SDK's McpServer over a linked
// InMemoryTransport pair), so the real health gate runs against it. Behaviour comes from the spec's
// env, i.e. from the YAML in the fake repository:
//   TOOLS=a,b        tools offered (default "echo")
//   BEHAVIOR=ok      answers (default) | exit: dies right after start, before answering | hang: never answers |
//                    start-error: start() throws (image missing) | slow-start: start() waits until its
//                    signal aborts (a kubernetes Deployment that never becomes available) |
//                    pull-error: start() fails as kubernetes does for an image that does not exist
//   WAITING=<reason> a slow start first says why it waits (ctx.onWaiting), as kubernetes does
//   HOLD=<key>       while the test holds <key>, every message to the server waits (a slow gate)
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { RuntimeCapabilities } from '../../../src/runtimes/capabilities.js';
import { RuntimeError, startCancelled } from '../../../src/runtimes/errors.js';
import type { ExitInfo, Instance, InstanceLabels, Runtime, StartContext } from '../../../src/runtimes/runtime.js';
import type { DesiredServer, RenderedServer } from '../../../src/spec/desired.js';
import type { Timeline } from './timeline.js';

interface MemInstance {
  id: string;
  labels: InstanceLabels;
  state: 'running' | 'exited';
  startedAt: string;
  message?: string;
  spec: DesiredServer;
  servers: Set<McpServer>;
}

interface Hold {
  promise: Promise<void>;
  release: () => void;
}

export const MEMORY_CAPABILITIES: RuntimeCapabilities = { sharedHostPorts: false, endpointsReachable: true, instanceNoun: 'instance' };

export class MemoryRuntime implements Runtime {
  readonly capabilities = MEMORY_CAPABILITIES;
  private readonly instances = new Map<string, MemInstance>();
  private readonly listeners = new Set<(info: ExitInfo) => void>();
  private readonly holds = new Map<string, Hold>();
  private counter = 0;
  private closed = false;
  /** observe() throws this many times (a runtime failing mid-rollout). */
  failObserve = 0;
  /** start() of these servers throws this many more times. */
  readonly failStarts = new Map<string, number>();
  /** The failures above are the engine's (typed `transient: true`, as docker's and kubernetes' are), not the spec's. */
  transientFailures = false;

  constructor(
    readonly timeline: Timeline,
    private readonly now: () => number = Date.now,
    private readonly prefix = 'i',
  ) {}

  async observe(): Promise<Instance[]> {
    await Promise.resolve();
    if (this.failObserve > 0) {
      this.failObserve--;
      throw this.failure('runtime unavailable: engine not answering');
    }
    return [...this.instances.values()].map(toInstance);
  }

  async start(server: RenderedServer, ctx: StartContext): Promise<Instance> {
    await Promise.resolve();
    const spec = server.spec;
    if (this.closed) throw new RuntimeError('RUNTIME_SHUT_DOWN', 'the memory runtime has been shut down');
    const failing = this.failStarts.get(spec.name) ?? 0;
    if (failing > 0) this.failStarts.set(spec.name, failing - 1);
    if (failing > 0) throw this.failure(`cannot start ${spec.name}: engine error`);
    if (behavior(spec) === 'start-error') throw new Error(`cannot start ${spec.name}: image not found`);
    if (ctx.signal?.aborted) throw startCancelled(spec.name);
    if (behavior(spec) === 'pull-error') {
      throw new RuntimeError('RUNTIME_START_FAILED', 'pod cannot start its container (ImagePullBackOff): Back-off pulling image "nope:1"', {
        reason: 'ImagePullBackOff',
      });
    }
    if (behavior(spec) === 'slow-start') {
      const waiting = spec.env.WAITING;
      if (waiting) ctx.onWaiting?.({ reason: waiting, message: `${waiting}: pod not scheduled: 0/3 nodes are available` });
      this.timeline.add({ op: 'starting', id: '', server: spec.name, version: spec.version });
      await new Promise<void>((resolve) => ctx.signal?.addEventListener('abort', () => resolve(), { once: true }));
      throw startCancelled(spec.name);
    }
    const id = `${this.prefix}${++this.counter}-${spec.name}`;
    const inst: MemInstance = {
      id,
      labels: { server: spec.name, commit: ctx.commit, specHash: server.specHash },
      state: 'running',
      startedAt: new Date(this.now()).toISOString(),
      spec,
      servers: new Set(),
    };
    this.instances.set(id, inst);
    this.timeline.add({ op: 'start', id, server: spec.name, version: spec.version });
    if (behavior(spec) === 'exit') setImmediate(() => this.exit(id, 'exited with code 1: fatal: config not found'));
    return toInstance(inst);
  }

  private failure(message: string): Error {
    return Object.assign(new Error(message), this.transientFailures ? { transient: true } : {});
  }

  async remove(id: string): Promise<void> {
    await Promise.resolve();
    const inst = this.instances.get(id);
    if (!inst) return;
    this.instances.delete(id);
    inst.state = 'exited';
    await closeAll(inst);
    this.timeline.add({ op: 'remove', id, server: inst.labels.server, version: inst.spec.version });
  }

  async connect(id: string): Promise<Transport> {
    const inst = this.instances.get(id);
    if (!inst) throw new RuntimeError('RUNTIME_INSTANCE_NOT_FOUND', `no instance ${id}`, { id });
    if (inst.state !== 'running') throw new RuntimeError('RUNTIME_NOT_RUNNING', `instance ${id} ${inst.message ?? 'exited'}`, { id });
    const [client, server] = InMemoryTransport.createLinkedPair();
    if (behavior(inst.spec) === 'hang' || behavior(inst.spec) === 'exit') {
      server.onmessage = () => undefined;
      await server.start();
      return client;
    }
    const mcp = new McpServer({ name: inst.spec.name, version: inst.spec.version });
    for (const tool of tools(inst.spec)) {
      mcp.registerTool(tool, { description: `${tool} tool` }, () => ({ content: [{ type: 'text', text: tool }] }));
    }
    const key = inst.spec.env.HOLD;
    const hold = key === undefined ? undefined : this.holds.get(key);
    await mcp.connect(hold ? new HeldTransport(server, hold.promise) : server);
    inst.servers.add(mcp);
    return client;
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    for (const id of [...this.instances.keys()]) await this.remove(id);
  }

  // ---- test controls -------------------------------------------------------------------------

  /** Makes gates of servers with env HOLD=<key> wait until release(key). */
  hold(key: string): void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.holds.set(key, { promise, release });
  }

  release(key: string): void {
    this.holds.get(key)?.release();
    this.holds.delete(key);
  }

  /** The instance dies out of band (crash, OOM kill). */
  exit(id: string, message = 'killed by signal SIGKILL'): void {
    const inst = this.instances.get(id);
    if (!inst || inst.state !== 'running') return;
    inst.state = 'exited';
    inst.message = message;
    this.timeline.add({ op: 'exit', id, server: inst.labels.server, version: inst.spec.version });
    for (const l of [...this.listeners]) l({ id, server: inst.labels.server, message });
    void closeAll(inst);
  }

  /** Running instances, by server name. */
  running(): Map<string, Instance[]> {
    const m = new Map<string, Instance[]>();
    for (const i of this.instances.values()) {
      if (i.state === 'running') m.set(i.labels.server, [...(m.get(i.labels.server) ?? []), toInstance(i)]);
    }
    return m;
  }

  /** The one running instance of `server` (throws if there is not exactly one). */
  only(server: string): Instance {
    const list = this.running().get(server) ?? [];
    if (list.length !== 1) throw new Error(`expected one running instance of ${server}, found ${list.map((i) => i.id).join(', ') || 'none'}`);
    return list[0];
  }

  /**
   * What a new daemon process would find after the old one died: the same instances, now owned by a
   * new runtime (the old one keeps its own table, so whatever the abandoned reconciler still does
   * cannot touch them).
   */
  fork(prefix: string): MemoryRuntime {
    const next = new MemoryRuntime(this.timeline, this.now, prefix);
    for (const [id, inst] of this.instances) next.instances.set(id, { ...inst, servers: new Set() });
    return next;
  }
}

/** Delays every message to the server until `gate` resolves. */
class HeldTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  constructor(
    private readonly inner: InMemoryTransport,
    private readonly gate: Promise<void>,
  ) {
    inner.onmessage = (m) => void this.gate.then(() => this.onmessage?.(m));
    inner.onclose = () => this.onclose?.();
    inner.onerror = (e) => this.onerror?.(e);
  }

  start(): Promise<void> {
    return this.inner.start();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.inner.send(message);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

function behavior(spec: DesiredServer): string {
  return spec.env.BEHAVIOR ?? 'ok';
}

function tools(spec: DesiredServer): string[] {
  return (spec.env.TOOLS ?? 'echo')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
}

async function closeAll(inst: MemInstance): Promise<void> {
  const servers = [...inst.servers];
  inst.servers.clear();
  await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
}

function toInstance(i: MemInstance): Instance {
  return {
    id: i.id,
    labels: { ...i.labels },
    state: i.state,
    startedAt: i.startedAt,
    endpoint: { kind: 'stdio' },
    ...(i.message !== undefined && { message: i.message }),
  };
}
