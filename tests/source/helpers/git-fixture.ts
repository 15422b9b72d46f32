// Real git repositories for tests, made with the git CLI in temp dirs.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
};

/** Runs git in `cwd` with a clean identity/config; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * Like `git`, but without blocking the event loop: needed when the other end (e.g. the test's own
 * git http-backend server) runs in this process.
 */
export function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} failed: ${stderr}`, { cause: err }));
      else resolve(stdout.trim());
    });
  });
}

/** A temp dir and its removal. */
export function tempDir(prefix = 'mcp-gitops-source-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `git init` a work tree (non-bare) with the given initial branch. */
export function initRepo(dir: string, branch = 'main'): string {
  mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', branch);
  return dir;
}

export type FileSpec = string | { symlink: string } | { content: string; executable: true };

/** Writes files (and symlinks) into a work tree, stages everything and commits; returns the new SHA. */
export function commit(dir: string, files: Record<string, FileSpec | null>, message = 'change'): string {
  writeFiles(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

export function writeFiles(dir: string, files: Record<string, FileSpec | null>): void {
  for (const [path, spec] of Object.entries(files)) {
    const target = join(dir, path);
    if (spec === null) {
      rmSync(target, { force: true });
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    if (typeof spec === 'string') writeFileSync(target, spec);
    else if ('symlink' in spec) symlinkSync(spec.symlink, target);
    else writeFileSync(target, spec.content, { mode: 0o755 });
  }
}

/** A bare copy of `workTree` at `bareDir` (HEAD keeps the work tree's current branch). */
export function bareClone(workTree: string, bareDir: string): string {
  mkdirSync(dirname(bareDir), { recursive: true });
  git(dirname(bareDir), 'clone', '-q', '--bare', workTree, bareDir);
  return bareDir;
}
