import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource, SourceError } from '../../src/source/index.js';
import { bareClone, commit, git, initRepo, tempDir } from './helpers/git-fixture.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const source = (repo: string, branch?: string): GitSource => new GitSource({ repo, stateDir: join(tmp.dir, 'state'), ...(branch ? { branch } : {}) });

async function rejection(p: Promise<unknown>): Promise<SourceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SourceError);
  return err as SourceError;
}

describe('GitSource.head (local)', () => {
  it.each(['main', 'master'])('follows the branch HEAD points to (%s, work tree and bare)', async (branch) => {
    const work = initRepo(join(tmp.dir, 'work'), branch);
    const first = commit(work, { 'a.yaml': 'a: 1\n' });
    git(work, 'checkout', '-q', '-b', 'other');
    commit(work, { 'a.yaml': 'a: 2\n' });
    git(work, 'checkout', '-q', branch);
    const bare = bareClone(work, join(tmp.dir, 'bare.git'));

    expect(await source(work).head()).toBe(first);
    expect(await source(work).branchName()).toBe(branch);
    expect(await source(bare).head()).toBe(first);
    expect(await source(bare).branchName()).toBe(branch);
  });

  it('follows an explicit branch, also when its ref is packed', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    commit(work, { 'a.yaml': '1' });
    git(work, 'checkout', '-q', '-b', 'feature/x');
    const feature = commit(work, { 'a.yaml': '2' });
    git(work, 'checkout', '-q', 'main');
    git(work, 'pack-refs', '--all');
    expect(await source(work, 'feature/x').head()).toBe(feature);
  });

  it('sees a new commit on the next call', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    const src = source(work);
    commit(work, { 'a.yaml': '1' });
    await src.head();
    const second = commit(work, { 'a.yaml': '2' });
    expect(await src.head()).toBe(second);
  });

  it('follows a detached HEAD when no branch is given', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    const first = commit(work, { 'a.yaml': '1' });
    commit(work, { 'a.yaml': '2' });
    git(work, 'checkout', '-q', '--detach', first);
    expect(await source(work).head()).toBe(first);
    expect(await source(work).branchName()).toBeNull();
  });

  it('BRANCH_NOT_FOUND for a missing branch, naming it', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    commit(work, { 'a.yaml': '1' });
    const err = await rejection(source(work, 'nope').head());
    expect(err.code).toBe('BRANCH_NOT_FOUND');
    expect(err.transient).toBe(false);
    expect(err.message).toContain('"nope"');
    expect(err.message).toContain(work);
  });

  it('BRANCH_NOT_FOUND for a repository without commits', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    const err = await rejection(source(work).head());
    expect(err.code).toBe('BRANCH_NOT_FOUND');
    expect(err.message).toContain('"main"');
  });

  it('REPO_NOT_FOUND for a missing directory and for a directory that is not a repository', async () => {
    const missing = await rejection(source(join(tmp.dir, 'missing')).head());
    expect(missing.code).toBe('REPO_NOT_FOUND');
    expect(missing.message).toMatch(/missing: does not exist/);

    const plain = join(tmp.dir, 'plain');
    mkdirSync(plain);
    writeFileSync(join(plain, 'a.yaml'), 'a: 1\n');
    const notRepo = await rejection(source(plain).head());
    expect(notRepo.code).toBe('REPO_NOT_FOUND');
    expect(notRepo.message).toMatch(/is not a git repository/);
  });

  it.each([{ branch: '../../etc' }, { branch: 'a..b' }, { path: '../outside' }, { repo: 'ssh://host/x.git' }, { repo: 'git@github.com:o/r.git' }])(
    'rejects unusable options at construction: %o',
    (bad) => {
      let err: unknown;
      try {
        new GitSource({ repo: tmp.dir, stateDir: tmp.dir, ...bad });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('INVALID_ARGUMENT');
    },
  );
});
