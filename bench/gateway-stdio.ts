// The gateway in front of server-everything over stdio (one shared upstream process, as a stdio
// server is served by default), side by side with its peer `mcp-proxy` (npm) in front of the same
// stdio server: the p50 of one tools/call and the throughput of concurrent sessions, both sides
// measured in the same run by the same client worker as the HTTP rows (gateway.ts). Like
// mcp-proxy, the gateway is a process of its own here: the real daemon (the CLI's `serve`).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { answersWith } from '../tests/e2e/helpers/mcp-probe.js';
import { waitFor } from '../tests/e2e/helpers/wait-for.js';
import { everythingStdio } from '../tests/e2e/helpers/servers.js';
import { World } from '../tests/e2e/helpers/world.js';
import { paths } from '../tests/runtimes/process/helpers/servers.js';
import { freePort } from '../tests/runtimes/process/helpers/system.js';
import { sharedRuns, type Bench } from './harness.js';
import { cpuNote as cpu, loadConfig, SESSIONS, sideBySide, startLoadWorker, type LoadWorker } from './load-worker.js';
import { cpuMs } from './proc-usage.js';

const MCP_PROXY = `${paths.root}node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs`;

/** `mcp-proxy --server stream` on 127.0.0.1:`port` running server-everything over stdio. */
async function startMcpProxy(port: number): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const child = spawn(
    process.execPath,
    [MCP_PROXY, '--host', '127.0.0.1', '--port', String(port), '--server', 'stream', '--', process.execPath, paths.everything, 'stdio'],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  const exited = once(child, 'exit');
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  };
  const url = `http://127.0.0.1:${port}/mcp`;
  try {
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`mcp-proxy exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
        return answersWith(url);
      },
      { what: `mcp-proxy answering at ${url}`, timeoutMs: 30_000 },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { child, url, stop };
}

export async function gatewayStdioBench(runs: number, quick: boolean): Promise<Bench> {
  const w = new World();
  let worker: LoadWorker | undefined;
  let proxy: Awaited<ReturnType<typeof startMcpProxy>> | undefined;
  const cleanup = async (): Promise<void> => {
    await worker?.close();
    await proxy?.stop();
    await w.cleanup();
  };
  try {
    const head = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start({ interval: 3600 });
    await w.converged(d, head, ['svc']);
    proxy = await startMcpProxy(await freePort());
    const proxyPid = proxy.child.pid!;
    const cfg = loadConfig(proxy.url, `${d.url}/mcp/svc`, quick);
    worker = await startLoadWorker(cfg);
    const pick = sharedRuns(sideBySide(worker.ask, cfg.concurrent, { gw: () => cpuMs(d.pid), proxy: () => cpuMs(proxyPid) }));
    const what = 'server-everything over stdio behind each (one shared upstream process), the daemon and mcp-proxy each a process of its own, echo tools/call';
    return {
      rows: [
        {
          name: 'gateway p50, stdio upstream, vs mcp-proxy',
          unit: 'ms',
          target: '<= 1x mcp-proxy',
          runs,
          ratio: true,
          pass: (r) => r <= 1,
          measure: pick('p50Ratio'),
          note: `${what}; ${cfg.sequential} sequential calls per run and side, interleaved; median = gateway p50, baseline = mcp-proxy p50, judged = ratio`,
        },
        {
          name: 'gateway throughput, stdio upstream, vs mcp-proxy',
          unit: 'calls/s',
          target: '>= 1x mcp-proxy',
          runs,
          ratio: true,
          pass: (r) => r >= 1,
          measure: pick('rate'),
          note: (s) =>
            `${cfg.concurrent} calls per run and side over ${SESSIONS} concurrent sessions; baseline = mcp-proxy; CPU per call (medians, each process without its server): daemon ${cpu(s, 'gwVia')}, mcp-proxy ${cpu(s, 'proxyDirect')}`,
        },
      ],
      cleanup,
    };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
