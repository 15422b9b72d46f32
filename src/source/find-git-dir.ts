// The git directory of a local repository: `<dir>/.git` (directory or `gitdir:` file) or `<dir>` when bare.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseRepoLocation } from './repo-location.js';
import { SourceError } from './source-error.js';

/**
 * Fails at once (REPO_NOT_FOUND) when `repo` is a local path that is not a git repository: nothing
 * would ever appear there by retrying. Remote repositories are left to the source's own retries.
 */
export async function checkLocalRepository(repo: string, stateDir: string): Promise<void> {
  const loc = parseRepoLocation(repo, stateDir);
  if (loc.kind === 'local') await findGitDir(loc.dir);
}

export async function findGitDir(dir: string): Promise<string> {
  const dotGit = join(dir, '.git');
  const dotGitStat = await statOrNull(dotGit);
  if (dotGitStat?.isDirectory()) return dotGit;
  if (dotGitStat?.isFile()) {
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(dotGit, 'utf8'));
    if (match?.[1]) return resolve(dir, match[1]);
  }
  const [head, objects] = await Promise.all([statOrNull(join(dir, 'HEAD')), statOrNull(join(dir, 'objects'))]);
  if (head?.isFile() && objects?.isDirectory()) return dir;
  const exists = (await statOrNull(dir)) !== null;
  throw new SourceError('REPO_NOT_FOUND', `repository ${dir}: ${exists ? 'is not a git repository' : 'does not exist'}`, { repo: dir });
}

async function statOrNull(path: string): Promise<Awaited<ReturnType<typeof stat>> | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
