// One end-to-end scenario's world: a temp dir with a git repo and a state dir, a marker carried by
// every process the scenario's servers start, the daemons it ran, and a cleanup that leaves nothing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, type DaemonOptions, type Status } from './daemon.js';
import { GitRepo } from './git-repo.js';
import { killMarked, marked } from './procs.js';
import { PROCESS, type RuntimeProbe } from './runtimes.js';
import { mcpServer, type Spec } from './servers.js';

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-e2e-'));
  readonly repo = new GitRepo(join(this.dir, 'repo'));
  readonly stateDir = join(this.dir, 'state');
  readonly marker = randomBytes(6).toString('hex');
  private readonly daemons: Daemon[] = [];

  /** `rt`: the runtime the daemons run servers on (the marker doubles as the docker scope). */
  constructor(readonly rt: RuntimeProbe = PROCESS) {}

  /** The file map of one server document (servers/<name>.yaml). */
  server(name: string, spec: Spec): Record<string, string> {
    return { [`servers/${name}.yaml`]: mcpServer(this.marker, name, this.rt.adapt(spec)) };
  }

  async start(o: Partial<DaemonOptions> = {}): Promise<Daemon> {
    const d = await Daemon.start({ repo: this.repo.dir, stateDir: this.stateDir, ...o, env: { ...this.rt.daemonEnv(this.marker), ...o.env } });
    this.daemons.push(d);
    return d;
  }

  /**
   * Waits until /status shows `commit` applied and every server Running/Healthy (the head may be a
   * failed commit). `drifted`: servers known to drift may already have turned the phase to Degraded
   * (ToolDrift) by the time /status is first read, e.g. adopted ones the gateway lists by itself.
   */
  converged(d: Daemon, commit: string, servers: string[], o: { drifted?: boolean } = {}): Promise<Status> {
    return d.until(
      `${commit.slice(0, 7)} applied with ${servers.join(', ')} healthy`,
      (s) =>
        s.revision.applied === commit &&
        (s.phase === 'Synced' ||
          (s.phase === 'Failed' && s.failedRevision?.commit === s.revision.head) ||
          (o.drifted === true && s.phase === 'Degraded' && s.reason === 'ToolDrift')) &&
        s.servers.map((x) => x.name).join() === [...servers].sort().join() &&
        s.servers.every((x) => x.phase === 'Running' && x.health === 'Healthy'),
    );
  }

  /** Live processes of this world's servers, by pid. */
  pids(): number[] {
    return marked(this.marker).map((p) => p.pid);
  }

  /** Waits until exactly one live instance per server runs, and nothing else of this world's. */
  noOrphans(servers: string[]): Promise<void> {
    return this.rt.noOrphans(servers, this.stateDir, this.marker);
  }

  /** The host pid of an instance's main process. */
  pidOf(instanceId: string | null | undefined): Promise<number> {
    if (!instanceId) throw new Error('no instance id');
    return this.rt.pidOf(instanceId, this.stateDir);
  }

  /** Ids of every instance of this world's, running or not. */
  instanceIds(): Promise<string[]> {
    return this.rt.instanceIds(this.stateDir, this.marker);
  }

  async cleanup(): Promise<void> {
    for (const d of this.daemons) {
      if (!d.running) continue;
      const stopped = await Promise.race([d.stop(), new Promise((r) => setTimeout(r, 8000, 'timeout'))]);
      if (stopped === 'timeout') await d.kill();
    }
    await this.rt.cleanup(this.marker);
    killMarked(this.marker);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
