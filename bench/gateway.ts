// The gateway (/mcp/<name>, mounted on buildApp as the daemon mounts it) in front of server-everything
// over streamable HTTP, against the same server called directly: added latency of one tools/call
// (p50, p99 of sequential calls, interleaved so both sides see the same noise) and the throughput of
// concurrent sessions. The clients run in a worker thread (gateway-load.ts); bounded call counts.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { createWorld } from '../tests/gateway/helpers.js';
import type { LoadConfig, LoadResult } from './gateway-load.js';
import { sharedRuns, type Bench } from './harness.js';

const SESSIONS = 8;

export async function gatewayBench(runs: number, quick: boolean): Promise<Bench> {
  const w = await createWorld();
  let worker: Worker | undefined;
  const cleanup = async (): Promise<void> => {
    if (worker) {
      worker.postMessage('close');
      await once(worker, 'exit');
    }
    await w.close();
  };
  try {
    const inst = await w.serve('svc', 'streamableHttp');
    if (inst.endpoint.kind !== 'http') throw new Error('expected an HTTP instance');
    const cfg: LoadConfig = { directUrl: inst.endpoint.url, gatewayUrl: w.url('svc').href, sessions: SESSIONS, sequential: quick ? 200 : 500, concurrent: quick ? 400 : 1000 };
    const load = new Worker(new URL('./gateway-load.js', import.meta.url), { workerData: cfg });
    worker = load;
    const [hello] = (await Promise.race([once(load, 'message'), once(load, 'error').then(([e]) => { throw e; })])) as unknown[];
    if (hello !== 'ready') throw new Error(`load worker: ${JSON.stringify(hello)}`);
    const pick = sharedRuns(async (run): Promise<LoadResult> => {
      load.postMessage({ run });
      const [m] = (await once(load, 'message')) as [{ ok?: LoadResult; error?: string }];
      if (!m.ok) throw new Error(`load worker: ${m.error}`);
      return m.ok;
    });
    const what = 'server-everything streamable HTTP on 127.0.0.1, echo tools/call, clients in a worker thread';
    return {
      rows: [
        { name: 'gateway added latency p50 (vs direct streamable HTTP)', unit: 'ms', target: '< 1 ms', runs, pass: (m) => m < 1, measure: pick('p50'), note: `${what}; ${cfg.sequential} sequential calls per run and side, interleaved; baseline = direct p50` },
        { name: 'gateway added latency p99', unit: 'ms', target: 'report', runs, measure: pick('p99'), note: 'same calls; baseline = direct p99' },
        { name: 'gateway throughput vs direct', unit: 'calls/s', target: '>= 0.8x direct', runs, ratio: true, pass: (r) => r >= 0.8, measure: pick('rate'), note: `${cfg.concurrent} calls per run and side over ${SESSIONS} concurrent sessions` },
      ],
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
