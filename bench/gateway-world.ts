// A gateway world (tests/gateway/helpers.ts: createGateway on buildApp over the process runtime) with
// the load worker its bench starts, torn down together whatever fails in between.
import { createWorld, type World } from '../tests/gateway/helpers.js';
import type { LoadConfig } from './gateway-load.js';
import type { Bench } from './harness.js';
import { startLoadWorker, type LoadWorker } from './load-worker.js';

export async function gatewayWorldBench(make: (w: World, startWorker: (cfg: LoadConfig) => Promise<LoadWorker>) => Promise<Bench['rows']>): Promise<Bench> {
  const w = await createWorld();
  let worker: LoadWorker | undefined;
  const cleanup = async (): Promise<void> => {
    await worker?.close();
    await w.close();
  };
  try {
    const rows = await make(w, async (cfg) => (worker = await startLoadWorker(cfg)));
    return { rows, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
