import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource, SourceError, type Snapshot } from '../../src/source/index.js';
import { bareClone, commit, git, initRepo, tempDir, writeFiles } from './helpers/git-fixture.js';

let tmp: { dir: string; cleanup: () => void };
let work: string;
beforeEach(() => {
  tmp = tempDir();
  work = initRepo(join(tmp.dir, 'work'));
});
afterEach(() => tmp.cleanup());

const source = (path?: string, repo = work): GitSource => new GitSource({ repo, stateDir: join(tmp.dir, 'state'), ...(path ? { path } : {}) });
const text = (s: Snapshot): Record<string, string> => Object.fromEntries(s.files.map((f) => [f.path, Buffer.from(f.content).toString('utf8')]));

describe('GitSource.snapshot', () => {
  it('returns the files of that commit, not of a later one', async () => {
    const first = commit(work, { 'a.yaml': 'v: 1\n', 'dir/b.yml': 'b\n' });
    const second = commit(work, { 'a.yaml': 'v: 2\n', 'dir/b.yml': null, 'c.yaml': 'c\n' });
    const src = source();
    const s1 = await src.snapshot(first);
    expect(s1.commit).toBe(first);
    expect(text(s1)).toEqual({ 'a.yaml': 'v: 1\n', 'dir/b.yml': 'b\n' });
    expect(s1.symlinks).toEqual([]);
    expect(text(await src.snapshot(second))).toEqual({ 'a.yaml': 'v: 2\n', 'c.yaml': 'c\n' });
  });

  it("carries the commit's author name and the first line of its message", async () => {
    const sha = commit(work, { 'a.yaml': 'v: 1\n' }, `servers: add memory\n\nA body that stays out of history.`);
    const long = commit(work, { 'a.yaml': 'v: 2\n' }, 'x'.repeat(300));
    const src = source();
    expect((await src.snapshot(sha)).info).toEqual({ author: git(work, 'log', '-1', '--format=%an', sha), message: 'servers: add memory' });
    expect((await src.snapshot(long)).info?.message).toBe(`${'x'.repeat(199)}…`);
  });

  it('reads a bare repository and binary content byte for byte', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13]);
    writeFileSync(join(work, 'bin.dat'), bytes);
    const sha = commit(work, {});
    const bare = bareClone(work, join(tmp.dir, 'bare.git'));
    const snap = await source(undefined, bare).snapshot(sha);
    expect(Buffer.from(snap.files[0].content).equals(bytes)).toBe(true);
  });

  it('returns only files under --path, with paths relative to the repository root', async () => {
    const sha = commit(work, {
      'root.yaml': 'r',
      'specs/a.yaml': 'a',
      'specs/deep/er/b.yaml': 'b',
      'specsfoo/x.yaml': 'x',
      'other/specs/y.yaml': 'y',
    });
    for (const path of ['specs', './specs/', '/specs']) {
      const snap = await source(path).snapshot(sha);
      expect(snap.path).toBe('specs');
      expect(snap.files.map((f) => f.path)).toEqual(['specs/a.yaml', 'specs/deep/er/b.yaml']);
    }
    expect((await source('specs/deep').snapshot(sha)).files.map((f) => f.path)).toEqual(['specs/deep/er/b.yaml']);
  });

  it('PATH_NOT_FOUND naming the path and the commit', async () => {
    const sha = commit(work, { 'specs/a.yaml': 'a', 'file.yaml': 'f' });
    for (const path of ['nope', 'specs/nope', 'file.yaml']) {
      const err = await source(path)
        .snapshot(sha)
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(SourceError);
      expect((err as SourceError).code).toBe('PATH_NOT_FOUND');
      expect((err as SourceError).message).toContain(`"${path}"`);
      expect((err as SourceError).message).toContain(sha);
    }
  });

  it('REV_NOT_FOUND for a commit that does not exist', async () => {
    commit(work, { 'a.yaml': 'a' });
    const err = await source()
      .snapshot('0'.repeat(40))
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((err as SourceError).code).toBe('REV_NOT_FOUND');
  });

  it('lists symlinks separately and never follows them', async () => {
    writeFiles(tmp.dir, { 'outside-secret.txt': 'secret' });
    const sha = commit(work, {
      'specs/a.yaml': 'a',
      'specs/link.yaml': { symlink: '../../outside-secret.txt' },
      'specs/dirlink': { symlink: '../lib' },
      'lib/x.yaml': 'x',
    });
    const snap = await source('specs').snapshot(sha);
    expect(snap.files.map((f) => f.path)).toEqual(['specs/a.yaml']);
    expect(snap.symlinks).toEqual(['specs/dirlink', 'specs/link.yaml']);
  });

  it('marks executable files', async () => {
    const sha = commit(work, { 'run.sh': { content: '#!/bin/sh\n', executable: true }, 'a.yaml': 'a' });
    const snap = await source().snapshot(sha);
    expect(snap.files.find((f) => f.path === 'run.sh')?.executable).toBe(true);
    expect(snap.files.find((f) => f.path === 'a.yaml')?.executable).toBeUndefined();
  });

  it('never shows uncommitted edits, staged files or untracked files', async () => {
    const sha = commit(work, { 'a.yaml': 'committed\n', 'gone.yaml': 'still here\n' });
    writeFiles(work, { 'a.yaml': 'edited\n', 'gone.yaml': null, 'staged.yaml': 's' });
    git(work, 'add', 'staged.yaml');
    writeFiles(work, { 'untracked.yaml': 'u', 'sub/untracked.yaml': 'u' });
    const src = source();
    expect(await src.head()).toBe(sha);
    expect(text(await src.snapshot(await src.head()))).toEqual({ 'a.yaml': 'committed\n', 'gone.yaml': 'still here\n' });
  });

  it('caches by commit and path, and accepts a revision name', async () => {
    const sha = commit(work, { 'a.yaml': 'a' });
    const src = source();
    const first = await src.snapshot(sha);
    expect(await src.snapshot(sha)).toBe(first);
    expect(await src.snapshot('main')).toBe(first);
    expect(Object.isFrozen(first.files)).toBe(true);
  });

  it('takes the files a new commit left unchanged from the previous snapshot, the changed ones from git', async () => {
    const first = commit(work, { 'a.yaml': 'a\n', 'b.yaml': 'b\n', 'dir/c.yaml': 'c\n' });
    const second = commit(work, { 'b.yaml': 'b2\n', 'dir/copy.yaml': 'a\n', 'dir/c.yaml': null });
    const src = source();
    const s1 = await src.snapshot(first);
    const s2 = await src.snapshot(second);
    expect(text(s2)).toEqual({ 'a.yaml': 'a\n', 'b.yaml': 'b2\n', 'dir/copy.yaml': 'a\n' });
    const content = (s: Snapshot, path: string): Uint8Array | undefined => s.files.find((f) => f.path === path)?.content;
    expect(content(s2, 'a.yaml')).toBe(content(s1, 'a.yaml')); // same blob id: not read again
    expect(content(s2, 'dir/copy.yaml')).toBe(content(s1, 'a.yaml'));
    expect(text(await src.snapshot(first))).toEqual({ 'a.yaml': 'a\n', 'b.yaml': 'b\n', 'dir/c.yaml': 'c\n' });
  });
});
