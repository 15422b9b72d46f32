// A reconciler wired to the in-memory runtime, a fake repository, the real compiler, the real
// health gate, a real state store in a temp dir and a hand-moved clock.
import { afterEach, beforeEach } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGate } from '../../../src/health/index.js';
import { Reconciler, type ReconcilerDeps, type ReconcilerLogger } from '../../../src/reconciler/reconciler.js';
import type { StatusView } from '../../../src/reconciler/status.js';
import { createCompiler } from '../../../src/render/desired-state.js';
import { NO_SECRETS } from '../../../src/render/secrets.js';
import { StateStore } from '../../../src/state/store.js';
import { FakeClock } from './fake-clock.js';
import { FakeSource } from './fake-source.js';
import { MemoryRuntime } from './memory-runtime.js';
import { Timeline } from './timeline.js';

export interface ServerOpts {
  version?: string;
  tools?: string[];
  behavior?: 'ok' | 'exit' | 'hang' | 'start-error' | 'slow-start' | 'pull-error';
  /** With slow-start: the reason the start says it waits for (kubernetes: Unschedulable...). */
  waiting?: string;
  hold?: string;
  dependsOn?: string[];
  strategy?: 'blue-green' | 'recreate';
  expectTools?: string[];
  timeoutSeconds?: number;
  enabled?: boolean;
  /** spec.tools.allowRemoved */
  allowRemoved?: string[];
}

/** One MCPServer document as it would be committed. */
export function serverYaml(name: string, o: ServerOpts = {}): string {
  const env: Record<string, string> = {
    TOOLS: (o.tools ?? ['echo']).join(','),
    ...(o.behavior && { BEHAVIOR: o.behavior }),
    ...(o.hold && { HOLD: o.hold }),
    ...(o.waiting && { WAITING: o.waiting }),
  };
  const spec = {
    version: o.version ?? '1',
    command: 'memory-server',
    env,
    ...(o.dependsOn && { dependsOn: o.dependsOn }),
    ...(o.enabled === false && { enabled: false }),
    ...(o.allowRemoved && { tools: { allowRemoved: o.allowRemoved } }),
    health: { timeoutSeconds: o.timeoutSeconds ?? 5, expectTools: o.expectTools ?? [] },
    rollout: { strategy: o.strategy ?? 'blue-green' },
  };
  return `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n`;
}

export function file(name: string, o: ServerOpts = {}): Record<string, string> {
  return { [`servers/${name}.yaml`]: serverYaml(name, o) };
}

export interface Harness {
  dir: string;
  source: FakeSource;
  runtime: MemoryRuntime;
  clock: FakeClock;
  timeline: Timeline;
  store: StateStore;
  r: Reconciler;
  logs: { level: string; msg: string; obj: object }[];
  /** Faults to inject: checking out a commit's working dir throws this while set. */
  faults: { workdir: Error | null };
  /** A reconciler over another store/runtime (restart simulations), with `extra` deps; stopped in cleanup. */
  reconciler(store: StateStore, runtime: MemoryRuntime, extra?: Partial<ReconcilerDeps>): Reconciler;
  /** Requests a sync and waits until the queue is empty. */
  sync(reason?: string, force?: boolean): Promise<StatusView>;
  /** Commits, syncs, returns the commit. */
  deploy(files: Record<string, string | null>): Promise<string>;
  /** Commits the first files, starts the reconciler and waits for its first sync; returns the commit. */
  startWith(files: Record<string, string>): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-gitops-loop-'));
  const source = new FakeSource();
  const timeline = new Timeline();
  const clock = new FakeClock();
  const runtime = new MemoryRuntime(timeline, () => clock.now());
  const compiler = createCompiler();
  const logs: Harness['logs'] = [];
  const logger: ReconcilerLogger = {
    info: (obj, msg = '') => logs.push({ level: 'info', msg, obj }),
    warn: (obj, msg = '') => logs.push({ level: 'warn', msg, obj }),
    error: (obj, msg = '') => logs.push({ level: 'error', msg, obj }),
  };
  const made: Reconciler[] = [];
  const faults: Harness['faults'] = { workdir: null };
  const reconciler = (store: StateStore, rt: MemoryRuntime, extra: Partial<ReconcilerDeps> = {}): Reconciler => {
    const r = new Reconciler({
      source,
      runtime: rt,
      store,
      logger,
      scheduler: clock,
      intervalMs: 3_600_000,
      sharedPorts: false,
      compile: (snap) => compiler.compile({ files: snap.files, symlinks: snap.symlinks }, { secrets: NO_SECRETS, runtime: 'process' }),
      gate: ({ instanceId, server, signal }) => runGate({ runtime: rt, instanceId, server, signal }),
      workdirFor: () => (faults.workdir ? Promise.reject(faults.workdir) : Promise.resolve(dir)),
      endpointFor: (s) => `memory://${s.name}`,
      random: () => 0, // retries exactly 1 s, 2 s, 4 s... (no jitter)
      ...extra,
    });
    r.events.on((event) => timeline.add({ op: 'event', event }));
    made.push(r);
    return r;
  };
  const { store } = await StateStore.open(join(dir, 'state'));
  const r = reconciler(store, runtime);
  const h: Harness = {
    dir,
    source,
    runtime,
    clock,
    timeline,
    store,
    r,
    logs,
    faults,
    reconciler,
    async sync(reason = 'test', force = false) {
      h.r.requestSync(reason, force);
      await h.r.idle();
      return h.r.status();
    },
    async deploy(files) {
      const sha = source.commit(files);
      await h.sync('commit');
      return sha;
    },
    async startWith(files) {
      const sha = source.commit(files);
      await h.r.start();
      await h.r.idle();
      return sha;
    },
    async cleanup() {
      await Promise.all(made.map((x) => x.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** A fresh harness before each test of the file (handed to `use`), cleaned up after it. */
export function useHarness(use: (h: Harness) => void): void {
  let h: Harness | undefined;
  beforeEach(async () => {
    h = await createHarness();
    use(h);
  });
  afterEach(async () => {
    await h?.cleanup();
  });
}

/** Polls `check` (real time) until it returns something truthy. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | null, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
