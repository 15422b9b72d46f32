// What the runtime says about the gated instance, turned into gate failures.
import type { Instance, Runtime } from '../runtimes/runtime.js';
import { GateFailure } from './gate-failure.js';

/** `process exited with code 1: <stderr tail>` (docker: `container ...`, kubernetes: `pod ...`). */
export function exitReason(runtime: Pick<Runtime, 'capabilities'>, message: string | undefined): string {
  return `${runtime.capabilities.instanceNoun} ${message ?? 'exited'}`;
}

export async function findInstance(runtime: Runtime, id: string): Promise<Instance | undefined> {
  return (await runtime.observe()).find((i) => i.id === id);
}

/** Throws the matching GateFailure when the instance is gone or has exited. */
export async function assertRunning(runtime: Runtime, id: string): Promise<void> {
  const instance = await findInstance(runtime, id);
  if (!instance) throw new GateFailure('not-found', `instance ${id} not found`);
  if (instance.state !== 'running') throw new GateFailure('exited', exitReason(runtime, instance.message));
}
