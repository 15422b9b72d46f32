// The real daemon as a child process (the CLI, `serve`), following a repository of 500 servers of
// which 50 run (450 `enabled: false`), over HTTP: what a poll that finds nothing new costs it in CPU
// (all threads, from /proc), and its resident memory meanwhile. Nothing else talks to it during a
// window but a /status read every 500 ms to count the polls (counted in: a slight overestimate).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon } from '../tests/e2e/helpers/daemon.js';
import { killMarked } from '../tests/e2e/helpers/procs.js';
import { everythingStdio, mcpServer } from '../tests/e2e/helpers/servers.js';
import { waitFor } from '../tests/e2e/helpers/wait-for.js';
import { extraMedian, sharedRuns, type Bench } from './harness.js';
import { cpuMs, memoryMb } from './proc-usage.js';
import { SpecRepo } from './spec-repo.js';

const SPECS = 500;
const RUNNING = 50;
const INTERVAL_S = 0.25;

export async function noopPollBench(runs: number, quick: boolean): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-bench-poll-'));
  const marker = randomBytes(6).toString('hex');
  const files = Object.fromEntries(
    Array.from({ length: SPECS }, (_, i) => [
      `servers/server-${i}.yaml`,
      mcpServer(marker, `server-${i}`, everythingStdio({ timeoutSeconds: 120, ...(i >= RUNNING && { enabled: false }) })),
    ]),
  );
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
    const daemon = (d = await Daemon.start({ repo: repo.url, stateDir: join(dir, 'state'), interval: INTERVAL_S }));
    const t0 = performance.now();
    await waitFor(
      async () => {
        const s = await daemon.status();
        return s.phase === 'Synced' && s.servers.filter((x) => x.phase === 'Running' && x.health === 'Healthy').length === RUNNING;
      },
      { what: `${RUNNING} servers healthy`, timeoutMs: 180_000, intervalMs: 500 },
    );
    const startup = performance.now() - t0;
    const polls = quick ? 10 : 30;
    const pick = sharedRuns(async () => {
      const from = (await daemon.status()).checks ?? 0;
      const cpu0 = cpuMs(daemon.pid);
      const t = performance.now();
      const to = await waitFor(
        async () => {
          const n = (await daemon.status()).checks ?? 0;
          return n >= from + polls && n;
        },
        { what: `${polls} polls`, timeoutMs: 60_000, intervalMs: 500 },
      );
      const perPoll = (cpuMs(daemon.pid) - cpu0) / (to - from);
      const mem = memoryMb(daemon.pid);
      return {
        cpu: { value: perPoll, extra: { polls: to - from, seconds: (performance.now() - t) / 1000 } },
        rss: { value: mem.rss, extra: { peak: mem.peak } },
      };
    });
    return {
      rows: [
        {
          name: `no-op poll, ${SPECS} specs (${RUNNING} running): daemon CPU per poll`,
          unit: 'ms',
          target: '< 20 ms',
          runs,
          pass: (m) => m < 20,
          measure: pick('cpu'),
          note: `daemon child (CLI), repo over git http-backend, --interval ${INTERVAL_S}; ${polls} polls per run, CPU of all its threads from /proc (10 ms ticks); idle work between polls counted in`,
        },
        {
          name: `daemon RSS, ${SPECS} specs / ${RUNNING} running`,
          unit: 'MB',
          target: '< 150 MB',
          runs,
          pass: (m) => m < 150,
          measure: pick('rss'),
          note: (s) =>
            `VmRSS after each run's polls; peak (VmHWM) ${extraMedian(s, 'peak').toFixed(0)} MB; first sync of ${RUNNING} servers took ${(startup / 1000).toFixed(1)} s`,
        },
      ],
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
