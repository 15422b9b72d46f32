// An http(s) repository: every head() fetches the followed branch into the mirror; names are asked of the remote.
import type { HttpClient } from 'isomorphic-git';
import { isValidBranchName } from './ref-name.js';
import { RemoteMirror, TRACKING_PREFIX } from './remote-mirror.js';
import type { RemoteLocation } from './repo-location.js';
import type { BackendContext, RepoBackend } from './repo-backend.js';
import { lookupRev, peel, peelToCommit, type RevResult } from './resolve-rev.js';
import { SourceError } from './source-error.js';

const SHA_LIKE = /^[0-9a-f]{4,40}$/i;

export class RemoteBackend implements RepoBackend {
  private readonly mirror: RemoteMirror;
  private defaultBranch: string | undefined;
  private fetched = false;
  /** The last head's peeled commit: an object never changes, so a head that did not move is not read again. */
  private peeled: { oid: string; commit: string } | undefined;

  constructor(
    loc: RemoteLocation,
    token: string | undefined,
    private readonly ctx: BackendContext,
    http: HttpClient,
  ) {
    this.mirror = new RemoteMirror(loc, token, ctx.errors, ctx.cache, http);
  }

  gitdir(): Promise<string> {
    return Promise.resolve(this.mirror.gitdir);
  }

  head(): Promise<string> {
    return this.fetchHead(false);
  }

  /** `fresh`: fetched even when the remote still advertises what was fetched last. */
  private async fetchHead(fresh: boolean): Promise<string> {
    const { branch } = this.ctx;
    // once known, the default branch is named: "not found" then says which branch went away
    const what = branch ? `branch "${branch}"` : `default branch${this.defaultBranch ? ` "${this.defaultBranch}"` : ''} (remote HEAD)`;
    const fetched = await this.mirror.fetch(branch ? `refs/heads/${branch}` : 'HEAD', { code: 'BRANCH_NOT_FOUND', message: `${what} not found` }, fresh);
    this.fetched = true;
    if (fetched.defaultBranch) this.defaultBranch = fetched.defaultBranch.replace(/^refs\/heads\//, '');
    if (!fresh && this.peeled?.oid === fetched.oid) return this.peeled.commit;
    const commit = await peelToCommit({ gitdir: this.mirror.gitdir, cache: this.ctx.cache }, fetched.oid, what, this.ctx.repo);
    this.peeled = { oid: fetched.oid, commit };
    return commit;
  }

  async branchName(): Promise<string | null> {
    if (this.ctx.branch) return this.ctx.branch;
    if (!this.defaultBranch) await this.head();
    return this.defaultBranch ?? null;
  }

  /** Names (branches, tags, HEAD) are fetched fresh; SHAs are looked up once the followed branch is here. */
  async resolve(rev: string): Promise<RevResult> {
    if (!this.fetched) await this.head();
    const lookup = { gitdir: this.mirror.gitdir, cache: this.ctx.cache, branchPrefix: TRACKING_PREFIX };
    if (SHA_LIKE.test(rev) || !(rev === 'HEAD' || isValidBranchName(rev))) return lookupRev(lookup, rev);
    try {
      const { oid } = await this.mirror.fetch(rev, { code: 'REV_NOT_FOUND', message: `revision "${rev}" not found` });
      return await peel(lookup, oid);
    } catch (err) {
      if (err instanceof SourceError && err.code === 'REV_NOT_FOUND') return { kind: 'not-found' };
      throw err;
    }
  }

  /** The mirror lacks an object it should have: fetch even if the remote did not move. */
  async refresh(): Promise<void> {
    await this.fetchHead(true);
  }
}
