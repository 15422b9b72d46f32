// A gateway world (tests/gateway/helpers.ts: createGateway on buildApp over the process runtime) with
// the load worker its bench starts, torn down together whatever fails in between.
import { createWorld, type World } from '../tests/gateway/helpers.js';
import type { LoadConfig } from './gateway-load.js';
import type { Bench } from './harness.js';
import { startLoadWorker, type LoadWorker } from './load-worker.js';

/** `defer`: something else the bench opened (e.g. a proxy), closed after the worker, before the world. */
export async function gatewayWorldBench(
  make: (w: World, startWorker: (cfg: LoadConfig) => Promise<LoadWorker>, defer: (close: () => Promise<void>) => void) => Promise<Bench['rows']>,
): Promise<Bench> {
  const w = await createWorld();
  let worker: LoadWorker | undefined;
  const closers: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    await worker?.close();
    for (const close of closers) await close();
    await w.close();
  };
  try {
    const rows = await make(
      w,
      async (cfg) => (worker = await startLoadWorker(cfg)),
      (close) => closers.push(close),
    );
    return { rows, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
