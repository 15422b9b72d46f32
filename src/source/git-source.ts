// The spec repository as commits: branch head, the files of a commit, revisions, and change notifications.
import * as fs from 'node:fs';
import git, { type CommitObject } from 'isomorphic-git';
import { toSourceError, type NotFoundMeaning } from './error-map.js';
import { createHttpClient } from './http-client.js';
import { LocalBackend } from './local-backend.js';
import { LruCache } from './lru-cache.js';
import { readSnapshot } from './read-snapshot.js';
import { checkBranchName, normalizeSourcePath } from './ref-name.js';
import { RemoteBackend } from './remote-backend.js';
import type { BackendContext, RepoBackend } from './repo-backend.js';
import { parseRepoLocation } from './repo-location.js';
import type { RevResult } from './resolve-rev.js';
import type { CommitInfo, Snapshot } from './snapshot.js';
import { SourceError } from './source-error.js';
import { noopWatch, watchRefs, type WatchHandle } from './watch-refs.js';
import { moved, publishLocal, publishRemote, revertTree, WriteBackError, writeRevertCommit, type RemoteTarget, type RevertCommit } from './write-back.js';

export interface GitSourceOptions {
  /** Local path (work tree or bare repository) or http(s) URL. */
  repo: string;
  /** Branch to follow; default: local → the branch HEAD points to, remote → the remote's HEAD. */
  branch?: string;
  /** Directory inside the repository whose files make a snapshot; default `.`. */
  path?: string;
  /** Remote repositories are mirrored under `<stateDir>/git/`. */
  stateDir: string;
  /** MCP_GITOPS_GIT_TOKEN: sent as basic-auth password (user `x-access-token`) when a remote asks. */
  token?: string;
  /** How many snapshots to keep in memory (default 4). */
  snapshotCacheSize?: number;
  /** A remote that sends nothing for this long fails with a transient NETWORK error (default 60 s). */
  networkTimeoutMs?: number;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

export class GitSource {
  /** The repository as shown to users: absolute path, or URL without credentials. */
  readonly repo: string;
  /** Normalized --path (`.` for the root). */
  readonly path: string;
  readonly isRemote: boolean;
  private readonly ctx: BackendContext;
  private readonly backend: RepoBackend;
  private readonly snapshots: LruCache<Promise<Snapshot>>;
  /**
   * The blobs of the snapshot read last, by object id: the next commit usually changes a few files and
   * shares the rest. The same arrays that snapshot holds (which the snapshot cache keeps anyway), so at
   * most one snapshot's content more, and only with a snapshot cache of size 0.
   */
  private lastBlobs: ReadonlyMap<string, Uint8Array> = new Map();
  /** Where a write-back push goes (remote repositories only). */
  private readonly pushTarget: RemoteTarget | undefined;

  /** Checks the options (INVALID_ARGUMENT); touches neither disk nor network. */
  constructor(opts: GitSourceOptions) {
    const loc = parseRepoLocation(opts.repo, opts.stateDir);
    this.repo = loc.display;
    this.path = normalizeSourcePath(opts.path, this.repo);
    this.isRemote = loc.kind === 'remote';
    const userinfo = loc.kind === 'remote' ? loc.userinfo : undefined;
    this.ctx = {
      repo: this.repo,
      branch: opts.branch ? checkBranchName(opts.branch, this.repo) : undefined,
      errors: { repo: this.repo, secrets: [opts.token, userinfo?.password], authConfigured: Boolean(opts.token || userinfo) },
      cache: {},
    };
    const http = createHttpClient(opts.networkTimeoutMs);
    this.backend = loc.kind === 'remote' ? new RemoteBackend(loc, opts.token, this.ctx, http) : new LocalBackend(loc.dir, this.ctx);
    this.pushTarget =
      loc.kind === 'remote'
        ? { url: loc.url, http, errors: this.ctx.errors, onAuth: () => (opts.token ? { username: 'x-access-token', password: opts.token } : loc.userinfo) }
        : undefined;
    this.snapshots = new LruCache(opts.snapshotCacheSize ?? 4);
  }

  /** Full SHA of the followed branch's head; fetches first when the repository is remote. */
  head(): Promise<string> {
    return this.guard(() => this.backend.head());
  }

  /** Short name of the followed branch (`main`); null when a local HEAD is detached. */
  branchName(): Promise<string | null> {
    return this.guard(() => this.backend.branchName());
  }

  /** A branch, tag, full or abbreviated SHA (or `HEAD`) to the full SHA of its commit. */
  resolve(rev: string): Promise<string> {
    return this.guard(async () => this.commitOf(await this.backend.resolve(rev), rev), { code: 'REV_NOT_FOUND', message: `revision "${rev}" not found` });
  }

  /** True when commit `a` is `b` or an ancestor of it (false e.g. after a force-push rewrote history). */
  async isAncestor(a: string, b: string): Promise<boolean> {
    const [oa, ob] = await Promise.all([this.resolve(a), this.resolve(b)]);
    if (oa === ob) return true;
    return this.guard(async () => git.isDescendent({ fs, gitdir: await this.backend.gitdir(), oid: ob, ancestor: oa, depth: -1, cache: this.ctx.cache }), {
      code: 'REV_NOT_FOUND',
      message: `history of ${ob} is incomplete`,
    });
  }

  /**
   * Write-back: commits the revert of `c.failed` (its tree with --path as `c.lastGood` has it) and
   * publishes it to the followed branch as a fast-forward of `c.failed`: a remote by push (with the
   * token), a local repository by moving its branch. Throws WriteBackError (BRANCH_MOVED when the
   * branch is no longer `c.failed`) or SourceError; tries once.
   */
  async pushRevert(c: RevertCommit): Promise<{ commit: string; branch: string }> {
    const branch = await this.branchName();
    if (branch === null) throw new WriteBackError('SKIPPED', 'HEAD is detached: there is no branch to write back to');
    const head = await this.head();
    if (head !== c.failed) throw moved(branch, c.failed, head);
    const repo = { gitdir: await this.backend.gitdir(), cache: this.ctx.cache };
    const commit = await this.guard(async () => {
      const { tree, changed } = await revertTree(repo, c.failed, c.lastGood, this.path);
      if (!changed) throw new WriteBackError('SKIPPED', `${c.failed.slice(0, 7)} left ${this.path} as ${c.lastGood.slice(0, 7)} has it: nothing to revert`);
      return writeRevertCommit(repo, c, tree);
    });
    if (this.pushTarget) await publishRemote(repo, this.pushTarget, branch, c.failed, commit);
    else await this.guard(() => publishLocal(repo, branch, c.failed, commit));
    return { commit, branch };
  }

  /** The files under --path at `commit` (read from the object database, never a work tree). Cached. */
  async snapshot(commit: string): Promise<Snapshot> {
    const sha = FULL_SHA.test(commit) ? commit : await this.resolve(commit);
    const key = `${sha}\0${this.path}`;
    const cached = this.snapshots.get(key);
    if (cached) return cached;
    const pending = this.guard(() => this.readSnapshot(sha));
    this.snapshots.set(key, pending);
    pending.catch(() => this.snapshots.delete(key));
    return pending;
  }

  /**
   * Calls `onChange` (debounced) when a ref of a local repository moves (new commit, push, branch switch);
   * remote repositories are polled instead, so there it never fires. The returned function stops watching.
   */
  watch(onChange: () => void, onError?: (err: Error) => void): WatchHandle {
    if (this.isRemote) return noopWatch();
    let inner: WatchHandle | undefined;
    let stopped = false;
    const ready = this.backend.gitdir().then(
      (gitdir) => {
        if (stopped) return;
        inner = watchRefs({ gitdir, onChange, ...(onError ? { onError } : {}) });
        return inner.ready;
      },
      (err: unknown) => onError?.(err instanceof Error ? err : new Error(String(err))),
    );
    return Object.assign(
      () => {
        stopped = true;
        inner?.();
      },
      { ready },
    );
  }

  private async readSnapshot(sha: string): Promise<Snapshot> {
    const gitdir = await this.backend.gitdir();
    let commit = await this.readCommit(gitdir, sha);
    if (!commit) {
      await this.backend.refresh();
      commit = await this.readCommit(gitdir, sha);
    }
    if (!commit) throw new SourceError('REV_NOT_FOUND', `repository ${this.repo}: commit ${sha} not found`, { repo: this.repo });
    const read = new Map<string, Uint8Array>();
    const snap = await readSnapshot({ gitdir, commit: sha, path: this.path, repo: this.repo, cache: this.ctx.cache, known: this.lastBlobs, read });
    this.lastBlobs = read;
    return freeze({ ...snap, info: commitInfo(commit) });
  }

  /** The commit object, or undefined when the object database does not have it (yet). */
  private async readCommit(gitdir: string, oid: string): Promise<CommitObject | undefined> {
    try {
      return (await git.readCommit({ fs, gitdir, oid, cache: this.ctx.cache })).commit;
    } catch {
      return undefined;
    }
  }

  private commitOf(result: RevResult, rev: string): string {
    if (result.kind === 'found') return result.commit;
    const why =
      result.kind === 'ambiguous'
        ? `is ambiguous (${result.matches.join(', ')})`
        : result.kind === 'not-a-commit'
          ? `is a ${result.type}, not a commit`
          : 'not found';
    throw new SourceError('REV_NOT_FOUND', `repository ${this.repo}: revision "${rev}" ${why}`, { repo: this.repo });
  }

  /** Every failure leaves as a SourceError without secrets. */
  private async guard<T>(run: () => Promise<T>, notFound?: NotFoundMeaning): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WriteBackError) throw err;
      throw toSourceError(err, this.ctx.errors, notFound);
    }
  }
}

const MESSAGE_MAX = 200;

function commitInfo(c: CommitObject): CommitInfo {
  const first = c.message.split('\n', 1)[0].trim();
  return { author: c.author.name, message: first.length > MESSAGE_MAX ? `${first.slice(0, MESSAGE_MAX - 1)}…` : first };
}

/** Snapshots are shared between callers (cache): make accidental mutation fail loudly. */
function freeze(s: Snapshot): Snapshot {
  s.files.forEach((f) => Object.freeze(f));
  Object.freeze(s.files);
  Object.freeze(s.symlinks);
  return Object.freeze(s);
}
