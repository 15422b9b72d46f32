// Revision (branch, tag, full or short SHA, `HEAD`) to a full commit SHA, from the object database.
import * as fs from 'node:fs';
import git from 'isomorphic-git';
import { SourceError } from './source-error.js';

export interface RevLookup {
  gitdir: string;
  cache: object;
  /** Where branches live: `refs/heads/` locally, `refs/remotes/origin/` in a remote mirror. */
  branchPrefix: string;
}

export type RevResult =
  { kind: 'found'; commit: string } | { kind: 'not-found' } | { kind: 'ambiguous'; matches: string[] } | { kind: 'not-a-commit'; type: string };

const FULL_SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{4,39}$/;

/** Like `git rev-parse <rev>^{commit}`: a full SHA first, then refs, then an abbreviated SHA. */
export async function lookupRev(l: RevLookup, rev: string): Promise<RevResult> {
  const lower = rev.toLowerCase();
  if (FULL_SHA.test(lower) && (await hasObject(l, lower))) return peel(l, lower);
  for (const ref of candidateRefs(l, rev)) {
    const oid = await resolveRefOrNull(l, ref);
    if (oid) return peel(l, oid);
  }
  if (!SHORT_SHA.test(lower)) return { kind: 'not-found' };
  try {
    return await peel(l, await git.expandOid({ fs, gitdir: l.gitdir, oid: lower, cache: l.cache }));
  } catch (err) {
    const e = err as { code?: unknown; data?: { matches?: string[] } };
    if (e.code === 'AmbiguousError') return { kind: 'ambiguous', matches: e.data?.matches ?? [] };
    if (e.code === 'NotFoundError') return { kind: 'not-found' };
    throw err;
  }
}

function candidateRefs(l: RevLookup, rev: string): string[] {
  if (rev.includes('..') || rev.startsWith('/')) return [];
  if (rev === 'HEAD') return ['HEAD'];
  if (rev.startsWith('refs/')) return [rev];
  return [`refs/tags/${rev}`, `${l.branchPrefix}${rev}`];
}

async function resolveRefOrNull(l: RevLookup, ref: string): Promise<string | null> {
  try {
    return await git.resolveRef({ fs, gitdir: l.gitdir, ref });
  } catch {
    return null;
  }
}

async function hasObject(l: RevLookup, oid: string): Promise<boolean> {
  try {
    await git.readObject({ fs, gitdir: l.gitdir, oid, format: 'content', cache: l.cache });
    return true;
  } catch {
    return false;
  }
}

/** Follows annotated tags down to the commit they point at. */
export async function peel(l: Pick<RevLookup, 'gitdir' | 'cache'>, oid: string): Promise<RevResult> {
  let current = oid;
  for (let i = 0; i < 10; i++) {
    const obj = await git.readObject({ fs, gitdir: l.gitdir, oid: current, cache: l.cache });
    if (obj.type === 'commit') return { kind: 'found', commit: current };
    if (obj.type !== 'tag' || obj.format !== 'parsed') return { kind: 'not-a-commit', type: obj.type };
    current = (obj.object as { object: string }).object;
  }
  return { kind: 'not-found' };
}

/** `peel`, for refs that must point at a commit: anything else is a REV_NOT_FOUND naming `what`. */
export async function peelToCommit(l: Pick<RevLookup, 'gitdir' | 'cache'>, oid: string, what: string, repo: string): Promise<string> {
  const result = await peel(l, oid);
  if (result.kind === 'found') return result.commit;
  throw new SourceError('REV_NOT_FOUND', `repository ${repo}: ${what} does not point at a commit`, { repo });
}
