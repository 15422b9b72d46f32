// A commit that brings 100 independent servers (one wave) against its physical floor, measured in the
// same run: max(one server started alone at its own commit, total CPU the servers and the daemon used
// over the cores). On 2 cores 100 node processes starting at once are CPU-bound, so "as fast as one
// alone" can never hold; "as fast as the machine allows" can. Each run: one server alone, then all
// 100 (every one a new start), then none (pruned, not measured). A second ratio, against the slowest
// start inside the rollout (spawned -> gate passed), shows whether the daemon serializes anything.
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DaemonWorld } from './daemon-world.js';
import { extraMedian, sharedRuns, type Bench, type Sample } from './harness.js';
import { selfCpuMs, totalCpuMs } from './proc-usage.js';
import { spawnAloneMs } from './spawn-floor.js';
import { killMarked, marked, records } from '../tests/e2e/helpers/procs.js';
import { everythingStdio } from '../tests/e2e/helpers/servers.js';
import { waitFor } from '../tests/e2e/helpers/wait-for.js';
import type { Files } from './spec-repo.js';

const N = 100;
const ms = (s: Sample[], key: string): string => `${(extraMedian(s, key) / 1000).toFixed(1)} s`;

export async function rolloutBench(fullRuns: number, quick: boolean): Promise<Bench> {
  const runs = quick ? 2 : fullRuns; // ~20 s a run on 2 cores
  const w = await DaemonWorld.start('rollout', (doc) => fleet(doc, 0, 'off'));
  /** Commits `enabled` servers (of N) at `version`, syncs it by webhook; ms to finished, and the sync's events since. */
  const sync = async (enabled: number, version: string): Promise<{ ms: number; since: number; commit: string }> => {
    const commit = await w.repo.commit(
      fleet((s, spec) => w.doc(s, spec), enabled, version),
      `${enabled} servers at ${version}`,
    );
    const since = await w.webhook();
    const done = await w.finished(commit, since, 240_000);
    if (done.e.type === 'sync.finished' && done.e.result !== 'succeeded')
      throw new Error(`${enabled} servers at ${version}: ${done.e.result}: ${done.e.message}`);
    return { ms: done.at - since, since, commit };
  };
  const pick = sharedRuns(async (run) => {
    const one = await sync(1, `one-${run}`);
    const spawnOne = await spawnAloneMs();
    const cpu0 = process.cpuUsage();
    const all = await sync(N, `all-${run}`);
    const cpu = selfCpuMs(cpu0);
    const children = totalCpuMs(marked(w.marker).map((p) => p.pid));
    // when each process was really spawned (its instance record), not when the event loop got to say so
    const spawned = new Map(
      records(join(w.dir, 'state'))
        .filter((r) => r.commit === all.commit)
        .map((r) => [r.server, Date.parse(r.startedAt) - performance.timeOrigin]),
    );
    const passed = w.events('gate.passed', all.commit, all.since);
    if (passed.length !== N || spawned.size !== N) throw new Error(`${passed.length} of ${N} gates passed, ${spawned.size} instance records`);
    const slowest = Math.max(...passed.map((t) => t.at - spawned.get(t.e.server)!));
    const spread = Math.max(...spawned.values()) - Math.min(...spawned.values());
    if (run < runs - 1) {
      await sync(0, `none-${run}`);
      await waitFor(() => marked(w.marker).length === 0, { what: 'every server of the run stopped', timeoutMs: 60_000, intervalMs: 200 });
    }
    const cpuFloor = (children + cpu) / cpus().length;
    const extra = { cpuFloor, alone: one.ms, spread, daemonCpu: cpu, children, spawnOne, spawnFloor: spawnOne * N };
    return { floor: { value: all.ms, baseline: Math.max(one.ms, cpuFloor), extra }, inside: { value: all.ms, baseline: slowest, extra } };
  });
  return {
    rows: [
      {
        name: `rollout of ${N} independent servers vs its floor`,
        unit: 'ms',
        target: '<= 1.1x floor',
        runs,
        ratio: true,
        pass: (r) => r <= 1.1,
        measure: pick('floor'),
        note: (s) =>
          `in-process daemon, webhook -> sync finished, server-everything stdio; floor = max(1 server alone at its own commit: ${ms(s, 'alone')}, CPU used / cores: the ${N} servers ${ms(s, 'children')} + the daemon ${ms(s, 'daemonCpu')} over ${cpus().length} cores = ${ms(s, 'cpuFloor')}) (medians)`,
      },
      {
        name: `rollout of ${N} vs the slowest start inside it`,
        unit: 'ms',
        target: '<= 1.3x',
        runs,
        ratio: true,
        pass: (r) => r <= 1.3,
        measure: pick('inside'),
        note: (s) =>
          `same runs; baseline = max over the ${N} servers of spawned (instance record) -> gate passed. The spawns spread over ${ms(s, 'spread')}, against their floor on one event loop: ${N} x one spawn() of node alone in this process (${extraMedian(s, 'spawnOne').toFixed(0)} ms: node forks synchronously and copies the daemon's page tables) = ${ms(s, 'spawnFloor')}; past it, each fork waits for the cores behind the servers already starting. The daemon adds no fork of its own per start (the log pipes of a wave come from one mkfifo) (medians)`,
      },
    ],
    cleanup: async () => {
      await w.close();
      killMarked(w.marker);
    },
  };
}

function fleet(doc: (server: string, spec: ReturnType<typeof everythingStdio>) => Files, enabled: number, version: string): Files {
  const files: Files = {};
  for (let i = 0; i < N; i++)
    Object.assign(files, doc(`server-${i}`, everythingStdio({ version, timeoutSeconds: 120, ...(i >= enabled && { enabled: false }) })));
  return files;
}
