// Reads the files under one path of one commit straight from the object database (no checkout).
import * as fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import type { Snapshot, SnapshotFile } from './snapshot.js';
import { SourceError } from './source-error.js';

export interface ReadSnapshotOptions {
  gitdir: string;
  /** Full commit SHA. */
  commit: string;
  /** Normalized source path ('.' for the root). */
  path: string;
  /** Repository as shown in messages. */
  repo: string;
  cache: object;
  /**
   * Blobs already read, by object id (those of the previous snapshot): a blob's id is the hash of its
   * content, so a file a new commit left as it was is taken from here instead of inflated again.
   */
  known?: ReadonlyMap<string, Uint8Array>;
  /** Filled with this snapshot's blobs by object id, to pass as `known` to the next read. */
  read?: Map<string, Uint8Array>;
}

const SYMLINK_MODE = '120000';
const EXECUTABLE_MODE = '100755';

export async function readSnapshot(opts: ReadSnapshotOptions): Promise<Snapshot> {
  const files: SnapshotFile[] = [];
  const symlinks: string[] = [];
  const prefix = opts.path === '.' ? '' : opts.path;
  const root = await readRootTree(opts, prefix);
  await walkTree(opts, root, prefix, files, symlinks);
  files.sort((a, b) => compare(a.path, b.path));
  symlinks.sort(compare);
  return { commit: opts.commit, path: opts.path, files, symlinks };
}

async function readRootTree(opts: ReadSnapshotOptions, prefix: string): Promise<TreeEntry[]> {
  try {
    const { tree } = await git.readTree({ fs, gitdir: opts.gitdir, oid: opts.commit, cache: opts.cache, ...(prefix ? { filepath: prefix } : {}) });
    return tree;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (prefix && (code === 'NotFoundError' || code === 'ObjectTypeError') && (await hasCommit(opts))) {
      const why = code === 'NotFoundError' ? 'not found' : 'is not a directory';
      throw new SourceError('PATH_NOT_FOUND', `repository ${opts.repo}: path "${opts.path}" ${why} at commit ${opts.commit}`, { repo: opts.repo });
    }
    throw err;
  }
}

async function hasCommit(opts: ReadSnapshotOptions): Promise<boolean> {
  try {
    await git.readCommit({ fs, gitdir: opts.gitdir, oid: opts.commit, cache: opts.cache });
    return true;
  } catch {
    return false;
  }
}

async function walkTree(opts: ReadSnapshotOptions, entries: TreeEntry[], dir: string, files: SnapshotFile[], symlinks: string[]): Promise<void> {
  await Promise.all(
    entries.map(async (entry) => {
      const path = dir ? `${dir}/${entry.path}` : entry.path;
      if (entry.type === 'tree') {
        const { tree } = await git.readTree({ fs, gitdir: opts.gitdir, oid: entry.oid, cache: opts.cache });
        await walkTree(opts, tree, path, files, symlinks);
      } else if (entry.type === 'blob' && entry.mode === SYMLINK_MODE) {
        symlinks.push(path);
      } else if (entry.type === 'blob') {
        const blob = opts.known?.get(entry.oid) ?? (await git.readBlob({ fs, gitdir: opts.gitdir, oid: entry.oid, cache: opts.cache })).blob;
        opts.read?.set(entry.oid, blob);
        files.push(entry.mode === EXECUTABLE_MODE ? { path, content: blob, executable: true } : { path, content: blob });
      }
      // type 'commit' = submodule: its content is not in this repository; skipped.
    }),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
