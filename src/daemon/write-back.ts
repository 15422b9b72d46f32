// --write-back revert: after an automatic revert is recorded, one attempt to push a commit that
// reverts the failed one to the followed branch, so the repository shows what runs. Never retried,
// never blocks a sync, never changes what runs; the outcome goes to /status, events and the log.
import type { EventBus, ReconcileEvent } from '../reconciler/events.js';
import type { ReconcilerLogger } from '../reconciler/reconciler.js';
import type { WriteBackStatus } from '../reconciler/status.js';
import type { RevertCommit } from '../source/write-back.js';

export const DEFAULT_AUTHOR = { name: 'mcp-gitops', email: 'mcp-gitops@localhost' };

export interface WriteBackDeps {
  source: { pushRevert(c: RevertCommit): Promise<{ commit: string; branch: string }> };
  events: EventBus;
  logger: ReconcilerLogger;
  /** The commit the servers were put back to (the state's lastGood once the revert is recorded). */
  lastGood: () => string | null;
  author: { name: string; email: string };
  /** Masks secret values in the commit message (it goes to the repository). */
  mask: (text: string) => string;
  now?: () => number;
}

export class WriteBack {
  private readonly tried = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private readonly view: WriteBackStatus = { mode: 'revert', branch: null, lastPush: null, lastError: null };

  constructor(private readonly deps: WriteBackDeps) {
    deps.events.on((e) => this.onEvent(e));
  }

  status(): WriteBackStatus {
    return structuredClone(this.view);
  }

  /** Resolves once every write-back started so far has finished (tests, shutdown). */
  idle(): Promise<void> {
    return this.chain;
  }

  private onEvent(e: ReconcileEvent): void {
    if (e.type !== 'sync.finished' || e.result !== 'reverted' || this.tried.has(e.commit)) return;
    this.tried.add(e.commit); // once per failed commit: a rejected push is reported, not retried
    const lastGood = this.deps.lastGood();
    this.chain = this.chain.then(() => this.write(e.commit, lastGood, `${e.code}: ${e.message}`));
  }

  private async write(failed: string, lastGood: string | null, why: string): Promise<void> {
    const at = new Date((this.deps.now ?? Date.now)()).toISOString();
    try {
      if (lastGood === null) throw Object.assign(new Error('no commit has succeeded yet: there is nothing to revert to'), { code: 'SKIPPED' });
      const message = this.deps.mask(
        `Revert ${failed.slice(0, 7)}: ${firstLine(why)}\n\nThis reverts commit ${failed}.\n\nmcp-gitops reverted it automatically (${why}).\nThe servers run ${lastGood} (last good); this commit puts the specs back to it.\n`,
      );
      const pushed = await this.deps.source.pushRevert({ failed, lastGood, message, author: this.deps.author, now: Date.parse(at) });
      this.view.branch = pushed.branch;
      this.view.lastPush = { commit: pushed.commit, revertOf: failed, at };
      this.deps.events.emit({ type: 'writeback.pushed', commit: failed, revert: pushed.commit, branch: pushed.branch });
      this.deps.logger.info({ commit: failed, revert: pushed.commit, branch: pushed.branch }, 'write-back: pushed a revert commit');
    } catch (err) {
      const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'GIT_ERROR';
      const message = this.deps.mask(err instanceof Error ? err.message : String(err));
      this.view.lastError = { revertOf: failed, code, message, at };
      this.deps.events.emit({ type: 'writeback.failed', commit: failed, code, message });
      this.deps.logger.warn({ commit: failed, code, err: message }, 'write-back: not pushed (not retried; what runs is unchanged)');
    }
  }
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0];
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
}
