// Write-back on real repositories: the revert commit's tree and metadata, a local bare repository,
// a checked-out branch refused, a moved branch never overwritten, an https remote with a token.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource } from '../../src/source/git-source.js';
import { createHttpClient } from '../../src/source/http-client.js';
import { parseRepoLocation } from '../../src/source/repo-location.js';
import { publishRemote, revertTree, writeRevertCommit, type RevertCommit } from '../../src/source/write-back.js';
import { bareClone, commit, git, gitAsync, initRepo, tempDir } from './helpers/git-fixture.js';
import { startGitHttpServer, type GitHttpServer } from './helpers/git-http-server.js';

const TOKEN = 'write-back-git-token-9a7e2c';
const author = { name: 'mcp-gitops', email: 'mcp-gitops@localhost' };

let t: ReturnType<typeof tempDir>;
let work: string;
let good: string;
let bad: string;
let server: GitHttpServer | undefined;

beforeEach(() => {
  t = tempDir('mcp-gitops-write-back-');
  work = initRepo(join(t.dir, 'work'));
  good = commit(work, { 'specs/a.yaml': 'version: 1\n', 'specs/b.yaml': 'b\n', 'README.md': 'readme 1\n' }, 'good');
  bad = commit(work, { 'specs/a.yaml': 'version: 2\n', 'specs/c.yaml': 'new\n', 'README.md': 'readme 2\n' }, 'bad');
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  t.cleanup();
});

const revert = (failed = bad): RevertCommit => ({
  failed,
  lastGood: good,
  message: `Revert ${failed.slice(0, 7)}: ToolMissing\n`,
  author,
  now: Date.UTC(2026, 11, 2),
});

/** The files of `rev` in `repo` (git ls-tree), path -> content. */
function files(repo: string, rev: string): Record<string, string> {
  const paths = git(repo, 'ls-tree', '-r', '--name-only', rev).split('\n');
  return Object.fromEntries(paths.map((p) => [p, git(repo, 'show', `${rev}:${p}`)]));
}

describe('write-back to a local repository', () => {
  it('a bare repository: the branch moves to a commit on top of the failed one, --path as last good has it, the rest untouched', async () => {
    const bare = bareClone(work, join(t.dir, 'specs.git'));
    const source = new GitSource({ repo: bare, path: 'specs', stateDir: join(t.dir, 'state') });
    const { commit: r, branch } = await source.pushRevert(revert());
    expect(branch).toBe('main');
    expect(git(bare, 'rev-parse', 'main')).toBe(r);
    expect(git(bare, 'rev-parse', `${r}^`)).toBe(bad);
    expect(files(bare, r)).toEqual({ 'specs/a.yaml': 'version: 1', 'specs/b.yaml': 'b', 'README.md': 'readme 2' });
    expect(git(bare, 'log', '-1', '--format=%an <%ae>|%cn|%s', r)).toBe(`mcp-gitops <mcp-gitops@localhost>|mcp-gitops|Revert ${bad.slice(0, 7)}: ToolMissing`);
    expect(git(bare, 'fsck', '--strict')).toBe('');
  });

  it('--path . puts the whole tree back; nothing to revert is skipped', async () => {
    const bare = bareClone(work, join(t.dir, 'specs.git'));
    const source = new GitSource({ repo: bare, stateDir: join(t.dir, 'state') });
    const { commit: r } = await source.pushRevert(revert());
    expect(git(bare, 'rev-parse', `${r}^{tree}`)).toBe(git(bare, 'rev-parse', `${good}^{tree}`));
    const same = new GitSource({ repo: bare, path: 'specs', stateDir: join(t.dir, 'state') });
    await expect(same.pushRevert({ ...revert(r), lastGood: r })).rejects.toMatchObject({ code: 'SKIPPED' });
  });

  it('a branch that moved on is never overwritten; a checked-out branch of a work tree is refused', async () => {
    const bare = bareClone(work, join(t.dir, 'specs.git'));
    const newer = commit(work, { 'specs/a.yaml': 'version: 3\n' }, 'newer');
    git(work, 'push', '-q', bare, 'main');
    const source = new GitSource({ repo: bare, path: 'specs', stateDir: join(t.dir, 'state') });
    await expect(source.pushRevert(revert())).rejects.toMatchObject({
      code: 'BRANCH_MOVED',
      message: `branch main moved on from ${bad.slice(0, 7)} to ${newer.slice(0, 7)}: not written back (the newer commit is synced instead)`,
    });
    expect(git(bare, 'rev-parse', 'main')).toBe(newer);

    git(work, 'reset', '-q', '--hard', bad);
    const inPlace = new GitSource({ repo: work, path: 'specs', stateDir: join(t.dir, 'state') });
    await expect(inPlace.pushRevert(revert())).rejects.toMatchObject({ code: 'CHECKED_OUT' });
    expect(git(work, 'rev-parse', 'main')).toBe(bad);
  });
});

describe('write-back to an https remote', () => {
  async function served(): Promise<{ url: string; bare: string }> {
    const bare = bareClone(work, join(t.dir, 'srv', 'specs.git'));
    server = await startGitHttpServer({ root: join(t.dir, 'srv'), token: TOKEN });
    return { url: server.url('specs.git'), bare };
  }

  it('pushes with MCP_GITOPS_GIT_TOKEN; a wrong token fails without showing it', async () => {
    const { url, bare } = await served();
    const source = new GitSource({ repo: url, path: 'specs', stateDir: join(t.dir, 'state'), token: TOKEN });
    const { commit: r } = await source.pushRevert(revert());
    expect(await gitAsync(bare, 'rev-parse', 'main')).toBe(r);
    expect(files(bare, r)['specs/a.yaml']).toBe('version: 1');
    expect(server!.requests.some((q) => q.url.includes('git-receive-pack') && q.method === 'POST' && q.status === 200)).toBe(true);

    const wrong = new GitSource({ repo: url, path: 'specs', stateDir: join(t.dir, 'state2'), token: 'not-the-token-1234' });
    const err: unknown = await wrong.pushRevert(revert(r)).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AUTH_FAILED' });
    expect((err as Error).message).not.toContain('not-the-token-1234');
  });

  it('the push is a fast-forward of the fetched commit: a branch moved after the fetch is left as it is', async () => {
    const { url, bare } = await served();
    const stateDir = join(t.dir, 'state');
    const source = new GitSource({ repo: url, path: 'specs', stateDir, token: TOKEN });
    expect(await source.head()).toBe(bad);
    const newer = commit(work, { 'specs/a.yaml': 'version: 3\n' }, 'newer');
    await gitAsync(work, 'push', '-q', bare, 'main');
    const loc = parseRepoLocation(url, stateDir);
    if (loc.kind !== 'remote') throw new Error('remote expected');
    const repo = { gitdir: loc.mirrorDir, cache: {} };
    const r = await writeRevertCommit(repo, revert(), (await revertTree(repo, bad, good, 'specs')).tree);
    const target = {
      url: loc.url,
      http: createHttpClient(),
      onAuth: () => ({ username: 'x', password: TOKEN }),
      errors: { repo: url, secrets: [TOKEN], authConfigured: true },
    };
    await expect(publishRemote(repo, target, 'main', bad, r)).rejects.toMatchObject({ code: 'BRANCH_MOVED' });
    expect(await gitAsync(bare, 'rev-parse', 'main')).toBe(newer);
  });
});
