// The clients of the gateway bench, in a worker thread of their own: the gateway (main thread) must
// not share its event loop with the load it serves, as it never does in the daemon. Measures the
// same calls directly against the server and through the gateway; answers one message per run.
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { quantile, type Sample } from './harness.js';

export interface LoadConfig { directUrl: string; gatewayUrl: string; sessions: number; sequential: number; concurrent: number }
export type LoadResult = Record<'p50' | 'p99' | 'rate', Sample>;

async function connect(url: string, name: string): Promise<Client> {
  const c = new Client({ name, version: '1' });
  await c.connect(new StreamableHTTPClientTransport(new URL(url)));
  return c;
}

async function call(c: Client, n: number): Promise<number> {
  const t = performance.now();
  const res = await c.callTool({ name: 'echo', arguments: { message: `m${n}` } });
  const got = (res.content as { text?: string }[])[0]?.text;
  if (got !== `Echo: m${n}`) throw new Error(`wrong answer: ${String(got)}`);
  return performance.now() - t;
}

/** `calls` calls spread over the sessions, all sessions at once; calls per second. */
async function throughput(clients: Client[], calls: number): Promise<number> {
  const t = performance.now();
  const per = Math.ceil(calls / clients.length);
  await Promise.all(clients.map(async (c, k) => {
    for (let i = 0; i < per; i++) await call(c, k * per + i);
  }));
  return (per * clients.length * 1000) / (performance.now() - t);
}

async function main(cfg: LoadConfig): Promise<void> {
  const open = (url: string, side: string): Promise<Client[]> => Promise.all(Array.from({ length: cfg.sessions }, (_, i) => connect(url, `bench-${side}-${i}`)));
  const direct = await open(cfg.directUrl, 'direct');
  const via = await open(cfg.gatewayUrl, 'gateway');
  for (let i = 0; i < 50; i++) { await call(direct[0], i); await call(via[0], i); } // warm-up: JIT, connections
  const measure = async (run: number): Promise<LoadResult> => {
    const d: number[] = [];
    const g: number[] = [];
    for (let i = 0; i < cfg.sequential; i++) {
      // alternate which side goes first, so neither always pays for the other's garbage
      if (i % 2) { d.push(await call(direct[0], i)); g.push(await call(via[0], i)); } else { g.push(await call(via[0], i)); d.push(await call(direct[0], i)); }
    }
    const rate = new Map<Client[], number>();
    for (const side of run % 2 ? [direct, via] : [via, direct]) rate.set(side, await throughput(side, cfg.concurrent));
    return {
      p50: { value: quantile(g, 0.5) - quantile(d, 0.5), baseline: quantile(d, 0.5) },
      p99: { value: quantile(g, 0.99) - quantile(d, 0.99), baseline: quantile(d, 0.99) },
      rate: { value: rate.get(via)!, baseline: rate.get(direct)! },
    };
  };
  parentPort!.on('message', (m: { run: number } | 'close') => {
    if (m === 'close') {
      void Promise.all([...direct, ...via].map((c) => c.close().catch(() => undefined))).then(() => parentPort!.close());
      return;
    }
    measure(m.run).then((r) => parentPort!.postMessage({ ok: r }), (e: unknown) => parentPort!.postMessage({ error: String(e) }));
  });
  parentPort!.postMessage('ready');
}

if (parentPort) await main(workerData as LoadConfig);
