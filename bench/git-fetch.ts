// Detect + fetch + read a new commit with isomorphic-git (GitSource over https) vs native `git fetch`
// of the same commit from the same git http-backend on 127.0.0.1.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitSource } from '../src/source/index.js';
import { startGitHttpServer } from '../tests/source/helpers/git-http-server.js';
import { generateSpecs } from './specs-1000.js';
import type { RowSpec } from './harness.js';

const run = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b.invalid', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
const git = (cwd: string, ...args: string[]) => run('git', args, { cwd, env: GIT_ENV });

export async function gitRow(runs: number): Promise<RowSpec & { cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-bench-git-'));
  const work = join(dir, 'work');
  mkdirSync(work);
  await git(work, 'init', '-q', '-b', 'main');
  for (const f of generateSpecs(200)) {
    mkdirSync(join(work, f.path, '..'), { recursive: true });
    writeFileSync(join(work, f.path), f.content);
  }
  await git(work, 'add', '-A');
  await git(work, 'commit', '-qm', 'init');
  await git(dir, 'clone', '-q', '--bare', work, join(dir, 'srv', 'specs.git'));
  const server = await startGitHttpServer({ root: join(dir, 'srv') });
  const url = server.url('specs');
  const source = new GitSource({ repo: url, stateDir: join(dir, 'state') });
  await source.snapshot(await source.head());
  await git(dir, 'clone', '-q', '--bare', url, join(dir, 'native.git'));
  await git(work, 'remote', 'add', 'origin', join(dir, 'srv', 'specs.git'));
  return {
    name: 'git: detect + fetch + read new commit (isomorphic-git vs git fetch)', unit: 'ms', target: '<= 2x native', runs, ratio: true,
    pass: (r) => r <= 2,
    note: 'repo of 200 spec files over git http-backend on 127.0.0.1; one new commit per run',
    measure: async (i) => {
      writeFileSync(join(work, 'servers', `server-${i % 200}.yaml`), `${Date.now()}\n`, { flag: 'a' });
      await git(work, 'commit', '-qam', `change ${i}`);
      await git(work, 'push', '-q', 'origin', 'main');
      let t = performance.now();
      const head = await source.head();
      const snap = await source.snapshot(head);
      const ours = performance.now() - t;
      if (snap.files.length < 200) throw new Error('snapshot incomplete');
      t = performance.now();
      await git(join(dir, 'native.git'), 'fetch', '-q', 'origin', '+refs/heads/main:refs/heads/main');
      await git(join(dir, 'native.git'), 'ls-tree', '-r', 'main');
      const native = performance.now() - t;
      return { value: ours, baseline: native };
    },
    cleanup: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}
