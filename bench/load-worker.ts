// Drives the load worker (gateway-load.ts) from the main thread: starts it, waits for its sessions,
// asks one phase at a time, and closes it. "direct" is the side the gateway is compared with (the
// server itself, or a peer proxy in front of it).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Floor, LoadAnswer, LoadConfig, LoadPhase, Side } from './gateway-load.js';
import { extraMedian, quantile, type Sample } from './harness.js';
import { threadCpuMs } from './proc-usage.js';

/** Concurrent sessions per side in the throughput phase. */
export const SESSIONS = 8;

/** The load of one side-by-side bench: fewer calls with --quick. */
export function loadConfig(directUrl: string, gatewayUrl: string, quick: boolean, floors?: LoadConfig['floors']): LoadConfig {
  return {
    directUrl,
    gatewayUrl,
    ...(floors && { floors }),
    sessions: SESSIONS,
    sequential: quick ? 100 : 500,
    concurrent: quick ? 200 : 1000,
  };
}

/** CPU ms of the gateway's thread (the main thread of this process: its event loop). */
export const gatewayThreadCpu = (): number => threadCpuMs(process.pid, process.pid);

/** The median of a CPU-per-call extra, for a row's note. */
export const cpuNote = (s: Sample[], key: string): string => `${extraMedian(s, key).toFixed(2)} ms`;

export interface LoadWorker {
  ask: (m: LoadPhase) => Promise<LoadAnswer>;
  close: () => Promise<void>;
}

export async function startLoadWorker(cfg: LoadConfig): Promise<LoadWorker> {
  const load = new Worker(new URL('./gateway-load.js', import.meta.url), { workerData: cfg });
  const close = async (): Promise<void> => {
    load.postMessage('close');
    await once(load, 'exit');
  };
  try {
    const [hello] = (await Promise.race([
      once(load, 'message'),
      once(load, 'error').then(([e]) => {
        throw e;
      }),
    ])) as unknown[];
    if (hello !== 'ready') throw new Error(`load worker: ${JSON.stringify(hello)}`);
  } catch (e) {
    await load.terminate();
    throw e;
  }
  const ask = async (m: LoadPhase): Promise<LoadAnswer> => {
    load.postMessage(m);
    const [a] = (await once(load, 'message')) as [LoadAnswer];
    if (a.error) throw new Error(`load worker: ${a.error}`);
    return a;
  };
  return { ask, close };
}

/** CPU counters (ms, cumulative) read around each throughput phase, reported per call. */
export type CpuCounters = Record<string, () => number>;

export type SideBySide = 'p50' | 'p99' | 'p50Ratio' | 'rate' | `${Floor}P50` | `${Floor}Rate`;

const FLOORS: Floor[] = ['floor', 'framework'];

interface SideRate {
  rate: number;
  /** CPU ms per call of each counter. */
  cpu: Record<string, number>;
}

const added = (via: number[], direct: number[], q: number): Sample => ({ value: quantile(via, q) - quantile(direct, q), baseline: quantile(direct, q) });
const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

/**
 * One run of the side-by-side measure: sequential calls on all sides interleaved (latency), then the
 * throughput of each side, the side that goes first rotating per run. p50 and p99 are the added
 * milliseconds through the gateway (baseline: the direct side's); p50Ratio is the gateway's p50 with
 * the direct p50 as baseline (for ratio rows); rate carries `<counter>Via` and `<counter>Direct` CPU
 * ms per call as extras. Each of `floors` (sides the worker was given) gets `<floor>P50` and
 * `<floor>Rate` measured the same way (its CPU as `<counter><Floor>`), and the gateway's p50 and
 * rate samples carry it as extras `<floor>` and `<floor>Ratio`, for their notes; a floor not asked
 * for is NaN.
 */
export function sideBySide(
  ask: LoadWorker['ask'],
  callsPerRate: number,
  cpu: CpuCounters,
  o: { floors?: Floor[] } = {},
): (run: number) => Promise<Record<SideBySide, Sample>> {
  const rate = async (side: Side): Promise<SideRate> => {
    const before = Object.fromEntries(Object.entries(cpu).map(([k, f]) => [k, f()]));
    const r = (await ask({ phase: 'rate', side })).rate!;
    return { rate: r, cpu: Object.fromEntries(Object.entries(cpu).map(([k, f]) => [k, (f() - before[k]) / callsPerRate])) };
  };
  const floors = o.floors ?? [];
  const sides: Side[] = ['gateway', 'direct', ...floors];
  return async (run) => {
    const times = await ask({ phase: 'latency' });
    const [d, g] = [times.direct!, times.gateway!];
    const rates: Partial<Record<Side, SideRate>> = {};
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(run + k) % sides.length];
      rates[side] = await rate(side);
    }
    const [viaGw, direct] = [rates.gateway!, rates.direct!];
    const extra: Record<string, number> = {};
    for (const k of Object.keys(cpu)) {
      extra[`${k}Via`] = viaGw.cpu[k];
      extra[`${k}Direct`] = direct.cpu[k];
      for (const f of floors) extra[`${k}${cap(f)}`] = rates[f]!.cpu[k];
    }
    const p50 = added(g, d, 0.5);
    const p50Extra: Record<string, number> = {};
    const rateExtra: Record<string, number> = { ...extra };
    const out = {} as Record<SideBySide, Sample>;
    for (const f of FLOORS) {
      const t = times[f];
      const r = rates[f];
      out[`${f}P50`] = t ? added(t, d, 0.5) : { value: NaN };
      out[`${f}Rate`] = r ? { value: r.rate, baseline: direct.rate, extra } : { value: NaN };
      if (t) p50Extra[f] = out[`${f}P50`].value;
      if (r) rateExtra[`${f}Ratio`] = r.rate / direct.rate;
    }
    return {
      ...out,
      p50: floors.length ? { ...p50, extra: p50Extra } : p50,
      p99: added(g, d, 0.99),
      p50Ratio: { value: quantile(g, 0.5), baseline: quantile(d, 0.5) },
      rate: { value: viaGw.rate, baseline: direct.rate, extra: rateExtra },
    };
  };
}
