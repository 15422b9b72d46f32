// Drives the load worker (gateway-load.ts) from the main thread: starts it, waits for its sessions,
// asks one phase at a time, and closes it. "direct" is the side the gateway is compared with (the
// server itself, or a peer proxy in front of it).
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { LoadAnswer, LoadConfig, LoadPhase, Side } from './gateway-load.js';
import { extraMedian, quantile, type Sample } from './harness.js';
import { threadCpuMs } from './proc-usage.js';

/** Concurrent sessions per side in the throughput phase. */
export const SESSIONS = 8;

/** The load of one side-by-side bench: fewer calls with --quick. */
export function loadConfig(directUrl: string, gatewayUrl: string, quick: boolean, floorUrl?: string): LoadConfig {
  return {
    directUrl,
    gatewayUrl,
    ...(floorUrl !== undefined && { floorUrl }),
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

export type SideBySide = 'p50' | 'p99' | 'p50Ratio' | 'rate' | 'floorP50' | 'floorRate';

interface SideRate {
  rate: number;
  /** CPU ms per call of each counter. */
  cpu: Record<string, number>;
}

const added = (via: number[], direct: number[], q: number): Sample => ({ value: quantile(via, q) - quantile(direct, q), baseline: quantile(direct, q) });

/**
 * One run of the side-by-side measure: sequential calls on all sides interleaved (latency), then the
 * throughput of each side, the side that goes first rotating per run. p50 and p99 are the added
 * milliseconds through the gateway (baseline: the direct side's); p50Ratio is the gateway's p50 with
 * the direct p50 as baseline (for ratio rows); rate carries `<counter>Via` and `<counter>Direct` CPU
 * ms per call as extras. With `floor` (the worker has a floorUrl), floorP50 and floorRate are the
 * same for the floor side (its CPU as `<counter>Floor`), and the gateway's p50 and rate samples carry
 * the floor's as extras `floor` and `floorRatio`, for their notes; without it those two are NaN.
 */
export function sideBySide(
  ask: LoadWorker['ask'],
  callsPerRate: number,
  cpu: CpuCounters,
  o: { floor?: boolean } = {},
): (run: number) => Promise<Record<SideBySide, Sample>> {
  const rate = async (side: Side): Promise<SideRate> => {
    const before = Object.fromEntries(Object.entries(cpu).map(([k, f]) => [k, f()]));
    const r = (await ask({ phase: 'rate', side })).rate!;
    return { rate: r, cpu: Object.fromEntries(Object.entries(cpu).map(([k, f]) => [k, (f() - before[k]) / callsPerRate])) };
  };
  const sides: Side[] = o.floor ? ['gateway', 'direct', 'floor'] : ['gateway', 'direct'];
  const none: Sample = { value: NaN };
  return async (run) => {
    const { direct: d, gateway: g, floor: f } = await ask({ phase: 'latency' });
    const rates: Partial<Record<Side, SideRate>> = {};
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(run + k) % sides.length];
      rates[side] = await rate(side);
    }
    const { gateway: viaGw, direct, floor } = rates as Record<Side, SideRate> & { floor?: SideRate };
    const extra: Record<string, number> = {};
    for (const k of Object.keys(cpu)) {
      extra[`${k}Via`] = viaGw.cpu[k];
      extra[`${k}Direct`] = direct.cpu[k];
      if (floor) extra[`${k}Floor`] = floor.cpu[k];
    }
    const floorP50 = f ? added(f, d!, 0.5) : none;
    const p50 = added(g!, d!, 0.5);
    return {
      p50: f ? { ...p50, extra: { floor: floorP50.value } } : p50,
      p99: added(g!, d!, 0.99),
      p50Ratio: { value: quantile(g!, 0.5), baseline: quantile(d!, 0.5) },
      rate: { value: viaGw.rate, baseline: direct.rate, extra: floor ? { ...extra, floorRatio: floor.rate / direct.rate } : extra },
      floorP50,
      floorRate: floor ? { value: floor.rate, baseline: direct.rate, extra } : none,
    };
  };
}
