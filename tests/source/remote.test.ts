import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource, SourceError } from '../../src/source/index.js';
import { bareClone, commit, git, gitAsync, initRepo, tempDir } from './helpers/git-fixture.js';
import { startGitHttpServer, type GitHttpServer } from './helpers/git-http-server.js';

const TOKEN = 's3cr3t-t0ken-value';

let tmp: { dir: string; cleanup: () => void };
let work: string;
let served: string;
let server: GitHttpServer | undefined;
beforeEach(() => {
  tmp = tempDir();
  work = initRepo(join(tmp.dir, 'work'), 'trunk');
  commit(work, { 'specs/a.yaml': 'a: 1\n', 'README.md': 'r' });
  served = bareClone(work, join(tmp.dir, 'served', 'specs.git'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  tmp.cleanup();
});

const stateDir = (): string => join(tmp.dir, 'state');

async function rejection(p: Promise<unknown>): Promise<SourceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

/** Everything the mirror stored (config, refs, ...), as text, to prove the token is not in it. */
function mirrorText(): string {
  const root = join(stateDir(), 'git');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('objects'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
    .join('\n');
}

describe('GitSource over smart HTTP (git http-backend)', () => {
  it('follows the remote default branch, snapshots it, and sees a pushed commit on the next head()', async () => {
    server = await startGitHttpServer({ root: join(tmp.dir, 'served') });
    const src = new GitSource({ repo: server.url('specs.git'), path: 'specs', stateDir: stateDir() });
    expect(src.isRemote).toBe(true);
    const first = await src.head();
    expect(first).toBe(git(work, 'rev-parse', 'HEAD'));
    expect(await src.branchName()).toBe('trunk');
    const snap = await src.snapshot(first);
    expect(snap.files.map((f) => [f.path, Buffer.from(f.content).toString()])).toEqual([['specs/a.yaml', 'a: 1\n']]);

    const second = commit(work, { 'specs/a.yaml': 'a: 2\n' });
    await gitAsync(work, 'push', '-q', server.url('specs.git'), 'HEAD:trunk');
    expect(await src.head()).toBe(second);
    expect(Buffer.from((await src.snapshot(second)).files[0].content).toString()).toBe('a: 2\n');
    expect(await src.isAncestor(first, second)).toBe(true);

    // a new instance (daemon restart) reuses the mirror in the state dir
    const again = new GitSource({ repo: server.url('specs.git'), path: 'specs', stateDir: stateDir() });
    expect(await again.head()).toBe(second);
    expect(readdirSync(join(stateDir(), 'git'))).toHaveLength(1);
  });

  it('a head() that finds nothing new is one GET of the ref advertisement; a push, a moved HEAD or a lost object fetches', async () => {
    server = await startGitHttpServer({ root: join(tmp.dir, 'served') });
    const src = new GitSource({ repo: server.url('specs.git'), path: 'specs', stateDir: stateDir() });
    const first = await src.head();
    const requests = (): string[] => server!.requests.splice(0).map((r) => `${r.method} ${r.url.replace(/^.*specs\.git/, '')}`);
    requests();
    expect(await src.head()).toBe(first);
    expect(await src.head()).toBe(first);
    expect(requests()).toEqual(['GET /info/refs?service=git-upload-pack', 'GET /info/refs?service=git-upload-pack']);

    const second = commit(work, { 'specs/a.yaml': 'a: 2\n' });
    await gitAsync(work, 'push', '-q', server.url('specs.git'), 'HEAD:trunk');
    expect(await src.head()).toBe(second);
    expect(requests()).toContain('POST /git-upload-pack');

    // the remote's HEAD now names another branch at the same commit: fetched, and the new name is known
    git(served, 'branch', 'main', 'trunk');
    git(served, 'symbolic-ref', 'HEAD', 'refs/heads/main');
    expect(await src.head()).toBe(second);
    expect(requests()).toContain('POST /git-upload-pack');
    expect(await src.branchName()).toBe('main');

    // the mirror lost the commit's objects: reading it fetches again although the remote did not move
    rmSync(join(stateDir(), 'git', readdirSync(join(stateDir(), 'git'))[0], 'objects'), { recursive: true, force: true });
    const snap = await src.snapshot(second);
    expect(Buffer.from(snap.files[0].content).toString()).toBe('a: 2\n');
  });

  it('follows an explicit branch; BRANCH_NOT_FOUND for a missing one; REPO_NOT_FOUND for a missing repository', async () => {
    git(work, 'checkout', '-q', '-b', 'release');
    const release = commit(work, { 'specs/a.yaml': 'release\n' });
    git(work, 'push', '-q', served, 'release');
    server = await startGitHttpServer({ root: join(tmp.dir, 'served') });
    expect(await new GitSource({ repo: server.url('specs.git'), branch: 'release', stateDir: stateDir() }).head()).toBe(release);

    const missingBranch = await rejection(new GitSource({ repo: server.url('specs.git'), branch: 'nope', stateDir: stateDir() }).head());
    expect(missingBranch.code).toBe('BRANCH_NOT_FOUND');
    expect(missingBranch.message).toContain('"nope"');

    const missingRepo = await rejection(new GitSource({ repo: server.url('missing.git'), stateDir: stateDir() }).head());
    expect(missingRepo.code).toBe('REPO_NOT_FOUND');
    expect(missingRepo.message).toContain(server.url('missing.git'));
  });

  it('resolves tags, branches and short SHAs of the remote', async () => {
    const first = git(work, 'rev-parse', 'HEAD');
    git(work, 'tag', '-a', 'v1', '-m', 'v1');
    git(work, 'checkout', '-q', '-b', 'dev');
    const dev = commit(work, { 'specs/a.yaml': 'dev\n' });
    git(work, 'push', '-q', '--tags', served, 'dev');
    server = await startGitHttpServer({ root: join(tmp.dir, 'served') });
    const src = new GitSource({ repo: server.url('specs.git'), stateDir: stateDir() });
    expect(await src.resolve('v1')).toBe(first);
    expect(await src.resolve('dev')).toBe(dev);
    expect(await src.resolve(first.slice(0, 8))).toBe(first);
    expect(await src.resolve('HEAD')).toBe(first);
    expect((await rejection(src.resolve('nope'))).code).toBe('REV_NOT_FOUND');
  });

  it('with a required token: the right token works and is never stored', async () => {
    server = await startGitHttpServer({ root: join(tmp.dir, 'served'), token: TOKEN });
    const src = new GitSource({ repo: server.url('specs.git'), token: TOKEN, stateDir: stateDir() });
    expect(await src.head()).toBe(git(work, 'rev-parse', 'HEAD'));
    expect(server.requests.some((r) => r.status === 200 && r.authorization?.startsWith('Basic '))).toBe(true);
    expect(mirrorText()).not.toContain(TOKEN);
    expect(mirrorText()).toContain(server.url('specs.git'));
  });

  it('credentials in the URL work and are stripped from the stored remote and from messages', async () => {
    server = await startGitHttpServer({ root: join(tmp.dir, 'served'), token: TOKEN });
    const withAuth = server.url('specs.git').replace('http://', `http://x-access-token:${TOKEN}@`);
    const src = new GitSource({ repo: withAuth, stateDir: stateDir() });
    expect(src.repo).toBe(server.url('specs.git'));
    expect(await src.head()).toBe(git(work, 'rev-parse', 'HEAD'));
    expect(mirrorText()).not.toContain(TOKEN);
    const err = await rejection(new GitSource({ repo: withAuth, branch: 'nope', stateDir: stateDir() }).head());
    expect(err.message).not.toContain(TOKEN);
  });

  it('a wrong token gives AUTH_FAILED that names the repository but not the token', async () => {
    server = await startGitHttpServer({ root: join(tmp.dir, 'served'), token: TOKEN });
    const wrong = 'wrong-t0ken-value';
    const err = await rejection(new GitSource({ repo: server.url('specs.git'), token: wrong, stateDir: stateDir() }).head());
    expect(err.code).toBe('AUTH_FAILED');
    expect(err.transient).toBe(false);
    expect(err.message).toBe(`repository ${server.url('specs.git')}: authentication refused (check MCP_GITOPS_GIT_TOKEN)`);
    const everything = JSON.stringify({ m: err.message, s: err.stack, c: String(err.cause), r: err.repo });
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(TOKEN);

    const none = await rejection(new GitSource({ repo: server.url('specs.git'), stateDir: stateDir() }).head());
    expect(none.code).toBe('AUTH_FAILED');
    expect(none.message).toMatch(/authentication required \(set MCP_GITOPS_GIT_TOKEN\)/);
  });

  it('an unreachable server is a transient NETWORK error', async () => {
    server = await startGitHttpServer({ root: join(tmp.dir, 'served') });
    const url = server.url('specs.git');
    await server.close();
    server = undefined;
    const err = await rejection(new GitSource({ repo: url, stateDir: stateDir() }).head());
    expect(err.code).toBe('NETWORK');
    expect(err.transient).toBe(true);
    expect(err.message).toContain(url);
  });
});

describe('GitSource over HTTP: a remote that stops answering', () => {
  it('fails with a transient NETWORK error after the idle timeout instead of hanging', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => undefined); // accepts, never answers
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const src = new GitSource({ repo: `http://127.0.0.1:${port}/x.git`, stateDir: stateDir(), networkTimeoutMs: 300 });
      const err = await rejection(src.head());
      expect(err.code).toBe('NETWORK');
      expect(err.transient).toBe(true);
      expect(err.message).toMatch(/ETIMEDOUT/);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
