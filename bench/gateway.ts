// The gateway (/mcp/<name>, mounted on buildApp as the daemon mounts it) in front of server-everything
// over streamable HTTP, against the same server called directly: added latency of one tools/call
// (p50, p99 of sequential calls, interleaved so both sides see the same noise) and the throughput of
// concurrent sessions. The clients run in a worker thread (gateway-load.ts); bounded call counts.
// CPU per call of the gateway's thread and of the server process shows where a 2-core machine goes.
import { gatewayWorldBench } from './gateway-world.js';
import { sharedRuns, type Bench } from './harness.js';
import { cpuNote as cpu, gatewayThreadCpu, loadConfig, SESSIONS, sideBySide } from './load-worker.js';
import { cpuMs } from './proc-usage.js';

export function gatewayBench(runs: number, quick: boolean): Promise<Bench> {
  return gatewayWorldBench(async (w, startWorker) => {
    const inst = await w.serve('svc', 'streamableHttp');
    const serverPid = w.rt.pidOf(inst.id);
    if (inst.endpoint.kind !== 'http' || serverPid === undefined) throw new Error('expected a running HTTP instance');
    const cfg = loadConfig(inst.endpoint.url, w.url('svc').href, quick);
    const worker = await startWorker(cfg);
    const pick = sharedRuns(sideBySide(worker.ask, cfg.concurrent, { gw: gatewayThreadCpu, srv: () => cpuMs(serverPid) }));
    const what = 'server-everything streamable HTTP on 127.0.0.1, echo tools/call, clients in a worker thread';
    return [
      {
        name: 'gateway added latency p50, HTTP upstream (vs direct)',
        unit: 'ms',
        target: '< 0.5 ms',
        runs,
        pass: (m) => m < 0.5,
        measure: pick('p50'),
        note: `${what}; ${cfg.sequential} sequential calls per run and side, interleaved; baseline = direct p50`,
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
        note: (s) =>
          `${cfg.concurrent} calls per run and side over ${SESSIONS} concurrent sessions; CPU per call (medians): gateway thread ${cpu(s, 'gwVia')}, server ${cpu(s, 'srvVia')} via the gateway, ${cpu(s, 'srvDirect')} direct`,
      },
    ];
  });
}
