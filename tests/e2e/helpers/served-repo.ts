// The world's spec repository as a remote the daemon fetches over smart HTTP (git http-backend on
// 127.0.0.1): a daemon following it learns of a push only when it fetches (poll, webhook, /sync).
import { join } from 'node:path';
import { startGitHttpServer, type GitHttpServer } from '../../source/helpers/git-http-server.js';
import type { GitRepo } from './git-repo.js';

export class ServedRepo {
  private constructor(
    private readonly repo: GitRepo,
    private readonly bare: string,
    private readonly server: GitHttpServer,
  ) {}

  /** Serves a bare clone of `repo` (made under `root`); `token` = basic-auth password required. */
  static async start(repo: GitRepo, root: string, token?: string): Promise<ServedRepo> {
    const bare = join(root, 'specs.git');
    repo.git('clone', '-q', '--bare', repo.dir, bare);
    const server = await startGitHttpServer({ root, ...(token !== undefined && { token }) });
    return new ServedRepo(repo, bare, server);
  }

  get url(): string {
    return this.server.url('specs.git');
  }

  /** Pushes the work repo's HEAD to `branch` of the served repo (through the file system, not HTTP). */
  push(branch = 'main'): string {
    this.repo.git('push', '-q', '--force', this.bare, `HEAD:refs/heads/${branch}`);
    return this.repo.head();
  }

  /** How many HTTP requests the daemon made (fetches show as info/refs + upload-pack). */
  get requests(): number {
    return this.server.requests.length;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
