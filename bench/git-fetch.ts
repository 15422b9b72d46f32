// Detect + fetch + read a new commit with isomorphic-git (GitSource over http) vs native `git fetch`
// of the same commit from the same git http-backend on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitSource } from '../src/source/index.js';
import { generateSpecs } from './specs-1000.js';
import type { Bench } from './harness.js';
import { git, SpecRepo } from './spec-repo.js';

export async function gitBench(runs: number): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-bench-git-'));
  const specs = generateSpecs(200);
  const repo = await SpecRepo.create(dir, Object.fromEntries(specs.map((f) => [f.path, f.content])));
  const source = new GitSource({ repo: repo.url, stateDir: join(dir, 'state') });
  await source.snapshot(await source.head());
  const native = join(dir, 'native.git');
  await git(dir, 'clone', '-q', '--bare', repo.url, native);
  return {
    rows: [
      {
        name: 'git: detect + fetch + read new commit (isomorphic-git vs git fetch)',
        unit: 'ms',
        target: '<= 1.2x native',
        runs,
        ratio: true,
        pass: (r) => r <= 1.2,
        note: 'repo of 200 spec files over git http-backend on 127.0.0.1; one new commit per run',
        measure: async (i) => {
          const f = specs[i % 200];
          await repo.commit({ [f.path]: `${new TextDecoder().decode(f.content)}# change ${i}\n` }, `change ${i}`);
          let t = performance.now();
          const snap = await source.snapshot(await source.head());
          const ours = performance.now() - t;
          if (snap.files.length < 200) throw new Error('snapshot incomplete');
          t = performance.now();
          await git(native, 'fetch', '-q', 'origin', '+refs/heads/main:refs/heads/main');
          await git(native, 'ls-tree', '-r', 'main');
          return { value: ours, baseline: performance.now() - t };
        },
      },
    ],
    cleanup: async () => {
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
