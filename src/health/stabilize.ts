// After the first success, the server must stay healthy for stabilizationSeconds: it keeps
// answering pings and its instance keeps running (an exit also trips the latch at once).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Runtime } from '../runtimes/runtime.js';
import type { Clock } from './clock.js';
import { describeError } from './describe-error.js';
import { GateFailure, type FailureLatch } from './gate-failure.js';
import { assertRunning } from './instance-status.js';

export interface StabilizeOptions {
  client: Client;
  runtime: Runtime;
  instanceId: string;
  latch: FailureLatch;
  clock: Clock;
  durationMs: number;
  pingEveryMs: number;
  pingTimeoutMs: number;
}

export async function stabilize(o: StabilizeOptions): Promise<void> {
  const end = o.clock.now() + o.durationMs;
  for (let remaining = o.durationMs; remaining > 0; remaining = end - o.clock.now()) {
    await o.clock.sleep(Math.min(o.pingEveryMs, remaining), o.latch.signal);
    o.latch.check();
    try {
      await o.latch.guard(o.client.ping({ signal: o.latch.signal, timeout: o.pingTimeoutMs }));
    } catch (err) {
      o.latch.check();
      await o.latch.guard(assertRunning(o.runtime, o.instanceId));
      throw new GateFailure('unhealthy', `stopped answering during stabilization: ping failed: ${describeError(err)}`);
    }
    await o.latch.guard(assertRunning(o.runtime, o.instanceId));
  }
}
