// The real daemon in this process (startDaemon, configured the way `mcp-gitops serve` configures it)
// following a spec repository served over HTTP, so that only a webhook (or a long poll interval)
// tells it about a push. Every reconciler event is timestamped as it happens; waits are on events,
// each with a deadline.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveConfig } from '../src/cli/commands/serve.js';
import { startDaemon, type Daemon } from '../src/daemon/daemon.js';
import type { ReconcileEvent } from '../src/reconciler/events.js';
import { killMarked } from '../tests/e2e/helpers/procs.js';
import { mcpServer, type Spec } from '../tests/e2e/helpers/servers.js';
import { SpecRepo, type Files } from './spec-repo.js';

export interface Timed {
  at: number;
  e: ReconcileEvent;
}

const SECRET = randomBytes(16).toString('hex');

const docOf = (marker: string, server: string, spec: Spec): Files => ({ [`servers/${server}.yaml`]: mcpServer(marker, server, spec) });

export class DaemonWorld {
  readonly timeline: Timed[] = [];
  private waiters: { pred: (t: Timed) => boolean; resolve: (t: Timed) => void }[] = [];

  private constructor(
    readonly dir: string,
    readonly marker: string,
    readonly repo: SpecRepo,
    readonly daemon: Daemon,
  ) {
    daemon.reconciler.events.on((e) => {
      const t = { at: performance.now(), e };
      this.timeline.push(t);
      this.waiters = this.waiters.filter((w) => (w.pred(t) ? (w.resolve(t), false) : true));
    });
  }

  /** `files(world marker)`: the repository's first commit; resolves once that commit synced. */
  /** `flags`: more `serve` flags (e.g. otel-endpoint). */
  static async start(
    name: string,
    files: (doc: (server: string, spec: Spec) => Files) => Files,
    timeoutMs = 60_000,
    flags: Record<string, string> = {},
  ): Promise<DaemonWorld> {
    const dir = mkdtempSync(join(tmpdir(), `mcp-gitops-bench-${name}-`));
    const marker = randomBytes(6).toString('hex');
    try {
      const repo = await SpecRepo.create(
        dir,
        files((server, spec) => docOf(marker, server, spec)),
      );
      const cfg = serveConfig(
        { repo: repo.url, port: '0', interval: '3600', 'state-dir': join(dir, 'state'), 'log-level': 'silent', ...flags },
        { MCP_GITOPS_WEBHOOK_SECRET: SECRET },
      );
      const daemon = await startDaemon(cfg, {});
      const w = new DaemonWorld(dir, marker, repo, daemon);
      await w.until('the first sync', (t) => t.e.type === 'sync.finished' && t.e.result === 'succeeded', timeoutMs, 0);
      return w;
    } catch (e) {
      killMarked(marker);
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /** One MCPServer document of this world (its processes carry the world's marker). */
  doc(server: string, spec: Spec): Files {
    return docOf(this.marker, server, spec);
  }

  get url(): string {
    return `http://${this.daemon.address.host}:${this.daemon.address.port}`;
  }

  /** A push event as a plain bearer-authenticated delivery; resolves with when it was sent. */
  async webhook(): Promise<number> {
    const at = performance.now();
    const res = await fetch(`${this.url}/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
      body: JSON.stringify({ ref: 'refs/heads/main' }),
    });
    await res.body?.cancel();
    if (res.status !== 202) throw new Error(`POST /webhook answered ${res.status}`);
    return at;
  }

  /** The first event at or after `since` (performance.now()) matching `pred`, seen or still to come. */
  until(what: string, pred: (t: Timed) => boolean, timeoutMs: number, since: number): Promise<Timed> {
    const match = (t: Timed): boolean => t.at >= since && pred(t);
    const seen = this.timeline.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Timed>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const last = this.timeline
          .slice(-3)
          .map((t) => JSON.stringify(t.e))
          .join('\n');
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last events:\n${last}`));
      }, timeoutMs);
      const done = (t: Timed): void => {
        clearTimeout(timer);
        resolve(t);
      };
      this.waiters.push({ pred: match, resolve: done });
    });
  }

  /** The sync of `commit` finished (any result). */
  finished(commit: string, since: number, timeoutMs = 60_000): Promise<Timed> {
    return this.until(`the sync of ${commit.slice(0, 7)} to finish`, (t) => t.e.type === 'sync.finished' && t.e.commit === commit, timeoutMs, since);
  }

  /** Events of `type` for `commit` since `since`. */
  events<T extends ReconcileEvent['type']>(type: T, commit: string, since: number): { at: number; e: Extract<ReconcileEvent, { type: T }> }[] {
    return this.timeline.filter((t) => t.at >= since && t.e.type === type && 'commit' in t.e && t.e.commit === commit) as {
      at: number;
      e: Extract<ReconcileEvent, { type: T }>;
    }[];
  }

  async close(): Promise<void> {
    try {
      await this.daemon.stop();
      await this.repo.close();
    } finally {
      killMarked(this.marker);
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
