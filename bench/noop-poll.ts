// The no-op poll rows: the real daemon following a repository of 500 servers of which 50 run (450
// `enabled: false`): what a poll that finds nothing new costs it in CPU, and its resident memory;
// each beside its floor measured in the same run: the same daemon binary following a repository
// with no server at all, one GET of the ref advertisement from node, and `git ls-remote`.
import { extraMedian, median, sharedRuns, type Bench, type Sample } from './harness.js';
import { lsRemoteCost, refProbe } from './poll-floor.js';
import { heapUse, POLL_INTERVAL_S, pollCost, startPollWorld, type PollWorld } from './poll-world.js';

const SPECS = 500;
const RUNNING = 50;
const PROBES = 50;
const LS_REMOTES = 10;

export async function noopPollBench(runs: number, quick: boolean): Promise<Bench> {
  const world = await startPollWorld({ specs: SPECS, running: RUNNING });
  let empty: PollWorld;
  try {
    empty = await startPollWorld({ specs: 0, running: 0 });
  } catch (e) {
    await world.cleanup();
    throw e;
  }
  const polls = quick ? 10 : 30;
  const pick = sharedRuns(async (): Promise<Record<'cpu' | 'rss' | 'ls', Sample>> => {
    // one after the other, never both at once: each daemon's polls run on an otherwise quiet box
    const c = await pollCost(world.daemon, polls);
    const e = await pollCost(empty.daemon, polls);
    const [h, eh] = [await heapUse(world.daemon), await heapUse(empty.daemon)];
    const probe = await refProbe(world.repoUrl, PROBES);
    const ls = await lsRemoteCost(world.repoUrl, LS_REMOTES);
    return {
      cpu: { value: c.cpuPerPoll, baseline: probe.listRefs, extra: { empty: e.cpuPerPoll, get: probe.get, ls: ls.cpu } },
      rss: {
        value: c.rssMb,
        baseline: e.rssMb,
        extra: { peak: c.peakMb, used: h.used, total: h.total, external: h.external, emptyUsed: eh.used, emptyTotal: eh.total, emptyExternal: eh.external },
      },
      ls: { value: ls.cpu, extra: { wall: ls.wall } },
    };
  });
  const ms = (n: number): string => `${n.toFixed(1)} ms`;
  const mb = (s: Sample[], key: string): string => `${extraMedian(s, key).toFixed(0)} MB`;
  return {
    rows: [
      {
        name: `no-op poll, ${SPECS} specs (${RUNNING} running): daemon CPU per poll`,
        unit: 'ms',
        target: '< 10 ms',
        runs,
        pass: (m) => m < 10,
        measure: pick('cpu'),
        note: (s) =>
          `daemon child (CLI), repo over git http-backend, --interval ${POLL_INTERVAL_S}; ${polls} polls per run, CPU of all its threads from /proc (10 ms ticks), idle work between polls counted in; ` +
          `a poll is one GET of the ref advertisement and a drift check of what runs. Floors in the same run (medians): baseline = isomorphic-git listServerRefs ${ms(median(s.map((x) => x.baseline ?? NaN)))} CPU (a bare node:http GET ${ms(extraMedian(s, 'get'))}); ` +
          `the same daemon following a repo with no server ${ms(extraMedian(s, 'empty'))} per poll; git ls-remote ${ms(extraMedian(s, 'ls'))}`,
      },
      {
        name: 'floor of "has anything changed": native git ls-remote (CPU)',
        unit: 'ms',
        target: 'report',
        runs,
        measure: pick('ls'),
        note: (s) =>
          `CPU (user + sys, from bash's times) of one \`git ls-remote\` of the same repository and its git-remote-http child, ${LS_REMOTES} per run: what native git spends to learn that nothing changed; wall ${ms(extraMedian(s, 'wall'))} per call`,
      },
      {
        name: `daemon RSS, ${SPECS} specs / ${RUNNING} running`,
        unit: 'MB',
        target: '< 100 MB',
        runs,
        pass: (m) => m < 100,
        measure: pick('rss'),
        note: (s) =>
          `VmRSS after each run's polls; peak (VmHWM) ${extraMedian(s, 'peak').toFixed(0)} MB; first sync of ${RUNNING} servers took ${(world.startupMs / 1000).toFixed(1)} s; ` +
          `baseline = the floor: the same daemon binary, modules loaded, following a repository with no server (nothing running), measured the same way in the same run. ` +
          `V8 heap used / reserved and external buffers (medians, from /metrics): ${mb(s, 'used')} / ${mb(s, 'total')}, ${mb(s, 'external')} here; ${mb(s, 'emptyUsed')} / ${mb(s, 'emptyTotal')}, ${mb(s, 'emptyExternal')} for the floor. ` +
          `Above the floor: the code compiled to start, gate and watch 50 MCP servers, their tools and tool-pinning hashes, 500 parsed specs (~8 MB live heap over the floor's, from heap snapshots); ` +
          `the heap's room to grow before its next full GC (25 % over live: --heap-growing-percent); native memory of 50 children's pipes and handles. ` +
          `The floor itself (the node binary's text ~41 MB, the loaded modules' heap ~25 MB live) leaves ${(100 - median(s.map((x) => x.baseline ?? NaN))).toFixed(0)} MB for 500 specs and 50 servers under the target`,
      },
    ],
    cleanup: async () => {
      await Promise.all([world.cleanup(), empty.cleanup()]);
    },
  };
}
