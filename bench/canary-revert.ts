// A canary that fails its step: from the step's end to every new session on the stable instance.
// The real daemon in-process (its gateway included) with a small server whose error rate comes from
// its environment (tests/fixtures/servers/flaky-tools.mjs); SDK clients keep opening sessions through
// the gateway so that the canary's share of them has calls to be judged on. Each run commits a
// version whose every call fails; the step controller judges it when the step ends and sends every
// new session to the stable instance (`canary.reverted` is emitted right after that switch).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DaemonWorld } from './daemon-world.js';
import { extraMedian, type Bench } from './harness.js';
import { startLoad, type Load } from '../tests/e2e/helpers/canary-load.js';
import { flaky } from '../tests/e2e/helpers/servers.js';

const STEP_SECONDS = 1;
const canary = { steps: [50, 100], stepSeconds: STEP_SECONDS, minCalls: 2, maxErrorRate: 0.05, maxLatencyP99Ms: 2000, onInsufficientTraffic: 'revert' };

/** The serverInfo.version a new session through the gateway gets. */
async function newSessionVersion(url: string): Promise<string | undefined> {
  const c = new Client({ name: 'bench-probe', version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    return c.getServerVersion()?.version;
  } finally {
    await c.close();
  }
}

export async function canaryRevertBench(fullRuns: number, quick: boolean): Promise<Bench> {
  const runs = quick ? 2 : fullRuns; // ~7 s a run: a new server's start and gate, then its step
  const w = await DaemonWorld.start('canary', (doc) => doc('svc', flaky('stable', 0, 0, { strategy: 'canary', canary })));
  let load: Load | undefined;
  try {
    const url = w.daemon.reconciler.status().servers.find((s) => s.name === 'svc')?.endpoint;
    if (!url) throw new Error('svc has no gateway endpoint');
    load = startLoad(url, { workers: 4, callsPerSession: 1 });
    const l = load;
    return {
      rows: [
        {
          name: 'failing canary step end -> new sessions on stable',
          unit: 'ms',
          target: '< 100 ms',
          runs,
          pass: (m) => m < 100,
          note: (s) =>
            `in-process daemon and gateway, 4 SDK clients opening a session per call; each run a version whose every call fails, steps [50, 100] of ${STEP_SECONDS} s; from the first step's end (its canary.step event + stepSeconds) to canary.reverted, emitted once new sessions go to stable; a new session checked on stable after each; webhook -> canary at its first step ${extraMedian(s, 'toStep').toFixed(0)} ms (median)`,
          measure: async (i) => {
            const commit = await w.repo.commit(w.doc('svc', flaky(`bad-${i}`, 1, 0, { strategy: 'canary', canary })), `bad ${i}`);
            const sent = await w.webhook();
            const step = await w.until(`bad-${i} at its first canary step`, (t) => t.e.type === 'canary.step' && t.e.commit === commit, 120_000, sent);
            const reverted = await w.until(`bad-${i} reverted`, (t) => t.e.type === 'canary.reverted' && t.e.commit === commit, 60_000, step.at);
            const judged = w.events('canary.judged', commit, step.at)[0]?.e;
            if (judged?.verdict !== 'fail')
              throw new Error(`bad-${i}: judged ${judged?.verdict ?? 'never'} (${judged?.message ?? ''}), not failed on its error rate`);
            const done = await w.finished(commit, sent);
            if (done.e.type === 'sync.finished' && done.e.result !== 'reverted') throw new Error(`bad-${i}: ${done.e.result}: ${done.e.message}`);
            const version = await newSessionVersion(url);
            if (version !== 'stable') throw new Error(`bad-${i}: a new session after the revert went to ${version}`);
            if (!l.calls.some((c) => c.version === `bad-${i}`)) throw new Error(`bad-${i}: no session reached the canary`);
            return { value: reverted.at - (step.at + STEP_SECONDS * 1000), extra: { toStep: step.at - sent } };
          },
        },
      ],
      cleanup: async () => {
        await l.stop();
        await w.close();
      },
    };
  } catch (e) {
    await load?.stop();
    await w.close();
    throw e;
  }
}
