// What canary routing costs the gateway: the same gateway in front of two servers of
// server-everything over streamable HTTP, one plain ("off") and one with a canary instance beside
// its stable one at 50 % of new sessions ("on": every session drawn, every call counted per track
// for the step's judgment). Sequential calls interleaved on both (p50), then each side's throughput;
// clients in a worker thread as in the gateway bench.
import { gatewayWorldBench } from './gateway-world.js';
import { sharedRuns, type Bench } from './harness.js';
import { cpuNote as cpu, gatewayThreadCpu, loadConfig, SESSIONS, sideBySide } from './load-worker.js';

export function gatewayCanaryBench(fullRuns: number, quick: boolean): Promise<Bench> {
  const runs = quick ? 2 : fullRuns;
  return gatewayWorldBench(async (w, startWorker) => {
    await w.serve('plain', 'streamableHttp');
    await w.serve('svc', 'streamableHttp', 'stable');
    w.gateway.setCanary('svc', await w.start('svc', 'streamableHttp', 'canary'), 50);
    const cfg = loadConfig(w.url('plain').href, w.url('svc').href, quick);
    const worker = await startWorker(cfg);
    if (w.gateway.canaryFigures('svc')?.weight !== 50) throw new Error('the canary is not routed');
    const pick = sharedRuns(sideBySide(worker.ask, cfg.concurrent, { gw: gatewayThreadCpu }));
    return [
      {
        name: 'gateway p50, canary routing on vs off',
        unit: 'ms',
        target: '<= 1.1x off',
        runs,
        ratio: true,
        pass: (r) => r <= 1.1,
        measure: pick('p50Ratio'),
        note: `one gateway, server-everything streamable HTTP behind both sides: "on" has a canary instance at 50 % of new sessions (calls counted per track), "off" none; ${cfg.sequential} sequential echo calls per run and side, interleaved; within 10 % = no worse (the noise of this box)`,
      },
      {
        name: 'gateway throughput, canary routing on vs off',
        unit: 'calls/s',
        target: '>= 0.9x off',
        runs,
        ratio: true,
        pass: (r) => r >= 0.9,
        measure: pick('rate'),
        note: (s) =>
          `${cfg.concurrent} calls per run and side over ${SESSIONS} concurrent sessions; gateway thread CPU per call (medians): ${cpu(s, 'gwVia')} on, ${cpu(s, 'gwDirect')} off`,
      },
    ];
  });
}
