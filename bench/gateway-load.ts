// The clients of the gateway bench, in a worker thread of their own: the gateway (main thread) must
// not share its event loop with the load it serves, as it never does in the daemon. Measures the
// same calls directly against the server and through the gateway, one phase per message.
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface LoadConfig {
  directUrl: string;
  gatewayUrl: string;
  /** More sides in front of the same server, e.g. a bare node proxy: the floor of any pass-through. */
  floors?: Partial<Record<Floor, string>>;
  sessions: number;
  sequential: number;
  concurrent: number;
}
/** latency: sequential calls, both sides interleaved; rate: concurrent calls on one side. */
export interface LoadPhase {
  phase: 'latency' | 'rate';
  side?: Side;
}
/** floor: a bare node:http proxy; framework: the same forwarding behind the daemon's fastify app. */
export type Floor = 'floor' | 'framework';
export type Side = 'direct' | 'gateway' | Floor;
export interface LoadAnswer {
  direct?: number[];
  gateway?: number[];
  floor?: number[];
  framework?: number[];
  rate?: number;
  error?: string;
}

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
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < per; i++) await call(c, k * per + i);
    }),
  );
  return (per * clients.length * 1000) / (performance.now() - t);
}

async function main(cfg: LoadConfig): Promise<void> {
  const open = (url: string, side: string): Promise<Client[]> =>
    Promise.all(Array.from({ length: cfg.sessions }, (_, i) => connect(url, `bench-${side}-${i}`)));
  const urls: [Side, string][] = [['direct', cfg.directUrl], ['gateway', cfg.gatewayUrl], ...(Object.entries(cfg.floors ?? {}) as [Floor, string][])];
  const sides = Object.fromEntries(await Promise.all(urls.map(async ([side, url]) => [side, await open(url, side)] as const))) as Partial<
    Record<Side, Client[]>
  >;
  const order = urls.map(([side]) => side);
  for (let i = 0; i < 30; i++) for (const side of order) await call(sides[side]![0], i); // warm-up: JIT, connections
  const phases: Record<LoadPhase['phase'], (m: LoadPhase) => Promise<LoadAnswer>> = {
    async latency() {
      const times: LoadAnswer = Object.fromEntries(order.map((side) => [side, []]));
      for (let i = 0; i < cfg.sequential; i++) {
        // rotate which side goes first, so none always pays for another's garbage
        for (let k = 0; k < order.length; k++) {
          const side = order[(i + k) % order.length];
          times[side]!.push(await call(sides[side]![0], i));
        }
      }
      return times;
    },
    async rate(m) {
      return { rate: await throughput(sides[m.side!]!, cfg.concurrent) };
    },
  };
  parentPort!.on('message', (m: LoadPhase | 'close') => {
    if (m === 'close') {
      void Promise.all(
        Object.values(sides)
          .flat()
          .map((c) => c.close().catch(() => undefined)),
      ).then(() => parentPort!.close());
      return;
    }
    phases[m.phase](m).then(
      (r) => parentPort!.postMessage(r),
      (e: unknown) => parentPort!.postMessage({ error: String(e) }),
    );
  });
  parentPort!.postMessage('ready');
}

if (parentPort) await main(workerData as LoadConfig);
