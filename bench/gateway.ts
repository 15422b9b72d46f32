// The gateway (/mcp/<name>, mounted on buildApp as the daemon mounts it) in front of server-everything
// over streamable HTTP, against the same server called directly: added latency of one tools/call
// (p50, p99 of sequential calls, interleaved so both sides see the same noise) and the throughput of
// concurrent sessions. The clients run in a worker thread (gateway-load.ts); bounded call counts.
// CPU per call of the gateway's thread and of the server process shows where a 2-core machine goes.
// The floor is measured beside it: a bare node proxy (bare-proxy.ts) on the gateway's thread, in
// front of the same server, called by the same worker in the same interleaving.
import { startBareProxy, startFrameworkProxy } from './bare-proxy.js';
import { gatewayWorldBench } from './gateway-world.js';
import { extraMedian, median, sharedRuns, type Bench, type Sample } from './harness.js';
import { cpuNote as cpu, gatewayThreadCpu, loadConfig, SESSIONS, sideBySide } from './load-worker.js';
import { cpuMs } from './proc-usage.js';

const FLOOR = 'bare node pass-through proxy (node:http server + http.request on a keep-alive agent, piped; no MCP logic) on the same thread, same run';

/**
 * Where a row stands against the floor measured beside it: both numbers, how far apart, and for a
 * miss whether the floor itself misses (the target is then below what node's HTTP stack allows on
 * this box) and whether the gateway is within 20 % of it. `over`: how much worse the gateway is, as a
 * share of the floor (0.1 = 10 % worse).
 */
function againstFloor(o: { gateway: number; floor: number; unit: string; missed: boolean; floorMisses: boolean; over: number }): string {
  const fmt = (n: number): string => `${n.toFixed(2)}${o.unit}`;
  const diff = o.unit === ' ms' ? `${o.gateway - o.floor >= 0 ? '+' : ''}${fmt(o.gateway - o.floor)}, ` : '';
  const near = `gateway ${fmt(o.gateway)} vs floor ${fmt(o.floor)} (${diff}${Math.abs(o.over * 100).toFixed(0)} % ${o.over >= 0 ? 'worse' : 'better'})`;
  if (!o.missed) return near;
  const ours =
    o.over <= 0.2 ? 'the gateway is within 20 % of that floor' : "past the floor, the gap is the gateway's (its HTTP framework and its own per-request work)";
  if (o.floorMisses) return `${near}; MISS: the target is below what node's HTTP stack allows on this box (the bare proxy alone misses it); ${ours}`;
  return `${near}; MISS while the floor meets the target: ${o.over <= 0.2 ? 'the target is at the edge of what node allows here' : "the gap is the gateway's (its HTTP framework and its own per-request work)"}`;
}

export function gatewayBench(runs: number, quick: boolean): Promise<Bench> {
  return gatewayWorldBench(async (w, startWorker, defer) => {
    const inst = await w.serve('svc', 'streamableHttp');
    const serverPid = w.rt.pidOf(inst.id);
    if (inst.endpoint.kind !== 'http' || serverPid === undefined) throw new Error('expected a running HTTP instance');
    const floor = await startBareProxy(inst.endpoint.url);
    defer(() => floor.close());
    const framework = await startFrameworkProxy(inst.endpoint.url);
    defer(() => framework.close());
    const cfg = loadConfig(inst.endpoint.url, w.url('svc').href, quick, { floor: floor.url, framework: framework.url });
    const worker = await startWorker(cfg);
    const pick = sharedRuns(sideBySide(worker.ask, cfg.concurrent, { gw: gatewayThreadCpu, srv: () => cpuMs(serverPid) }, { floors: ['floor', 'framework'] }));
    const what = 'server-everything streamable HTTP on 127.0.0.1, echo tools/call, clients in a worker thread';
    const added = (s: Sample[]): number => median(s.map((x) => x.value));
    const ratio = (s: Sample[]): number => median(s.map((x) => x.value / (x.baseline ?? 1)));
    return [
      {
        name: 'gateway added latency p50, HTTP upstream (vs direct)',
        unit: 'ms',
        target: '< 0.5 ms',
        runs,
        pass: (m) => m < 0.5,
        measure: pick('p50'),
        note: (s) => {
          const [gw, fl] = [added(s), extraMedian(s, 'floor')];
          const verdict = againstFloor({ gateway: gw, floor: fl, unit: ' ms', missed: !(gw < 0.5), floorMisses: !(fl < 0.5), over: (gw - fl) / fl });
          const fw = extraMedian(s, 'framework');
          const split = `; of the gap, the daemon's HTTP framework (fastify as buildApp sets it up, same bare forwarding: +${fw.toFixed(2)} ms) takes ${(fw - fl).toFixed(2)} ms, the gateway's MCP work (host check, body parse, session map, metrics, response watch) ${(gw - fw).toFixed(2)} ms`;
          return `${what}; ${cfg.sequential} sequential calls per run and side, interleaved; baseline = direct p50; added p50 ${verdict}${split}`;
        },
      },
      {
        name: 'gateway added latency p99, HTTP upstream',
        unit: 'ms',
        target: 'report',
        runs,
        measure: pick('p99'),
        note: 'same calls; baseline = direct p99',
      },
      {
        name: 'gateway throughput vs direct, HTTP upstream',
        unit: 'calls/s',
        target: '>= 0.9x direct',
        runs,
        ratio: true,
        pass: (r) => r >= 0.9,
        measure: pick('rate'),
        note: (s) => {
          const [gw, fl] = [ratio(s), extraMedian(s, 'floorRatio')];
          const verdict = againstFloor({ gateway: gw, floor: fl, unit: 'x', missed: !(gw >= 0.9), floorMisses: !(fl >= 0.9), over: (fl - gw) / fl });
          return `${cfg.concurrent} calls per run and side over ${SESSIONS} concurrent sessions; throughput vs direct: ${verdict}; CPU per call (medians): gateway thread ${cpu(s, 'gwVia')} (on it the bare proxy ${cpu(s, 'gwFloor')}, behind fastify ${cpu(s, 'gwFramework')}; fastify's throughput vs direct ${extraMedian(s, 'frameworkRatio').toFixed(2)}x), server ${cpu(s, 'srvVia')} via the gateway, ${cpu(s, 'srvDirect')} direct`;
        },
      },
      {
        name: 'floor: bare node pass-through proxy, added p50 (vs direct)',
        unit: 'ms',
        target: 'report',
        runs,
        measure: pick('floorP50'),
        note: `${FLOOR}: the least any node HTTP pass-through adds; same calls as the gateway's, interleaved; baseline = direct p50`,
      },
      {
        name: 'floor: bare node pass-through proxy, throughput vs direct',
        unit: 'calls/s',
        target: 'report',
        runs,
        ratio: true,
        measure: pick('floorRate'),
        note: (s) =>
          `same proxy, ${cfg.concurrent} calls per run over ${SESSIONS} sessions; its thread's CPU per call ${cpu(s, 'gwFloor')} (median); baseline = direct`,
      },
      {
        name: "floor + framework: the same proxy behind the daemon's fastify, added p50",
        unit: 'ms',
        target: 'report',
        runs,
        measure: pick('frameworkP50'),
        note: "the bare forwarding as a /mcp/:name route of buildApp (its server options, hooks and the gateway's raw-body parser; no host check, no MCP logic): what the HTTP framework adds over the floor; baseline = direct p50",
      },
    ];
  });
}
