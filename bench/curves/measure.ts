// What each curve measures at one size. Every function sets up its own world, measures, and tears it
// down, so one size never leaks into the next.
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCompiler } from '../../src/render/desired-state.js';
import { Daemon } from '../../tests/e2e/helpers/daemon.js';
import { killMarked } from '../../tests/e2e/helpers/procs.js';
import { fixture, minimalStdio } from '../../tests/e2e/helpers/servers.js';
import { waitFor } from '../../tests/e2e/helpers/wait-for.js';
import { median, quantile } from '../harness.js';
import { pollCost, startPollWorld } from '../poll-world.js';
import { memoryMb } from '../proc-usage.js';
import { compileCpuMs, editSpec, generateSpecs } from '../specs-1000.js';
import { SpecRepo } from '../spec-repo.js';

/** validate + render + plan of `n` specs with a warm compiler, one spec changed per compile: median CPU ms of `runs`. */
export function specsPlanMs(n: number, runs: number): number {
  let files = generateSpecs(n, { dependsEvery: 7 });
  const compiler = createCompiler();
  compileCpuMs(compiler, files, n);
  return median(
    Array.from({ length: runs }, (_, run) => {
      files = editSpec(files, (run * 137) % n, run + 1);
      return compileCpuMs(compiler, files, n);
    }),
  );
}

/** The daemon following `specs` specs of which `running` run (minimal servers): CPU per no-op poll and RSS. */
export async function pollAt(specs: number, running: number, polls: number): Promise<{ cpuPerPoll: number; rssMb: number; startupS: number }> {
  const world = await startPollWorld({ specs, running, server: minimalStdio, timeoutMs: 600_000 });
  try {
    const c = await pollCost(world.daemon, polls);
    return { cpuPerPoll: c.cpuPerPoll, rssMb: c.rssMb, startupS: world.startupMs / 1000 };
  } finally {
    await world.cleanup();
  }
}

/** The daemon's gateway holding `sessions` open client sessions to one shared stdio server: daemon RSS and echo p50. */
export async function gatewayAt(sessions: number, calls: number): Promise<{ rssMb: number; p50Ms: number; p99Ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-bench-sessions-'));
  const marker = randomBytes(6).toString('hex');
  const spec = {
    version: '1',
    command: process.execPath,
    args: [fixture('minimal-stdio.mjs')],
    env: { E2E_RUN: marker },
    health: { expectTools: ['echo'] },
    gateway: { maxSessions: sessions + 10 },
  };
  const clients: Client[] = [];
  let repo: SpecRepo | undefined;
  let d: Daemon | undefined;
  try {
    repo = await SpecRepo.create(dir, {
      'servers/min.yaml': `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: min\nspec: ${JSON.stringify(spec)}\n`,
    });
    const daemon = (d = await Daemon.start({ repo: repo.url, stateDir: join(dir, 'state'), interval: 5 }));
    await waitFor(async () => (await daemon.status()).servers.some((s) => s.health === 'Healthy'), { what: 'server healthy', timeoutMs: 60_000 });
    const url = new URL(`/mcp/min`, daemon.url);
    for (let i = 0; i < sessions; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, sessions - i) }, async () => {
          const c = new Client({ name: 'bench', version: '1' });
          await c.connect(new StreamableHTTPClientTransport(url));
          return c;
        }),
      );
      clients.push(...batch);
    }
    const times: number[] = [];
    for (let i = 0; i < calls; i++) {
      const c = clients[(i * 7919) % clients.length];
      const t = performance.now();
      await c.callTool({ name: 'echo', arguments: { message: 'x' } });
      times.push(performance.now() - t);
    }
    return { rssMb: memoryMb(daemon.pid).rss, p50Ms: median(times), p99Ms: quantile(times, 0.99) };
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    if (d?.running) await Promise.race([d.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    await d?.kill();
    killMarked(marker);
    await repo?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
