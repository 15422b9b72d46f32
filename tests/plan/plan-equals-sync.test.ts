// `mcp-gitops plan --server` shows what the next sync does. A reconciler on the real process runtime
// (real MCP servers, real health gates, real GET /plan over HTTP) holds a crashed, a drifted (its
// instance's spec-hash changed out of band), a held-port (blue-green on a fixed port) and an unchanged
// server; the plan the CLI prints is compared with what the next sync then did, read from its events
// and the runtime (not from the plan).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGate } from '../../src/health/index.js';
import { buildApp } from '../../src/http/app.js';
import { actions, type PlanView, type StepView } from '../../src/plan/view.js';
import type { ReconcileEvent } from '../../src/reconciler/events.js';
import { Reconciler } from '../../src/reconciler/reconciler.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { NO_SECRETS } from '../../src/render/secrets.js';
import { createProcessRuntime, type ProcessRuntime } from '../../src/runtimes/process/index.js';
import { StateStore } from '../../src/state/store.js';
import { delayedHttp, everythingStdio, mcpServer, type Spec } from '../e2e/helpers/servers.js';
import { freePort, killMarked } from '../e2e/helpers/procs.js';
import { FakeClock } from '../reconciler/helpers/fake-clock.js';
import { FakeSource } from '../reconciler/helpers/fake-source.js';
import { waitFor } from '../runtimes/process/helpers/system.js';
import { runCli } from './helpers/run-cli.js';

const MARKER = `plan-equals-sync-${process.pid}`;

/** What the sync did to one server, read from its events and what runs afterwards. */
function didTo(server: string, events: ReconcileEvent[], running: ReadonlySet<string>): StepView['action'] {
  const mine = events.filter((e) => 'server' in e && e.server === server);
  const removed = (why: string, list = mine): boolean => list.some((e) => e.type === 'server.removed' && e.why === why);
  if (mine.some((e) => e.type === 'server.verifying')) return 'verify';
  const start = mine.findIndex((e) => e.type === 'server.starting');
  if (start >= 0) {
    const before = mine.slice(0, start);
    if (removed('recreate', before)) return 'recreate';
    if (removed('exited', before)) return 'restart';
    return removed('replaced') ? 'start-beside' : 'create';
  }
  if (removed('no longer desired')) return 'prune';
  return running.has(server) ? 'keep' : 'skip';
}

describe('plan equals the next sync (process runtime)', () => {
  let dir = '';
  let runtime: ProcessRuntime;
  let r: Reconciler;
  let app: FastifyInstance;
  let url = '';
  const source = new FakeSource();
  const clock = new FakeClock();
  const events: ReconcileEvent[] = [];
  let port = 0;
  const files = (heldVersion: string): Record<string, string> => {
    const doc = (name: string, s: Spec): [string, string] => [`servers/${name}.yaml`, mcpServer(MARKER, name, s)];
    return Object.fromEntries([
      doc('crashed', everythingStdio()),
      doc('drifted', everythingStdio()),
      doc('unchanged', everythingStdio()),
      doc('held', delayedHttp(port, 0, { version: heldVersion, strategy: 'blue-green' })),
    ]);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mcp-gitops-plan-sync-'));
    port = await freePort();
    runtime = createProcessRuntime({ stateDir: join(dir, 'runtime'), stopGraceMs: 1000 });
    const { store } = await StateStore.open(join(dir, 'state'));
    const compiler = createCompiler();
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    r = new Reconciler({
      source,
      runtime,
      store,
      logger: quiet,
      scheduler: clock,
      intervalMs: 3_600_000,
      sharedPorts: true,
      compile: (snap) => compiler.compile({ files: snap.files, symlinks: snap.symlinks }, { secrets: NO_SECRETS, runtime: 'process' }),
      gate: ({ instanceId, server, signal }) => runGate({ runtime, instanceId, server, signal }),
      workdirFor: () => Promise.resolve(dir),
    });
    r.events.on((e) => events.push(e));
    app = buildApp({ status: () => r.status(), ready: () => r.ready, requestSync: (why, force) => r.requestSync(why, force), plan: () => r.preview() });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    source.commit(files('1'));
    await r.start();
    await r.idle();
    expect(r.status().servers.map((s) => `${s.name}:${s.phase}`)).toEqual(['crashed:Running', 'drifted:Running', 'held:Running', 'unchanged:Running']);
  }, 120_000);

  afterAll(async () => {
    await r?.stop();
    await app?.close();
    await runtime?.shutdown();
    killMarked(MARKER);
    await rm(dir, { recursive: true, force: true });
  });

  const instanceOf = async (server: string) => (await runtime.observe()).find((i) => i.labels.server === server && i.state === 'running')!;
  const runningServers = async (): Promise<Set<string>> => new Set((await runtime.observe()).filter((i) => i.state === 'running').map((i) => i.labels.server));

  async function planFromCli(): Promise<PlanView> {
    const r = await runCli(['plan', '--server', url, '-o', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as PlanView;
  }

  /** Runs the next sync; returns what it did per server. */
  async function nextSync(servers: string[], settled: (done: ReconcileEvent[]) => boolean = () => true): Promise<Record<string, StepView['action']>> {
    const from = events.length;
    r.requestSync('test');
    await r.idle();
    // replaced instances drain in the background after the sync: wait until that is visible too
    await waitFor('the sync to settle', () => settled(events.slice(from)), 30_000);
    const running = await runningServers();
    return Object.fromEntries(servers.map((s) => [s, didTo(s, events.slice(from), running)]));
  }

  it('crashed -> restart, drifted -> start-beside, held port -> recreate, unchanged -> keep: as planned', async () => {
    // crashed: its process dies (the daemon sees an exit)
    const victim = await instanceOf('crashed');
    process.kill(-runtime.pidOf(victim.id)!, 'SIGKILL');
    await waitFor('the crash to be observed', async () => (await runtime.observe()).find((i) => i.id === victim.id)?.state === 'exited');
    // drifted: its instance is replaced out of band by one whose spec-hash differs
    const orig = await instanceOf('drifted');
    const head = await source.head();
    const d = createCompiler()
      .compile({ files: (await source.snapshot(head)).files }, { secrets: NO_SECRETS, runtime: 'process' })
      .servers.find((s) => s.spec.name === 'drifted')!;
    const stranger = await runtime.start({ ...d, specHash: 'changed-out-of-band' }, { commit: head, workdir: dir });
    await runtime.remove(orig.id);
    // held: a new version of a blue-green server on a fixed port
    source.commit(files('2'));

    const p = await planFromCli();
    expect(p).toMatchObject({ source: 'daemon', mode: 'rollout', commit: await source.head() });
    expect(actions(p)).toEqual({ crashed: 'restart', drifted: 'start-beside', held: 'recreate', unchanged: 'keep' });
    expect(p.waves.flat().find((s) => s.server === 'held')?.note).toContain(`${port} is held`);

    const did = await nextSync(['crashed', 'drifted', 'held', 'unchanged'], (done) =>
      done.some((e) => e.type === 'server.removed' && e.instanceId === stranger.id),
    );
    expect(did).toEqual(actions(p));
    expect(r.status().revision.applied).toBe(await source.head());
  }, 120_000);

  it('between commits, a crash in restart backoff is skipped, as planned', async () => {
    const victim = await instanceOf('unchanged');
    process.kill(-runtime.pidOf(victim.id)!, 'SIGKILL');
    await waitFor('the crash to be noticed', () => r.status().servers.find((s) => s.name === 'unchanged')?.phase === 'Failed');

    const p = await planFromCli();
    expect(p.mode).toBe('repair');
    expect(actions(p)).toEqual({ crashed: 'keep', drifted: 'keep', held: 'keep', unchanged: 'skip' });

    const did = await nextSync(['crashed', 'drifted', 'held', 'unchanged']);
    expect(did).toEqual(actions(p));
  }, 120_000);
});
