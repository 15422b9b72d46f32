// The gateway (/mcp/<name>, mounted on buildApp as the daemon mounts it) in front of server-everything
// over streamable HTTP, against the same server called directly: added latency of one tools/call
// (p50, p99 of sequential calls, interleaved so both sides see the same noise) and the throughput of
// concurrent sessions. The clients run in a worker thread (gateway-load.ts); bounded call counts.
// CPU per call of the gateway's thread and of the server process shows where a 2-core machine goes.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { createWorld } from '../tests/gateway/helpers.js';
import type { LoadAnswer, LoadConfig, LoadPhase } from './gateway-load.js';
import { extraMedian, quantile, sharedRuns, type Bench, type Sample } from './harness.js';
import { cpuMs, threadCpuMs } from './proc-usage.js';

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
    const serverPid = w.rt.pidOf(inst.id);
    if (inst.endpoint.kind !== 'http' || serverPid === undefined) throw new Error('expected a running HTTP instance');
    const cfg: LoadConfig = { directUrl: inst.endpoint.url, gatewayUrl: w.url('svc').href, sessions: SESSIONS, sequential: quick ? 100 : 500, concurrent: quick ? 200 : 1000 };
    const load = new Worker(new URL('./gateway-load.js', import.meta.url), { workerData: cfg });
    worker = load;
    const [hello] = (await Promise.race([once(load, 'message'), once(load, 'error').then(([e]) => { throw e; })])) as unknown[];
    if (hello !== 'ready') throw new Error(`load worker: ${JSON.stringify(hello)}`);
    const ask = async (m: LoadPhase): Promise<LoadAnswer> => {
      load.postMessage(m);
      const [a] = (await once(load, 'message')) as [LoadAnswer];
      if (a.error) throw new Error(`load worker: ${a.error}`);
      return a;
    };
    /** Calls per second of one side, and CPU ms per call of the gateway thread and of the server. */
    const rate = async (side: 'direct' | 'gateway'): Promise<{ rate: number; gw: number; srv: number }> => {
      const [g0, s0] = [threadCpuMs(process.pid, process.pid), cpuMs(serverPid)];
      const r = (await ask({ phase: 'rate', side })).rate!;
      return { rate: r, gw: (threadCpuMs(process.pid, process.pid) - g0) / cfg.concurrent, srv: (cpuMs(serverPid) - s0) / cfg.concurrent };
    };
    const pick = sharedRuns(async (run) => {
      const { direct: d, gateway: g } = await ask({ phase: 'latency' });
      const first = run % 2 ? 'direct' : 'gateway';
      const a = await rate(first);
      const b = await rate(first === 'direct' ? 'gateway' : 'direct');
      const [viaGw, direct] = first === 'gateway' ? [a, b] : [b, a];
      return {
        p50: { value: quantile(g!, 0.5) - quantile(d!, 0.5), baseline: quantile(d!, 0.5) },
        p99: { value: quantile(g!, 0.99) - quantile(d!, 0.99), baseline: quantile(d!, 0.99) },
        rate: { value: viaGw.rate, baseline: direct.rate, extra: { gwCpu: viaGw.gw, srvCpuVia: viaGw.srv, srvCpuDirect: direct.srv } },
      };
    });
    const what = 'server-everything streamable HTTP on 127.0.0.1, echo tools/call, clients in a worker thread';
    const cpu = (s: Sample[], k: string): string => `${extraMedian(s, k).toFixed(2)} ms`;
    return {
      rows: [
        { name: 'gateway added latency p50 (vs direct streamable HTTP)', unit: 'ms', target: '< 1 ms', runs, pass: (m) => m < 1, measure: pick('p50'), note: `${what}; ${cfg.sequential} sequential calls per run and side, interleaved; baseline = direct p50` },
        { name: 'gateway added latency p99', unit: 'ms', target: 'report', runs, measure: pick('p99'), note: 'same calls; baseline = direct p99' },
        { name: 'gateway throughput vs direct', unit: 'calls/s', target: '>= 0.8x direct', runs, ratio: true, pass: (r) => r >= 0.8, measure: pick('rate'),
          note: (s) => `${cfg.concurrent} calls per run and side over ${SESSIONS} concurrent sessions; CPU per call (medians): gateway thread ${cpu(s, 'gwCpu')}, server ${cpu(s, 'srvCpuVia')} via the gateway, ${cpu(s, 'srvCpuDirect')} direct` },
      ],
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
