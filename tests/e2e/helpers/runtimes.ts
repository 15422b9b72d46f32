// The runtimes the end-to-end scenarios run on, by parameter: how a daemon is pointed at one, how a
// spec runs on it, and how the test looks at what really runs there (as an operator would: /proc and
// instance records for processes, the engine's container list for docker).
import { spawn } from 'node:child_process';
import Dockerode from 'dockerode';
import { LABEL_SCOPE } from '../../../src/runtimes/docker/labels.js';
import { LABEL_MANAGED_BY, LABEL_MANAGED_BY_VALUE, LABEL_SERVER } from '../../../src/runtimes/runtime.js';
import { probeEngine, type TestEngine } from '../../helpers/docker/engine.js';
import { IN_IMAGE, TEST_IMAGE } from '../../helpers/docker/images.js';
import { isAlive, killMarked, marked, records } from './procs.js';
import { EVERYTHING, fixture, MEMORY, type Spec } from './servers.js';
import { waitFor } from './wait-for.js';

export type RuntimeName = 'process' | 'docker';

/** Something running that looks like a managed server but was not started by the daemon. */
export interface Stranger {
  alive(): Promise<boolean>;
  remove(): Promise<void>;
}

export interface RuntimeProbe {
  name: RuntimeName;
  /** Environment for `mcp-gitops serve` (flags as MCP_GITOPS_* variables). */
  daemonEnv(scope: string): Record<string, string>;
  /** The spec fields that differ on this runtime (docker: image, paths inside it). */
  adapt(s: Spec): Spec & { image?: string; command?: string };
  /** The host pid of an instance's main process. */
  pidOf(instanceId: string, stateDir: string): Promise<number>;
  /** Ids of every instance of ours, running or not. */
  instanceIds(stateDir: string, scope: string): Promise<string[]>;
  /** Waits until exactly one live instance per server runs, and nothing else of ours. */
  noOrphans(servers: string[], stateDir: string, scope: string): Promise<void>;
  /** Kills an instance out of band (kill -9 of the process; docker rm -f of the container). */
  killOutOfBand(instanceId: string, stateDir: string): Promise<void>;
  stranger(scope: string): Promise<Stranger>;
  /** What a graceful daemon stop leaves running: process stops its children, docker leaves containers to adopt. */
  keepsInstancesOnStop: boolean;
  /** Whether a stdio instance survives its daemon (process: its pipes die with the daemon, ADR 0003). */
  adoptsStdio: boolean;
  cleanup(scope: string): Promise<void>;
}

const processProbe: RuntimeProbe = {
  name: 'process',
  daemonEnv: () => ({}),
  adapt: (s) => s,
  pidOf: (id, stateDir) => {
    const rec = records(stateDir).find((r) => r.id === id);
    if (!rec) throw new Error(`no instance record ${id}`);
    return Promise.resolve(rec.pid);
  },
  instanceIds: (stateDir) =>
    Promise.resolve(
      records(stateDir)
        .map((r) => r.id)
        .sort(),
    ),
  noOrphans: async (servers, stateDir, marker) => {
    await waitFor(
      () => {
        const recs = records(stateDir);
        const leaders = new Set(recs.map((r) => r.pid));
        const live = marked(marker);
        const ok =
          recs
            .map((r) => r.server)
            .sort()
            .join() === [...servers].sort().join() &&
          live.every((p) => leaders.has(p.pgid)) &&
          [...leaders].every((pid) => live.some((p) => p.pid === pid));
        return ok || undefined;
      },
      { what: `exactly one live process group per server (${servers.join(', ')}) and nothing else`, timeoutMs: 20_000 },
    ).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}: ${JSON.stringify({ records: records(stateDir), live: marked(marker) })}`);
    });
  },
  killOutOfBand: async (id, stateDir) => {
    process.kill(await processProbe.pidOf(id, stateDir), 'SIGKILL');
  },
  stranger: (marker) => {
    const child = spawn(process.execPath, [EVERYTHING, 'stdio'], { stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, E2E_STRANGER: marker } });
    return Promise.resolve({
      alive: () => Promise.resolve(isAlive(child.pid!)),
      remove: () => Promise.resolve(void child.kill('SIGKILL')),
    });
  },
  keepsInstancesOnStop: false,
  adoptsStdio: false,
  cleanup: (marker) => Promise.resolve(killMarked(marker)),
};

function inImage(arg: string): string {
  if (arg === EVERYTHING) return IN_IMAGE.everything;
  if (arg === MEMORY) return IN_IMAGE.memory;
  const prefix = fixture('');
  return arg.startsWith(prefix) ? IN_IMAGE.fixture(arg.slice(prefix.length)) : arg;
}

function dockerProbe(engine: TestEngine): RuntimeProbe {
  const docker: Dockerode = engine.docker;
  const ours = async (scope: string): Promise<Dockerode.ContainerInfo[]> =>
    docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED_BY}=${LABEL_MANAGED_BY_VALUE}`, `${LABEL_SCOPE}=${scope}`] } });
  const probe: RuntimeProbe = {
    name: 'docker',
    daemonEnv: (scope) => ({ MCP_GITOPS_RUNTIME: 'docker', MCP_GITOPS_SCOPE: scope, DOCKER_HOST: engine.dockerHost }),
    adapt: (s) => ({
      ...s,
      image: s.image ?? TEST_IMAGE,
      command: IN_IMAGE.node,
      args: s.args.map(inImage),
      // host paths do not exist in the container
      ...(s.env?.MEMORY_FILE_PATH && { env: { ...s.env, MEMORY_FILE_PATH: '/tmp/memory.json' } }),
    }),
    pidOf: async (id) => (await docker.getContainer(id).inspect()).State.Pid,
    instanceIds: async (_stateDir, scope) => (await ours(scope)).map((c) => c.Id).sort(),
    noOrphans: async (servers, _stateDir, scope) => {
      let last: unknown;
      await waitFor(
        async () => {
          const list = await ours(scope);
          last = list.map((c) => ({ server: c.Labels[LABEL_SERVER], state: c.State }));
          const running = list
            .filter((c) => c.State === 'running')
            .map((c) => c.Labels[LABEL_SERVER])
            .sort();
          return (list.length === running.length && running.join() === [...servers].sort().join()) || undefined;
        },
        { what: `exactly one running container per server (${servers.join(', ')}) and nothing else`, timeoutMs: 20_000 },
      ).catch((e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}: ${JSON.stringify(last)}`);
      });
    },
    killOutOfBand: async (id) => {
      await docker.getContainer(id).remove({ force: true });
    },
    stranger: async (scope) => {
      // our image, our labels but managed-by: another value (as if by hand or by another tool)
      const c = await docker.createContainer({
        Image: TEST_IMAGE,
        OpenStdin: true,
        Labels: { [LABEL_SERVER]: 'stranger', [LABEL_SCOPE]: scope, 'e2e-stranger': scope },
        HostConfig: { NetworkMode: 'none' },
      });
      await c.start();
      return {
        alive: async () => (await c.inspect()).State.Running,
        remove: () =>
          c.remove({ force: true }).then(
            () => undefined,
            () => undefined,
          ),
      };
    },
    keepsInstancesOnStop: true,
    adoptsStdio: true,
    cleanup: async (scope) => {
      const all = await docker.listContainers({ all: true, filters: { label: [`${LABEL_SCOPE}=${scope}`] } });
      await Promise.all(
        all.map((c) =>
          docker
            .getContainer(c.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
      );
    },
  };
  return probe;
}

const dockerEngine = await probeEngine();

/** Every runtime the scenarios run on here: process always, docker when an engine is up (CI requires one). */
export const RUNTIMES: RuntimeProbe[] = [processProbe, ...(dockerEngine.ok ? [dockerProbe(dockerEngine.engine)] : [])];
export const PROCESS = processProbe;
