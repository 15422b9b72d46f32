// A repository on this machine (work tree or bare): read in place, HEAD decides the default branch.
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { toSourceError } from './error-map.js';
import { findGitDir } from './find-git-dir.js';
import type { BackendContext, RepoBackend } from './repo-backend.js';
import { lookupRev, peelToCommit, type RevResult } from './resolve-rev.js';

export class LocalBackend implements RepoBackend {
  private found: Promise<string> | undefined;

  constructor(
    private readonly dir: string,
    private readonly ctx: BackendContext,
  ) {}

  gitdir(): Promise<string> {
    if (!this.found) {
      const found = findGitDir(this.dir);
      found.catch(() => {
        this.found = undefined;
      }); // created later? look again next time
      this.found = found;
    }
    return this.found;
  }

  async head(): Promise<string> {
    const gitdir = await this.gitdir();
    const { branch } = this.ctx;
    const ref = branch ? `refs/heads/${branch}` : await this.headRef(gitdir);
    const what = branch ? `branch "${branch}"` : ref === 'HEAD' ? 'detached HEAD' : `default branch "${ref.slice('refs/heads/'.length)}" (HEAD)`;
    try {
      const oid = await git.resolveRef({ fs, gitdir, ref });
      return await peelToCommit({ gitdir, cache: this.ctx.cache }, oid, what, this.ctx.repo);
    } catch (err) {
      throw toSourceError(err, this.ctx.errors, { code: 'BRANCH_NOT_FOUND', message: `${what} not found or has no commits` });
    }
  }

  async branchName(): Promise<string | null> {
    if (this.ctx.branch) return this.ctx.branch;
    const ref = await this.headRef(await this.gitdir());
    return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  }

  async resolve(rev: string): Promise<RevResult> {
    return lookupRev({ gitdir: await this.gitdir(), cache: this.ctx.cache, branchPrefix: 'refs/heads/' }, rev);
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  /** `refs/heads/<branch>` HEAD points to (born or not), or `HEAD` when detached. */
  private async headRef(gitdir: string): Promise<string> {
    try {
      return (await git.currentBranch({ fs, gitdir, fullname: true })) ?? 'HEAD';
    } catch (err) {
      throw toSourceError(err, this.ctx.errors, { code: 'REPO_NOT_FOUND', message: 'HEAD is missing (not a git repository?)' });
    }
  }
}
