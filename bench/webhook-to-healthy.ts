// Webhook received -> the new version healthy, minus what starting that server costs anyway (spawn to
// MCP initialized, measured bare with the SDK client right after): what the daemon adds on top of
// the server itself — webhook handling, fetch over HTTP, validate/render/plan, instance records, the
// health gate's handshake and tools/list.
import { bareStartMedian } from './bare-start.js';
import { DaemonWorld } from './daemon-world.js';
import { extraMedian, type Bench, type Sample } from './harness.js';
import { everythingStdio } from '../tests/e2e/helpers/servers.js';

const ms = (s: Sample[], key: string): string => `${extraMedian(s, key).toFixed(0)} ms`;

export async function webhookBench(runs: number): Promise<Bench> {
  const w = await DaemonWorld.start('webhook', (doc) => doc('svc', everythingStdio({ version: '1' })));
  return {
    rows: [
      {
        name: 'webhook -> new version healthy, minus bare server start',
        unit: 'ms',
        target: '< 50 ms',
        runs,
        pass: (m) => m < 50,
        note: (s) =>
          `daemon in-process, repo over git http-backend, server-everything stdio, blue-green; medians: webhook -> healthy ${ms(s, 'total')} (fetched+validated ${ms(s, 'loaded')}, spawned ${ms(s, 'spawned')}), bare start->initialized ${ms(s, 'bare')} (median of 3 per run)`,
        measure: async (i) => {
          const commit = await w.repo.commit(w.doc('svc', everythingStdio({ version: String(i + 2) })), `svc ${i + 2}`);
          const sent = await w.webhook();
          const healthy = await w.until(
            `svc ${i + 2} healthy`,
            (t) => t.e.type === 'gate.passed' && t.e.commit === commit && t.e.server === 'svc',
            30_000,
            sent,
          );
          const done = await w.finished(commit, sent);
          if (done.e.type === 'sync.finished' && done.e.result !== 'succeeded') throw new Error(`sync of svc ${i + 2}: ${done.e.result}: ${done.e.message}`);
          const total = healthy.at - sent;
          const bare = await bareStartMedian();
          const at = (type: 'sync.started' | 'server.starting'): number => (w.events(type, commit, sent)[0]?.at ?? NaN) - sent;
          return { value: total - bare, baseline: bare, extra: { total, bare, loaded: at('sync.started'), spawned: at('server.starting') } };
        },
      },
    ],
    cleanup: () => w.close(),
  };
}
