// One end-to-end scenario's world: a temp dir with a git repo and a state dir, a marker carried by
// every process the scenario's servers start, the daemons it ran, and a cleanup that leaves nothing.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Daemon, type DaemonOptions, type Status } from './daemon.js';
import { GitRepo } from './git-repo.js';
import { killMarked, marked, records } from './procs.js';
import { mcpServer, type Spec } from './servers.js';
import { waitFor } from './wait-for.js';

export class World {
  readonly dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-e2e-'));
  readonly repo = new GitRepo(join(this.dir, 'repo'));
  readonly stateDir = join(this.dir, 'state');
  readonly marker = randomBytes(6).toString('hex');
  private readonly daemons: Daemon[] = [];

  /** The file map of one server document (servers/<name>.yaml). */
  server(name: string, spec: Spec): Record<string, string> {
    return { [`servers/${name}.yaml`]: mcpServer(this.marker, name, spec) };
  }

  async start(o: Partial<DaemonOptions> = {}): Promise<Daemon> {
    const d = await Daemon.start({ repo: this.repo.dir, stateDir: this.stateDir, ...o });
    this.daemons.push(d);
    return d;
  }

  /** Waits until /status shows `commit` applied and every server Running/Healthy (the head may be a failed commit). */
  converged(d: Daemon, commit: string, servers: string[]): Promise<Status> {
    return d.until(`${commit.slice(0, 7)} applied with ${servers.join(', ')} healthy`, (s) =>
      s.revision.applied === commit && (s.phase === 'Synced' || (s.phase === 'Failed' && s.failedRevision?.commit === s.revision.head))
      && s.servers.map((x) => x.name).join() === [...servers].sort().join()
      && s.servers.every((x) => x.phase === 'Running' && x.health === 'Healthy'));
  }

  /** Live processes of this world's servers, by pid. */
  pids(): number[] {
    return marked(this.marker).map((p) => p.pid);
  }

  /** Waits until the processes alive are exactly the group leaders the instance records name, one per server. */
  async noOrphans(servers: string[]): Promise<void> {
    await waitFor(() => {
      const recs = records(this.stateDir);
      const leaders = new Set(recs.map((r) => r.pid));
      const live = marked(this.marker);
      const ok = recs.map((r) => r.server).sort().join() === [...servers].sort().join()
        && live.every((p) => leaders.has(p.pgid)) && [...leaders].every((pid) => live.some((p) => p.pid === pid));
      return ok || undefined;
    }, { what: `exactly one live process group per server (${servers.join(', ')}) and nothing else`, timeoutMs: 20_000 }).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}: ${JSON.stringify({ records: records(this.stateDir), live: marked(this.marker) })}`);
    });
  }

  async cleanup(): Promise<void> {
    for (const d of this.daemons) {
      if (!d.running) continue;
      const stopped = await Promise.race([d.stop(), new Promise((r) => setTimeout(r, 8000, 'timeout'))]);
      if (stopped === 'timeout') await d.kill();
    }
    killMarked(this.marker);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
