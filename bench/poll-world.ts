// The real daemon as a child process (the CLI, `serve`) following a repository over git
// http-backend, with `specs` servers of which the first `running` are enabled: what the no-op poll
// rows and the curves stand on. `pollCost` reads what polls that find nothing new cost it in CPU (all
// threads, from /proc) and its resident memory meanwhile; nothing else talks to it during a window
// but the /status reads that count the polls, at its start and once the polls should be done
// (counted in: under 0.2 ms per poll over 10 polls).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Daemon } from '../tests/e2e/helpers/daemon.js';
import { killMarked } from '../tests/e2e/helpers/procs.js';
import { everythingStdio, mcpServer, type Spec } from '../tests/e2e/helpers/servers.js';
import { waitFor } from '../tests/e2e/helpers/wait-for.js';
import { cpuMs, memoryMb } from './proc-usage.js';
import { SpecRepo, type Files } from './spec-repo.js';

export const POLL_INTERVAL_S = 0.25;

export interface PollWorld {
  daemon: Daemon;
  /** The repository's URL (git http-backend on 127.0.0.1). */
  repoUrl: string;
  /** From the daemon's start to every enabled server Running and Healthy. */
  startupMs: number;
  cleanup: () => Promise<void>;
}

export interface PollWorldOptions {
  specs: number;
  running: number;
  server?: (o: Partial<Spec>) => Spec;
  timeoutMs?: number;
}

export async function startPollWorld(o: PollWorldOptions): Promise<PollWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-bench-poll-'));
  const marker = randomBytes(6).toString('hex');
  const server = o.server ?? everythingStdio;
  const files: Files = { 'README.md': 'specs under servers/\n' }; // a first commit even with no spec (the floor: a daemon with nothing to run)
  for (let i = 0; i < o.specs; i++)
    files[`servers/server-${i}.yaml`] = mcpServer(marker, `server-${i}`, server({ timeoutSeconds: 120, ...(i >= o.running && { enabled: false }) }));
  let repo: SpecRepo | undefined;
  let d: Daemon | undefined;
  const cleanup = async (): Promise<void> => {
    if (d?.running) await Promise.race([d.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    await d?.kill();
    killMarked(marker);
    await repo?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    repo = await SpecRepo.create(dir, files);
    const daemon = (d = await Daemon.start({
      repo: repo.url,
      stateDir: join(dir, 'state'),
      interval: POLL_INTERVAL_S,
    }));
    const t0 = performance.now();
    await waitFor(
      async () => {
        const s = await daemon.status();
        return s.phase === 'Synced' && s.servers.filter((x) => x.phase === 'Running' && x.health === 'Healthy').length === o.running;
      },
      { what: `${o.running} servers healthy`, timeoutMs: o.timeoutMs ?? 180_000, intervalMs: 500 },
    );
    return { daemon, repoUrl: repo.url, startupMs: performance.now() - t0, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

export interface PollCost {
  /** Daemon CPU per poll, ms (10 ms ticks spread over the polls). */
  cpuPerPoll: number;
  polls: number;
  seconds: number;
  rssMb: number;
  peakMb: number;
}

/** Waits for `polls` more polls and reads the daemon's CPU over them and its memory after. */
export async function pollCost(daemon: Daemon, polls: number): Promise<PollCost> {
  const from = (await daemon.status()).checks ?? 0;
  const cpu0 = cpuMs(daemon.pid);
  const t = performance.now();
  // a /status read costs the daemon about what a poll does: none while the polls run
  await sleep(polls * POLL_INTERVAL_S * 1000);
  const to = await waitFor(
    async () => {
      const n = (await daemon.status()).checks ?? 0;
      return n >= from + polls && n;
    },
    { what: `${polls} polls`, timeoutMs: 120_000, intervalMs: 100 },
  );
  const mem = memoryMb(daemon.pid);
  return { cpuPerPoll: (cpuMs(daemon.pid) - cpu0) / (to - from), polls: to - from, seconds: (performance.now() - t) / 1000, rssMb: mem.rss, peakMb: mem.peak };
}

export interface HeapUse {
  /** V8 heap in use (live objects and garbage not yet collected), MB. */
  used: number;
  /** V8 heap reserved, MB. */
  total: number;
  /** Memory of buffers outside the V8 heap, MB. */
  external: number;
}

/** The daemon's own account of its memory (prom-client's process metrics in /metrics). */
export async function heapUse(daemon: Daemon): Promise<HeapUse> {
  const text = await (await fetch(`${daemon.url}/metrics`)).text();
  const mb = (name: string): number => Number(new RegExp(`^mcp_gitops_${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) / 1024 / 1024;
  return { used: mb('nodejs_heap_size_used_bytes'), total: mb('nodejs_heap_size_total_bytes'), external: mb('nodejs_external_memory_bytes') };
}
