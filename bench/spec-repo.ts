// A spec repository the way a team has one: a work tree where commits are made, pushed to a bare
// repository that git http-backend serves on 127.0.0.1. Async git only: the HTTP server (and an
// in-process daemon) share this event loop, so a synchronous git call would stall them.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { startGitHttpServer, type GitHttpRequestLog, type GitHttpServer } from '../tests/source/helpers/git-http-server.js';

const run = promisify(execFile);
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'b',
  GIT_AUTHOR_EMAIL: 'b@b.invalid',
  GIT_COMMITTER_NAME: 'b',
  GIT_COMMITTER_EMAIL: 'b@b.invalid',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await run('git', args, { cwd, env: GIT_ENV, maxBuffer: 64 * 1024 * 1024 })).stdout.trim();
}

export type Files = Record<string, string | Uint8Array | null>;

export class SpecRepo {
  private constructor(
    readonly work: string,
    readonly bare: string,
    private readonly server: GitHttpServer,
  ) {}

  /** A repo under `dir` with `files` as its first commit, served over smart HTTP. */
  static async create(dir: string, files: Files, opts: { recordBodies?: boolean } = {}): Promise<SpecRepo> {
    const work = join(dir, 'work');
    const bare = join(dir, 'srv', 'specs.git');
    mkdirSync(work, { recursive: true });
    await git(work, 'init', '-q', '-b', 'main');
    writeFiles(work, files);
    await git(work, 'add', '-A');
    await git(work, 'commit', '-qm', 'init');
    await git(dir, 'clone', '-q', '--bare', work, bare);
    await git(work, 'remote', 'add', 'origin', bare);
    const server = await startGitHttpServer({ root: join(dir, 'srv'), ...opts });
    return new SpecRepo(work, bare, server);
  }

  /** What a daemon or `git clone` fetches. */
  get url(): string {
    return this.server.url('specs');
  }

  /** Writes (null: deletes) files, commits, pushes to the served repo; returns the new head. */
  async commit(files: Files, message = 'change'): Promise<string> {
    writeFiles(this.work, files);
    await git(this.work, 'add', '-A');
    await git(this.work, 'commit', '-q', '--allow-empty', '-m', message);
    await git(this.work, 'push', '-q', 'origin', 'main');
    return git(this.work, 'rev-parse', 'HEAD');
  }

  /** Every request the server answered, oldest first. */
  get requests(): readonly GitHttpRequestLog[] {
    return this.server.requests;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

function writeFiles(root: string, files: Files): void {
  for (const [path, content] of Object.entries(files)) {
    const target = join(root, path);
    if (content === null) {
      rmSync(target, { force: true });
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
}
