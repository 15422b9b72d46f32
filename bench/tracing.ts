// Tracing's cost. Gateway: the p50 of an echo tools/call through the gateway (HTTP upstream, the
// gateway row's setup) with tracing on, exporting every span to an in-process OTLP/HTTP receiver,
// against the same calls with tracing off, alternating which goes first per run. Off: what the
// request path's hooks cost per request with tracing off, timed in a tight loop, as a share of the
// gateway's own p50. Sync: webhook -> sync finished (a new version of a stdio server, blue-green) in a
// daemon with tracing on against one with it off, one commit each per run.
import type { ServerResponse } from 'node:http';
import { startTracing, traced, traceMeta, injectTrace } from '../src/telemetry/index.js';
import { OtlpReceiver } from '../tests/telemetry/otlp-receiver.js';
import { createWorld } from '../tests/gateway/helpers.js';
import { everythingStdio } from '../tests/e2e/helpers/servers.js';
import { DaemonWorld } from './daemon-world.js';
import { extraMedian, quantile, sharedRuns, type Bench, type Sample } from './harness.js';
import { gatewayThreadCpu, loadConfig, startLoadWorker, type LoadWorker } from './load-worker.js';

const ms = (s: Sample[], key: string, digits = 2): string => `${extraMedian(s, key).toFixed(digits)} ms`;

/** Spans received so far, counted in the raw JSON exports (the bench's receiver decodes nothing). */
function spanCount(r: OtlpReceiver): number {
  return r.raw.reduce((n, b) => n + (b.toString('utf8').match(/"spanId"/g)?.length ?? 0), 0);
}

/** µs per gateway request of the hooks tracing puts on its path, tracing off. */
function offHookMicros(n: number): number {
  const req = { method: 'POST', headers: { 'mcp-session-id': 's' } };
  const res = {} as ServerResponse;
  const messages = (): unknown[] => [{ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo' } }];
  const params: { name: string; _meta?: Record<string, unknown> } = { name: 'echo' };
  const headers: Record<string, unknown> = {};
  const fn = (): Promise<void> => Promise.resolve();
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    void traced(req, res, 'svc', messages, fn);
    if (traceMeta(params) === params) sink++;
    injectTrace(headers);
  }
  const hooks = performance.now() - t0;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    void fn();
    sink++;
  }
  const bare = performance.now() - t1;
  if (sink !== 2 * n) throw new Error('traceMeta changed params with tracing off');
  return (Math.max(0, hooks - bare) * 1000) / n;
}

export async function tracingBench(runs: number, quick: boolean): Promise<Bench> {
  const otlp = await OtlpReceiver.start({ decode: false });
  const w = await createWorld();
  let worker: LoadWorker | undefined;
  const worlds: DaemonWorld[] = [];
  const cleanup = async (): Promise<void> => {
    await worker?.close();
    await w.close();
    for (const d of worlds) await d.close();
    await otlp.close();
  };
  try {
    const inst = await w.serve('svc', 'streamableHttp');
    if (inst.endpoint.kind !== 'http') throw new Error('expected an HTTP instance');
    const cfg = loadConfig(inst.endpoint.url, w.url('svc').href, quick);
    worker = await startLoadWorker(cfg);
    const ask = worker.ask;
    // the gateway thread's CPU per call too (the receiver's, on, included): less at the mercy of a busy box than latency
    const p50s = async (): Promise<{ gw: number; added: number; cpu: number }> => {
      const c0 = gatewayThreadCpu();
      const { direct, gateway } = await ask({ phase: 'latency' });
      return { gw: quantile(gateway!, 0.5), added: quantile(gateway!, 0.5) - quantile(direct!, 0.5), cpu: (gatewayThreadCpu() - c0) / cfg.sequential };
    };
    const on = async (): Promise<{ gw: number; added: number; cpu: number }> => {
      const before = spanCount(otlp);
      const c0 = gatewayThreadCpu();
      const t = await startTracing({ endpoint: otlp.url, serviceVersion: 'bench' }, {});
      let r: { gw: number; added: number };
      try {
        r = await p50s();
      } finally {
        await t.shutdown(); // the export of every span is part of the cost
      }
      const spans = spanCount(otlp) - before;
      if (spans < cfg.sequential) throw new Error(`tracing on exported ${spans} spans for ${cfg.sequential} calls`);
      return { ...r, cpu: (gatewayThreadCpu() - c0) / cfg.sequential };
    };
    const pick = sharedRuns(async (run: number): Promise<Record<'on' | 'off', Sample>> => {
      const [a, b] = run % 2 ? [await p50s(), await on()] : [await on(), await p50s()];
      const [off, traced] = run % 2 ? [a, b] : [b, a];
      const hookUs = offHookMicros(quick ? 50_000 : 200_000);
      return {
        on: { value: traced.gw, baseline: off.gw, extra: { addedOn: traced.added, addedOff: off.added, cpuOn: traced.cpu, cpuOff: off.cpu } },
        off: { value: hookUs / 1000, baseline: off.gw, extra: { hookUs } },
      };
    });

    const syncWorld = (name: string, flags: Record<string, string>): Promise<DaemonWorld> =>
      DaemonWorld.start(name, (doc) => doc('svc', everythingStdio({ version: '1' })), 60_000, flags).then((d) => (worlds.push(d), d));
    // made when the sync row begins: a daemon with tracing on sets the process's global tracer, which the gateway rows switch themselves
    let daemons: Promise<[DaemonWorld, DaemonWorld]> | undefined;
    /** webhook -> sync finished, and -> sync.started (fetch and validate: no process spawn in it). */
    const syncOnce = async (d: DaemonWorld, version: string): Promise<{ total: number; loaded: number }> => {
      const commit = await d.repo.commit(d.doc('svc', everythingStdio({ version })), `svc ${version}`);
      const sent = await d.webhook();
      const done = await d.finished(commit, sent);
      if (done.e.type === 'sync.finished' && done.e.result !== 'succeeded') throw new Error(`sync of svc ${version}: ${done.e.result}: ${done.e.message}`);
      return { total: done.at - sent, loaded: (d.events('sync.started', commit, sent)[0]?.at ?? NaN) - sent };
    };
    const syncRun = async (run: number): Promise<Sample> => {
      daemons ??= (async () => [await syncWorld('tracing-off', {}), await syncWorld('tracing-on', { 'otel-endpoint': otlp.url })])();
      const [off, onWorld] = await daemons;
      const v = String(run + 2);
      const [a, b] = run % 2 ? [await syncOnce(off, v), await syncOnce(onWorld, v)] : [await syncOnce(onWorld, v), await syncOnce(off, v)];
      const [offS, onS] = run % 2 ? [a, b] : [b, a];
      return { value: onS.total, baseline: offS.total, extra: { loadedOn: onS.loaded, loadedOff: offS.loaded } };
    };

    const what = 'server-everything streamable HTTP, echo tools/call, clients in a worker thread';
    return {
      rows: [
        {
          name: 'gateway p50 with tracing on vs off',
          unit: 'ms',
          target: '<= 1.1x off',
          runs,
          ratio: true,
          pass: (r) => r <= 1.1,
          measure: pick('on'),
          note: (s) =>
            `${what}; ${cfg.sequential} sequential calls per run and side; on = every span exported (OTLP/HTTP JSON, batch) to a receiver in this process; added over direct: on ${ms(s, 'addedOn')}, off ${ms(s, 'addedOff')}; gateway thread CPU per call: on ${ms(s, 'cpuOn', 3)}, off ${ms(s, 'cpuOff', 3)}`,
        },
        {
          name: 'tracing off: request-path hooks per request vs gateway p50',
          unit: 'ms',
          target: '< 0.01x (none measurable)',
          runs,
          ratio: true,
          pass: (r) => r < 0.01,
          measure: pick('off'),
          note: (s) =>
            `traced(), traceMeta() and injectTrace() with tracing off, timed in a loop against the bare handler call: ${extraMedian(s, 'hookUs').toFixed(3)} µs per request; baseline = the gateway p50 of the row above (off)`,
        },
        {
          name: 'webhook -> sync finished with tracing on vs off',
          unit: 'ms',
          target: '<= 1.1x off',
          runs,
          ratio: true,
          pass: (r) => r <= 1.1,
          measure: syncRun,
          note: (s) =>
            `two daemons in this process (one with --otel-endpoint to the receiver), a new version of a stdio server-everything each per run, blue-green; order alternates; the spawn dominates (and varies): webhook -> sync.started (fetch + validate) on ${ms(s, 'loadedOn', 0)}, off ${ms(s, 'loadedOff', 0)}`,
        },
      ],
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
