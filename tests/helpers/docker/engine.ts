// Finds the test engine: the one DOCKER_HOST points at (scripts/docker-test-engine.sh starts a
// private one). Without it the docker tests skip and say why; with MCP_GITOPS_REQUIRE_DOCKER=1
// (set by .ci/run) a missing engine fails them instead, so CI cannot pass by skipping.
import Dockerode from 'dockerode';
import { parseDockerHost } from '../../../src/runtimes/docker/index.js';
import { TEST_IMAGE } from './images.js';

export interface TestEngine {
  dockerHost: string;
  docker: Dockerode;
}

export type EngineProbe = { ok: true; engine: TestEngine; reason?: undefined } | { ok: false; reason: string; engine?: undefined };

export async function probeEngine(env: NodeJS.ProcessEnv = process.env): Promise<EngineProbe> {
  const dockerHost = env.DOCKER_HOST;
  const probe = await check(dockerHost);
  if (!probe.ok && env.MCP_GITOPS_REQUIRE_DOCKER === '1') {
    throw new Error(`MCP_GITOPS_REQUIRE_DOCKER=1 but ${probe.reason}`);
  }
  if (!probe.ok) console.warn(`docker runtime tests skipped: ${probe.reason}`);
  return probe;
}

async function check(dockerHost: string | undefined): Promise<EngineProbe> {
  if (!dockerHost) return { ok: false, reason: 'DOCKER_HOST is not set (start an engine: eval "$(scripts/docker-test-engine.sh start)")' };
  const address = parseDockerHost(dockerHost);
  const docker = new Dockerode('socketPath' in address ? { socketPath: address.socketPath, protocol: 'http' } : address);
  try {
    // @types/dockerode lags dockerode 5, whose ping takes { abortSignal }
    await (docker.ping as (o: { abortSignal: AbortSignal }) => Promise<unknown>)({ abortSignal: AbortSignal.timeout(5000) });
  } catch (err) {
    return { ok: false, reason: `no docker engine answers at ${dockerHost}: ${err instanceof Error ? err.message : String(err)}` };
  }
  try {
    await docker.getImage(TEST_IMAGE).inspect();
  } catch {
    return { ok: false, reason: `test image ${TEST_IMAGE} is missing on ${dockerHost} (build it: scripts/docker-test-engine.sh images)` };
  }
  return { ok: true, engine: { dockerHost, docker } };
}
