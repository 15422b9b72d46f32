// Writes a snapshot's --path tree to a directory, atomically (temp dir + rename); existing dirs are kept.
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { Snapshot } from './snapshot.js';

/**
 * Makes `dir` hold the files of `snapshot` under its --path (so `dir` is the server's working dir:
 * `<--path>/tools/x` lands in `<dir>/tools/x`). Symlinks are not written. If `dir` already exists it is
 * left as it is (a directory per commit never changes). Returns `dir`.
 */
export async function materialize(snapshot: Snapshot, dir: string): Promise<string> {
  if (await exists(dir)) return dir;
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(dir)}.tmp-`));
  try {
    await writeFiles(snapshot, tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (await exists(dir)) return dir; // another writer won the race with the same content
    throw err;
  }
  return dir;
}

async function writeFiles(snapshot: Snapshot, root: string): Promise<void> {
  const prefix = !snapshot.path || snapshot.path === '.' ? '' : `${snapshot.path}/`;
  for (const file of snapshot.files) {
    if (!file.path.startsWith(prefix)) continue;
    const rel = posix.normalize(file.path.slice(prefix.length));
    if (rel.startsWith('../') || rel === '..' || posix.isAbsolute(rel)) {
      throw new Error(`materialize ${snapshot.commit}: refusing path outside the tree: ${file.path}`);
    }
    const target = join(root, ...rel.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, { mode: file.executable ? 0o755 : 0o644 });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
