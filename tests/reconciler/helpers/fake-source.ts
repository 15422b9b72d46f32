// A spec repository in memory: commits are file maps; head() is whatever was committed last.
import { createHash } from 'node:crypto';
import type { SpecSource } from '../../../src/reconciler/reconciler.js';
import type { Snapshot } from '../../../src/source/snapshot.js';

export class FakeSource implements SpecSource {
  private readonly commits = new Map<string, Record<string, string>>();
  private current: string | null = null;
  /** head() rejects while set (git unreachable). */
  headError: Error | null = null;
  snapshots = 0;
  heads = 0;

  /** A new commit on top of head: files merged over head's (null deletes); returns its SHA. */
  commit(files: Record<string, string | null>): string {
    const prev = this.current ? this.commits.get(this.current)! : {};
    const next: Record<string, string> = { ...prev };
    for (const [path, text] of Object.entries(files)) {
      if (text === null) delete next[path];
      else next[path] = text;
    }
    const sha = createHash('sha1')
      .update(`${this.commits.size}\0${JSON.stringify(next)}`)
      .digest('hex');
    this.commits.set(sha, next);
    this.current = sha;
    return sha;
  }

  async head(): Promise<string> {
    await Promise.resolve();
    this.heads++;
    if (this.headError) throw this.headError;
    if (!this.current) throw new Error('branch has no commits');
    return this.current;
  }

  async snapshot(commit: string): Promise<Snapshot> {
    await Promise.resolve();
    const files = this.commits.get(commit);
    if (!files) throw new Error(`commit ${commit} not found`);
    this.snapshots++;
    return { commit, files: Object.entries(files).map(([path, text]) => ({ path, content: new TextEncoder().encode(text) })), symlinks: [] };
  }
}
