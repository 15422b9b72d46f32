import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource, SourceError } from '../../src/source/index.js';
import { commit, git, initRepo, tempDir } from './helpers/git-fixture.js';

let tmp: { dir: string; cleanup: () => void };
let work: string;
let src: GitSource;
beforeEach(() => {
  tmp = tempDir();
  work = initRepo(join(tmp.dir, 'work'));
  src = new GitSource({ repo: work, stateDir: join(tmp.dir, 'state') });
});
afterEach(() => tmp.cleanup());

describe('GitSource.resolve', () => {
  it('resolves full and short SHAs, branches, lightweight and annotated tags, HEAD', async () => {
    const first = commit(work, { 'a.yaml': '1' });
    git(work, 'tag', 'v1');
    git(work, 'tag', '-a', 'v1-annotated', '-m', 'release');
    git(work, 'checkout', '-q', '-b', 'dev');
    const second = commit(work, { 'a.yaml': '2' });
    git(work, 'checkout', '-q', 'main');

    expect(await src.resolve(first)).toBe(first);
    expect(await src.resolve(first.toUpperCase())).toBe(first);
    expect(await src.resolve(first.slice(0, 7))).toBe(first);
    expect(await src.resolve('v1')).toBe(first);
    expect(await src.resolve('v1-annotated')).toBe(first);
    expect(await src.resolve('refs/tags/v1-annotated')).toBe(first);
    expect(await src.resolve('dev')).toBe(second);
    expect(await src.resolve('main')).toBe(first);
    expect(await src.resolve('HEAD')).toBe(first);
  });

  it('REV_NOT_FOUND for unknown names and SHAs, and for non-commits', async () => {
    const sha = commit(work, { 'a.yaml': '1' });
    const tree = git(work, 'rev-parse', `${sha}^{tree}`);
    for (const rev of ['nope', 'deadbeef', '0'.repeat(40), tree, '../../config']) {
      const err = await src.resolve(rev).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('REV_NOT_FOUND');
      expect((err as SourceError).message).toContain(`"${rev}"`);
    }
  });

  it('isAncestor follows history (false after a rewrite)', async () => {
    const a = commit(work, { 'a.yaml': '1' });
    const b = commit(work, { 'a.yaml': '2' });
    git(work, 'reset', '-q', '--hard', a);
    const c = commit(work, { 'a.yaml': '3' });
    expect(await src.isAncestor(a, b)).toBe(true);
    expect(await src.isAncestor(a, a)).toBe(true);
    expect(await src.isAncestor(b, a)).toBe(false);
    expect(await src.isAncestor(b, c)).toBe(false);
  });
});
