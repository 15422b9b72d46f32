import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource, materialize } from '../../src/source/index.js';
import { commit, initRepo, tempDir } from './helpers/git-fixture.js';

let tmp: { dir: string; cleanup: () => void };
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('materialize', () => {
  it('writes the --path tree of a snapshot (files, executables; no symlinks), atomically', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    const sha = commit(work, {
      'outside.yaml': 'o',
      'specs/a.yaml': 'a',
      'specs/tools/run.sh': { content: '#!/bin/sh\n', executable: true },
      'specs/link': { symlink: '../outside.yaml' },
    });
    const snap = await new GitSource({ repo: work, path: 'specs', stateDir: join(tmp.dir, 'state') }).snapshot(sha);
    const target = join(tmp.dir, 'trees', sha);
    expect(await materialize(snap, target)).toBe(target);
    expect(readFileSync(join(target, 'a.yaml'), 'utf8')).toBe('a');
    expect(statSync(join(target, 'tools/run.sh')).mode & 0o111).not.toBe(0);
    expect(existsSync(join(target, 'link'))).toBe(false);
    expect(existsSync(join(target, 'outside.yaml'))).toBe(false);
    expect(readdirSync(join(tmp.dir, 'trees'))).toEqual([sha]);
  });

  it('leaves an existing directory alone', async () => {
    const target = join(tmp.dir, 'tree');
    mkdirSync(target);
    writeFileSync(join(target, 'keep'), 'k');
    const snap = { commit: 'c'.repeat(40), files: [{ path: 'a.yaml', content: new Uint8Array([97]) }], symlinks: [] };
    await materialize(snap, target);
    expect(readdirSync(target)).toEqual(['keep']);
  });

  it('refuses paths that escape the directory and leaves nothing behind', async () => {
    const snap = { commit: 'c'.repeat(40), files: [{ path: '../evil', content: new Uint8Array() }], symlinks: [] };
    await expect(materialize(snap, join(tmp.dir, 'out', 'tree'))).rejects.toThrow(/outside the tree/);
    expect(readdirSync(join(tmp.dir, 'out'))).toEqual([]);
  });
});
