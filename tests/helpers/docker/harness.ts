// Per-test docker runtimes in a scope of their own (label mcp-gitops/scope), so test files running
// in parallel on one engine never see each other's containers; everything in the scope is removed
// at the end, whatever the test did.
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createDockerRuntime, type DockerRuntime, type DockerRuntimeOptions } from '../../../src/runtimes/docker/index.js';
import { LABEL_SCOPE } from '../../../src/runtimes/docker/labels.js';
import type { StartContext } from '../../../src/runtimes/runtime.js';
import type { TestEngine } from './engine.js';

export interface DockerHarness {
  scope: string;
  ctx: StartContext;
  runtime(opts?: Partial<DockerRuntimeOptions>): DockerRuntime;
  /** Runs the docker CLI against the test engine (out-of-band actions: kill, rm -f, stop). */
  cli(...args: string[]): Promise<string>;
  /** A container the test made itself (outside any runtime), removed at the end too. */
  removeAtEnd(id: string): void;
  cleanup(): Promise<void>;
}

export function createDockerHarness(engine: TestEngine): DockerHarness {
  const scope = `t-${randomBytes(5).toString('hex')}`;
  const runtimes: DockerRuntime[] = [];
  const extra: string[] = [];
  return {
    scope,
    ctx: { commit: 'c0ffee0000000000000000000000000000000000', workdir: '/nonexistent' },
    runtime(opts = {}) {
      const rt = createDockerRuntime({ dockerHost: engine.dockerHost, scope, stopGraceSeconds: 1, ...opts });
      runtimes.push(rt);
      return rt;
    },
    async cli(...args) {
      const { stdout } = await promisify(execFile)('docker', args, { env: { ...process.env, DOCKER_HOST: engine.dockerHost } });
      return stdout.trim();
    },
    removeAtEnd(id) {
      extra.push(id);
    },
    async cleanup() {
      await Promise.all(runtimes.map((rt) => rt.shutdown()));
      const mine = await engine.docker.listContainers({ all: true, filters: { label: [`${LABEL_SCOPE}=${scope}`] } });
      await Promise.all(
        [...mine.map((c) => c.Id), ...extra].map((id) =>
          engine.docker
            .getContainer(id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
    },
  };
}
