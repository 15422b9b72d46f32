// Write-back: a commit that reverts a failed one, published to the followed branch only as a
// fast-forward of that failed commit (the branch must not have moved since). Its tree is the failed
// commit's with the spec directory (--path) as the last good commit has it: what runs.
import * as fs from 'node:fs';
import git, { Errors, type AuthCallback, type HttpClient, type TreeEntry } from 'isomorphic-git';
import { maskCredentials } from '../render/mask.js';
import { toSourceError, type ErrorContext } from './error-map.js';

export type WriteBackErrorCode =
  /** The branch is no longer the failed commit (a newer commit, or the push lost a race): nothing pushed. */
  | 'BRANCH_MOVED'
  /** The remote refused the update (a hook, branch protection, no permission to push). */
  | 'PUSH_REJECTED'
  /** A local work tree has the branch checked out: updating it under the checkout is refused, as git does. */
  | 'CHECKED_OUT'
  /** The revert would change nothing, or there is no branch (detached HEAD) to write to. */
  | 'SKIPPED';

export class WriteBackError extends Error {
  override readonly name = 'WriteBackError';
  constructor(
    readonly code: WriteBackErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RevertCommit {
  /** The commit that failed and was reverted in the runtime. */
  failed: string;
  /** What runs now: its --path tree goes back into the branch. */
  lastGood: string;
  message: string;
  author: { name: string; email: string };
  /** Commit time, ms since the epoch. */
  now: number;
}

interface Repo {
  gitdir: string;
  cache: object;
}

/** The tree of `failed` with `path` (`.` = the root) replaced by the same path of `lastGood`. */
export async function revertTree(repo: Repo, failed: string, lastGood: string, path: string): Promise<{ tree: string; changed: boolean }> {
  const parts = path === '.' ? [] : path.split('/').filter((p) => p !== '');
  const from = await rootTree(repo, failed);
  const good = await entryAt(repo, await rootTree(repo, lastGood), parts);
  const tree = (await replaceAt(repo, from, parts, good)) ?? (await git.writeTree({ fs, gitdir: repo.gitdir, tree: [] }));
  return { tree, changed: tree !== from };
}

/** Writes the revert commit (parent: the failed commit) into the object database; returns its SHA. */
export async function writeRevertCommit(repo: Repo, c: RevertCommit, tree: string): Promise<string> {
  const who = { ...c.author, timestamp: Math.floor(c.now / 1000), timezoneOffset: 0 };
  return git.writeCommit({ fs, gitdir: repo.gitdir, commit: { message: c.message, tree, parent: [c.failed], author: who, committer: who } });
}

/** Local repository: moves `refs/heads/<branch>` from `failed` to `commit`, refusing a checked-out branch. */
export async function publishLocal(repo: Repo, branch: string, failed: string, commit: string): Promise<void> {
  const ref = `refs/heads/${branch}`;
  const bare: unknown = await git.getConfig({ fs, gitdir: repo.gitdir, path: 'core.bare' });
  if (bare !== true && bare !== 'true' && (await git.currentBranch({ fs, gitdir: repo.gitdir, fullname: true })) === ref) {
    throw new WriteBackError(
      'CHECKED_OUT',
      `branch ${branch} is checked out in the repository's work tree: write-back needs a bare repository (or an https remote), as git push does`,
    );
  }
  const now = await git.resolveRef({ fs, gitdir: repo.gitdir, ref });
  if (now !== failed) throw moved(branch, failed, now);
  await git.writeRef({ fs, gitdir: repo.gitdir, ref, value: commit, force: true });
}

export interface RemoteTarget {
  url: string;
  http: HttpClient;
  onAuth: AuthCallback;
  errors: ErrorContext;
}

const PUSH_REF = 'refs/mcp-gitops/write-back';

/** Remote repository: pushes `commit` to `refs/heads/<branch>` only if the remote still has `failed` there. */
export async function publishRemote(repo: Repo, target: RemoteTarget, branch: string, failed: string, commit: string): Promise<void> {
  await git.writeRef({ fs, gitdir: repo.gitdir, ref: PUSH_REF, value: commit, force: true });
  let remoteHad: string | undefined;
  try {
    await git.push({
      fs,
      http: target.http,
      gitdir: repo.gitdir,
      cache: repo.cache,
      url: target.url,
      ref: PUSH_REF,
      remoteRef: `refs/heads/${branch}`,
      onAuth: target.onAuth,
      // a fast-forward of what we fetched, never of whatever the branch is now
      onPrePush: ({ remoteRef }) => {
        remoteHad = remoteRef.oid;
        return remoteRef.oid === failed;
      },
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === Errors.UserCanceledError.code && remoteHad !== undefined && remoteHad !== failed) throw moved(branch, failed, remoteHad);
    if (code === Errors.PushRejectedError.code) throw moved(branch, failed, 'a newer commit');
    if (code === Errors.GitPushError.code) {
      const why = maskCredentials(err instanceof Error ? err.message : String(err), target.errors.secrets)
        .replace(/\s+/g, ' ')
        .trim();
      throw new WriteBackError('PUSH_REJECTED', `the remote refused the push to ${branch}: ${why}`);
    }
    throw toSourceError(err, target.errors);
  }
}

/** BRANCH_MOVED: `now` is the branch's commit (or a word when unknown). */
export function moved(branch: string, failed: string, now: string): WriteBackError {
  const to = /^[0-9a-f]{40}$/.test(now) ? now.slice(0, 7) : now;
  return new WriteBackError(
    'BRANCH_MOVED',
    `branch ${branch} moved on from ${failed.slice(0, 7)} to ${to}: not written back (the newer commit is synced instead)`,
  );
}

async function rootTree(repo: Repo, commit: string): Promise<string> {
  return (await git.readCommit({ fs, gitdir: repo.gitdir, oid: commit, cache: repo.cache })).commit.tree;
}

async function entries(repo: Repo, tree: string | null): Promise<TreeEntry[]> {
  return tree ? (await git.readTree({ fs, gitdir: repo.gitdir, oid: tree, cache: repo.cache })).tree : [];
}

/** The entry at `parts` under `tree` (the root itself for []), or null when absent. */
async function entryAt(repo: Repo, tree: string, parts: string[]): Promise<TreeEntry | null> {
  let cur: TreeEntry = { mode: '040000', path: '', oid: tree, type: 'tree' };
  for (const name of parts) {
    if (cur.type !== 'tree') return null;
    const next = (await entries(repo, cur.oid)).find((e) => e.path === name);
    if (!next) return null;
    cur = next;
  }
  return cur;
}

/** `tree` with the entry at `parts` set to `entry` (removed when null); null when that leaves it empty. */
async function replaceAt(repo: Repo, tree: string | null, parts: string[], entry: TreeEntry | null): Promise<string | null> {
  if (parts.length === 0) return entry?.type === 'tree' ? entry.oid : null;
  const [name, ...rest] = parts;
  const list = await entries(repo, tree);
  const cur = list.find((e) => e.path === name);
  let next: TreeEntry | null;
  if (rest.length === 0) next = entry ? { ...entry, path: name } : null;
  else {
    const sub = await replaceAt(repo, cur?.type === 'tree' ? cur.oid : null, rest, entry);
    next = sub ? { mode: '040000', path: name, oid: sub, type: 'tree' } : null;
  }
  const out = list.filter((e) => e.path !== name);
  if (next) out.push(next);
  if (out.length === 0) return null;
  return git.writeTree({ fs, gitdir: repo.gitdir, tree: out });
}
