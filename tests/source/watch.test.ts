import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSource, type WatchHandle } from '../../src/source/index.js';
import { bareClone, commit, git, initRepo, tempDir } from './helpers/git-fixture.js';
import { waitFor } from './helpers/wait-for.js';

let tmp: { dir: string; cleanup: () => void };
let stop: WatchHandle | undefined;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  stop?.();
  stop = undefined;
  tmp.cleanup();
});

describe('GitSource.watch', () => {
  it('fires after git commit in a work tree', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    commit(work, { 'a.yaml': '1' });
    const src = new GitSource({ repo: work, stateDir: join(tmp.dir, 'state') });
    let fired = 0;
    stop = src.watch(() => {
      fired++;
    });
    await stop.ready;
    const sha = commit(work, { 'a.yaml': '2' });
    await waitFor(() => fired > 0, 20_000, 'watch callback');
    expect(await src.head()).toBe(sha);
  });

  it('fires when a bare repository receives a push, and not after it is stopped', async () => {
    const work = initRepo(join(tmp.dir, 'work'));
    commit(work, { 'a.yaml': '1' });
    const bare = bareClone(work, join(tmp.dir, 'bare.git'));
    const src = new GitSource({ repo: bare, stateDir: join(tmp.dir, 'state') });
    let fired = 0;
    stop = src.watch(() => {
      fired++;
    });
    await stop.ready;
    const sha = commit(work, { 'a.yaml': '2' });
    git(work, 'push', '-q', bare, 'main');
    await waitFor(() => fired > 0, 20_000, 'watch callback');
    expect(await src.head()).toBe(sha);
    stop();
    const count = fired;
    // A second watcher proves time enough has passed for the stopped one to have fired, had it still run.
    let witness = 0;
    stop = src.watch(() => {
      witness++;
    });
    await stop.ready;
    commit(work, { 'a.yaml': '3' });
    git(work, 'push', '-q', bare, 'main');
    await waitFor(() => witness > 0, 20_000, 'second watcher');
    expect(fired).toBe(count);
  });

  it('is a no-op for remote repositories: nothing fetched, watched or reported', async () => {
    const state = join(tmp.dir, 'state');
    const src = new GitSource({ repo: 'https://127.0.0.1:9/none.git', stateDir: state });
    const seen: string[] = [];
    stop = src.watch(
      () => seen.push('change'),
      (err) => seen.push(`error: ${err.message}`),
    );
    await stop.ready;
    // a watch that reached for the repository would have made the mirror or failed on port 9
    expect(existsSync(state)).toBe(false);
    await expect(src.head()).rejects.toThrow();
    expect(seen).toEqual([]);
  });
});
