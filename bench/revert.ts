// A commit whose server fails its gate -> the last good version serving again, minus what starting
// that server costs anyway. recreate, so the revert has to start the last good instance again (with
// blue-green the old instance never stops serving, so there is nothing to measure).
import { bareStartMedian } from './bare-start.js';
import { DaemonWorld } from './daemon-world.js';
import { extraMedian, type Bench } from './harness.js';
import { everythingStdio, exitAtStart } from '../tests/e2e/helpers/servers.js';

export async function revertBench(runs: number): Promise<Bench> {
  const good = everythingStdio({ version: 'good', strategy: 'recreate' });
  const w = await DaemonWorld.start('revert', (doc) => doc('svc', good));
  const lastGood = w.daemon.reconciler.status().revision.lastGood;
  return {
    rows: [
      {
        name: 'failed gate -> last good serving again, minus bare server start',
        unit: 'ms',
        target: '< 50 ms',
        runs,
        pass: (m) => m < 50,
        note: (s) =>
          `recreate; the bad commit's server exits at start; median gate failed->last good healthy ${extraMedian(s, 'total').toFixed(0)} ms, webhook->gate failed ${extraMedian(s, 'detect').toFixed(0)} ms, bare start ${extraMedian(s, 'bare').toFixed(0)} ms`,
        measure: async (i) => {
          const commit = await w.repo.commit(w.doc('svc', exitAtStart({ version: `bad-${i}`, strategy: 'recreate' })), `bad ${i}`);
          const sent = await w.webhook();
          const failed = await w.until(`the gate of bad-${i} to fail`, (t) => t.e.type === 'gate.failed' && t.e.commit === commit, 30_000, sent);
          const back = await w.until('last good healthy again', (t) => t.e.type === 'gate.passed' && t.e.commit === lastGood, 30_000, failed.at);
          const done = await w.finished(commit, sent);
          if (done.e.type === 'sync.finished' && done.e.result !== 'reverted')
            throw new Error(`bad-${i}: expected reverted, got ${done.e.result}: ${done.e.message}`);
          const total = back.at - failed.at;
          const bare = await bareStartMedian();
          return { value: total - bare, baseline: bare, extra: { total, bare, detect: failed.at - sent } };
        },
      },
    ],
    cleanup: () => w.close(),
  };
}
