// Per-test temp dirs and runtimes that are always shut down, whatever the test did.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProcessRuntime, type ProcessRuntime, type ProcessRuntimeOptions } from '../../../../src/runtimes/process/index.js';
import type { StartContext } from '../../../../src/runtimes/runtime.js';

export interface Harness {
  base: string;
  stateDir: string;
  ctx: StartContext;
  runtime(opts?: Partial<ProcessRuntimeOptions>): ProcessRuntime;
  cleanup(): Promise<void>;
}

export async function createHarness(): Promise<Harness> {
  const base = await mkdtemp(join(tmpdir(), 'mcp-gitops-rt-'));
  const stateDir = join(base, 'state');
  const workdir = join(base, 'work');
  await mkdir(workdir);
  const runtimes: ProcessRuntime[] = [];
  return {
    base,
    stateDir,
    ctx: { commit: 'c0ffee0000000000000000000000000000000000', workdir },
    runtime(opts = {}) {
      const rt = createProcessRuntime({ stateDir, stopGraceMs: 1000, ...opts });
      runtimes.push(rt);
      return rt;
    },
    async cleanup() {
      await Promise.all(runtimes.map((rt) => rt.shutdown()));
      await rm(base, { recursive: true, force: true });
    },
  };
}
