// The no-op poll rows: the real daemon following a repository of 500 servers of which 50 run (450
// `enabled: false`): what a poll that finds nothing new costs it in CPU, and its resident memory.
import { extraMedian, sharedRuns, type Bench } from './harness.js';
import { POLL_INTERVAL_S, pollCost, startPollWorld } from './poll-world.js';
import { git } from './spec-repo.js';

const SPECS = 500;
const RUNNING = 50;

export async function noopPollBench(runs: number, quick: boolean): Promise<Bench> {
  const world = await startPollWorld({ specs: SPECS, running: RUNNING });
  const polls = quick ? 10 : 30;
  const pick = sharedRuns(async () => {
    const c = await pollCost(world.daemon, polls);
    return {
      cpu: { value: c.cpuPerPoll, extra: { polls: c.polls, seconds: c.seconds } },
      rss: { value: c.rssMb, extra: { peak: c.peakMb } },
    };
  });
  return {
    rows: [
      {
        name: `no-op poll, ${SPECS} specs (${RUNNING} running): daemon CPU per poll`,
        unit: 'ms',
        target: '< 10 ms',
        runs,
        pass: (m) => m < 10,
        measure: pick('cpu'),
        note: `daemon child (CLI), repo over git http-backend, --interval ${POLL_INTERVAL_S}; ${polls} polls per run, CPU of all its threads from /proc (10 ms ticks); idle work between polls counted in`,
      },
      {
        name: 'floor of "has anything changed": native git ls-remote',
        unit: 'ms',
        target: 'report',
        runs,
        measure: async () => {
          const t = performance.now();
          await git(process.cwd(), 'ls-remote', world.repoUrl, 'HEAD');
          return { value: performance.now() - t };
        },
        note: 'wall time of one `git ls-remote` of the same repository (a process start, a TLS-less HTTP round trip to git http-backend): what any poller pays to learn that nothing changed; the daemon row above is CPU per poll',
      },
      {
        name: `daemon RSS, ${SPECS} specs / ${RUNNING} running`,
        unit: 'MB',
        target: '< 100 MB',
        runs,
        pass: (m) => m < 100,
        measure: pick('rss'),
        note: (s) =>
          `VmRSS after each run's polls; peak (VmHWM) ${extraMedian(s, 'peak').toFixed(0)} MB; first sync of ${RUNNING} servers took ${(world.startupMs / 1000).toFixed(1)} s`,
      },
    ],
    cleanup: world.cleanup,
  };
}
