// The rendered servers of recorded commits (applied / last good), kept so a revert or drift repair
// converges to exactly what ran, without reading and rendering the commit again each time.
import type { DesiredState } from '../render/desired-state.js';
import type { Snapshot } from '../source/snapshot.js';
import type { RenderedServer } from '../spec/desired.js';
import { formatSpecError } from '../spec/spec-error.js';
import { short, SyncError } from './errors.js';

export interface RenderedCommit {
  commit: string | null;
  servers: RenderedServer[];
  /** The commit's --path tree on disk ('' for the empty set). */
  workdir: string;
}

export interface RenderDeps {
  snapshot: (commit: string) => Promise<Snapshot>;
  compile: (snapshot: Snapshot) => DesiredState;
  workdirFor: (snapshot: Snapshot) => Promise<string>;
}

const KEEP = 4;

export class RenderedCommits {
  private readonly cache = new Map<string, RenderedCommit>();
  constructor(private readonly deps: RenderDeps) {}

  remember(c: RenderedCommit): void {
    if (c.commit === null) return;
    this.cache.delete(c.commit);
    this.cache.set(c.commit, c);
    while (this.cache.size > KEEP) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Source errors propagate as they are (transient or not); a commit that no longer renders is DESIRED_UNKNOWN. */
  async get(commit: string | null): Promise<RenderedCommit> {
    if (commit === null) return { commit: null, servers: [], workdir: '' };
    const hit = this.cache.get(commit);
    if (hit) return hit;
    const snapshot = await this.deps.snapshot(commit);
    const d = this.deps.compile(snapshot);
    if (d.errors.length > 0) {
      throw new SyncError(
        'DESIRED_UNKNOWN',
        `recorded commit ${short(commit)} no longer renders: ${formatSpecError(d.errors[0])}${d.errors.length > 1 ? ` (and ${d.errors.length - 1} more)` : ''}`,
      );
    }
    const c = { commit, servers: d.servers, workdir: await this.deps.workdirFor(snapshot) };
    this.remember(c);
    return c;
  }
}
