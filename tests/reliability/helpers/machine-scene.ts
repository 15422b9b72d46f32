// One machine-fault scene: the real daemon whose --state-dir is a small tmpfs, a stdio server `svc`
// deployed and probed through the gateway the whole time, and the checks every scene ends with:
// converged to the head by itself, nothing quarantined, the state file whole, the server answering.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Daemon, Status } from '../../e2e/helpers/daemon.js';
import { answersWith } from '../../e2e/helpers/mcp-probe.js';
import { everythingStdio, fixture, type Spec } from '../../e2e/helpers/servers.js';
import type { RuntimeProbe } from '../../e2e/helpers/runtimes.js';
import { World } from '../../e2e/helpers/world.js';
import { Tmpfs } from './tmpfs.js';

/** Probes an MCP endpoint in a loop until stopped; counts the round trips that failed. */
export class Prober {
  ok = 0;
  failed: string[] = [];
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly url: string) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (await answersWith(this.url, 'echo', 10_000)) this.ok++;
      else this.failed.push(new Date().toISOString());
    }
  }

  /** Stops after the round trip in flight; resolves once it ended. */
  async stop(): Promise<{ ok: number; failed: string[] }> {
    this.stopped = true;
    await this.loop;
    return { ok: this.ok, failed: this.failed };
  }
}

export interface Scene {
  w: World;
  fs: Tmpfs;
  d: Daemon;
  good: string;
  probe: Prober;
  svcInstance: string | null | undefined;
}

/**
 * A stdio server with `echo` that passes its gate after `delayMs` and writes a line to stderr every
 * `logEveryMs` from its start, forever: it must live through a full or read-only state disk.
 */
export const chattySlow = (delayMs: number, logEveryMs = 20): Spec => ({
  args: [fixture('chatty-slow.mjs')],
  env: { DELAY_MS: String(delayMs), LOG_EVERY_MS: String(logEveryMs) },
  expectTools: ['echo'],
});

/** A world whose state dir is a fresh tmpfs of `size`, with svc deployed from the first commit. */
export async function deployedOnTmpfs(size: string, opts: { rt?: RuntimeProbe; env?: Record<string, string>; svc?: Spec } = {}): Promise<Scene> {
  const w = new World(opts.rt);
  const fs = Tmpfs.mount(w.stateDir, size);
  const scene: Partial<Scene> = { w, fs };
  current = scene;
  // svc logs all the time (every 50 ms): the fault must cost it log lines, never its life. On docker
  // (logs stay with the engine, and the test image has no MCP SDK beside the fixtures) server-everything.
  const good = w.repo.commit(w.server('svc', opts.svc ?? (opts.rt?.name === 'docker' ? everythingStdio() : chattySlow(0, 50))));
  const d = await w.start({ ...(opts.env && { env: opts.env }) });
  scene.d = d;
  const st = await w.converged(d, good, ['svc']);
  const svc = st.servers[0];
  expect(svc.endpoint).toBe(`${d.url}/mcp/svc`);
  expect(await answersWith(svc.endpoint!)).toBe(true);
  return Object.assign(scene, { good, probe: new Prober(svc.endpoint!), svcInstance: svc.instanceId }) as Scene;
}

let current: Partial<Scene> | undefined;

/** afterEach: stop the probe and the daemon, unmount (even when the test failed), remove the world. */
export async function tearDownScene(): Promise<void> {
  const s = current;
  current = undefined;
  if (!s) return;
  try {
    await s.probe?.stop();
    await s.d?.stop();
  } finally {
    try {
      s.fs?.readOnly(false);
    } catch {
      /* not mounted any more */
    }
    s.fs?.unmount();
    await s.w?.cleanup();
  }
}

/** Commits a second server `extra` (svc unchanged); returns the new head. */
export function commitExtra(s: Scene, why: string): string {
  return s.w.repo.commit(s.w.server('extra', everythingStdio()), why);
}

/** Waits until /status reports the environment fault `reason`; checks that nothing was blamed. */
export async function reportsFault(s: Scene, reason: string, head: string): Promise<Status> {
  const st = await s.d.until(`Degraded ${reason}`, (x) => x.phase === 'Degraded' && x.reason === reason && x.lastError?.reason === reason, 30_000);
  expect(st.failedRevision).toBeNull();
  expect(st.history.some((h) => h.commit === head)).toBe(false);
  expect(st.revision.applied).toBe(s.good);
  expect(st.servers.find((x) => x.name === 'svc')).toMatchObject({ phase: 'Running', health: 'Healthy', instanceId: s.svcInstance });
  const metrics = await (await fetch(`${s.d.url}/metrics`)).text();
  expect(metrics).toMatch(new RegExp(`^mcp_gitops_environment_faults_total\\{reason="${reason}"\\} [1-9]`, 'm'));
  return st;
}

/** The fault is gone: converged to `head` by itself, nothing quarantined, state whole, svc answered throughout. */
export async function recoversTo(s: Scene, head: string, servers = ['extra', 'svc']): Promise<Status> {
  const st = await s.w.converged(s.d, head, servers);
  expect(st).toMatchObject({ phase: 'Synced', reason: 'Synced', lastError: null, failedRevision: null, revision: { head, applied: head, lastGood: head } });
  expect(st.history.filter((h) => h.result !== 'succeeded')).toEqual([]);
  expect(st.servers.find((x) => x.name === 'svc')?.instanceId).toBe(s.svcInstance);
  // the file catches up with memory on the next write: wait for it, then check it is whole
  const onDisk = await s.d.until('state.json to hold the head', () => {
    const file = JSON.parse(readFileSync(join(s.w.stateDir, 'state.json'), 'utf8')) as { applied: string | null };
    return file.applied === head;
  });
  expect(onDisk.revision.applied).toBe(head);
  const leftovers = readdirSync(s.w.stateDir).filter((f) => f.startsWith('state.json.corrupt') || f.endsWith('.tmp'));
  expect(leftovers).toEqual([]);
  const probes = await s.probe.stop();
  expect(probes.failed).toEqual([]);
  expect(probes.ok).toBeGreaterThan(0);
  return st;
}
