// Detect + fetch + read a new commit with isomorphic-git (GitSource over http) vs native git doing the
// same work (`git fetch`, then `git archive` of the commit, which reads every file's content) from the
// same git http-backend on 127.0.0.1; and the floor under ours: the HTTP requests of our fetch alone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitSource } from '../src/source/index.js';
import { selfCpuMs } from './proc-usage.js';
import { generateSpecs } from './specs-1000.js';
import { extraMedian, sharedRuns, type Bench, type Sample } from './harness.js';
import { replay } from './http-replay.js';
import { git, SpecRepo } from './spec-repo.js';

const FILES = 200;

export async function gitBench(runs: number): Promise<Bench> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-bench-git-'));
  const specs = generateSpecs(FILES);
  const repo = await SpecRepo.create(dir, Object.fromEntries(specs.map((f) => [f.path, f.content])), { recordBodies: true });
  const source = new GitSource({ repo: repo.url, stateDir: join(dir, 'state') });
  const head = await source.head(); // the clone
  const t = performance.now();
  await source.snapshot(head);
  const first = performance.now() - t;
  const native = join(dir, 'native.git');
  await git(dir, 'clone', '-q', '--bare', repo.url, native);
  const baseUrl = new URL(repo.url).origin;

  /** One new commit, then ours and native (which goes first alternates), then our requests replayed. */
  const measure = async (i: number): Promise<Record<'ours' | 'floor', Sample>> => {
    const f = specs[i % FILES];
    await repo.commit({ [f.path]: `${new TextDecoder().decode(f.content)}# change ${i}\n` }, `change ${i}`);
    const ourSide = async (): Promise<{ fetch: number; read: number; cpu: number; requests: typeof repo.requests }> => {
      const from = repo.requests.length;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const head = await source.head();
      const t1 = performance.now();
      const snap = await source.snapshot(head);
      const read = performance.now() - t1;
      if (snap.files.length < FILES) throw new Error('snapshot incomplete');
      return { fetch: t1 - t0, read, cpu: selfCpuMs(c0), requests: repo.requests.slice(from) };
    };
    const nativeSide = async (): Promise<{ fetch: number; read: number; requests: number }> => {
      const from = repo.requests.length;
      const t0 = performance.now();
      await git(native, 'fetch', '-q', 'origin', '+refs/heads/main:refs/heads/main');
      const t1 = performance.now();
      await git(native, 'archive', '-o', '/dev/null', 'main');
      return { fetch: t1 - t0, read: performance.now() - t1, requests: repo.requests.length - from };
    };
    let o, n;
    if (i % 2 === 0) {
      o = await ourSide();
      n = await nativeSide();
    } else {
      n = await nativeSide();
      o = await ourSide();
    }
    const ours = o.fetch + o.read;
    const c0 = process.cpuUsage();
    const floor = await replay(baseUrl, o.requests);
    const floorCpu = selfCpuMs(c0);
    const extra = {
      fetch: o.fetch,
      read: o.read,
      cpu: o.cpu,
      nFetch: n.fetch,
      nRead: n.read,
      requests: o.requests.length,
      nRequests: n.requests,
      floor,
      floorCpu,
    };
    return { ours: { value: ours, baseline: n.fetch + n.read, extra }, floor: { value: floor, baseline: ours } };
  };
  const pick = sharedRuns(measure);
  const ms = (s: Sample[], key: string): string => `${extraMedian(s, key).toFixed(1)} ms`;
  return {
    rows: [
      {
        name: 'git: detect + fetch + read new commit (isomorphic-git vs git fetch + archive)',
        unit: 'ms',
        target: '<= 1.2x native',
        runs,
        ratio: true,
        pass: (r) => r <= 1.2,
        note: (s) =>
          `repo of ${FILES} spec files over git http-backend on 127.0.0.1, one new commit per run; both sides read every file's content at it. ` +
          `Ours (medians): fetch ${ms(s, 'fetch')} in ${extraMedian(s, 'requests')} requests (their round trips alone: ${ms(s, 'floor')}, next row), ` +
          `read ${ms(s, 'read')} (the blobs the commit left unchanged are the previous snapshot's; the first read, all ${FILES} blobs: ${first.toFixed(0)} ms). ` +
          `Native: git fetch ${ms(s, 'nFetch')} in ${extraMedian(s, 'nRequests')} requests (a process and its remote helper), git archive ${ms(s, 'nRead')}. ` +
          `CPU of this process (client + the test server's node side, which spawns git http-backend per request): ours ${ms(s, 'cpu')}, the replayed requests ${ms(s, 'floorCpu')}`,
        measure: pick('ours'),
      },
      {
        name: 'floor of that fetch: its HTTP requests alone, replayed from node',
        unit: 'ms',
        target: 'report',
        runs,
        note: 'the requests isomorphic-git made in the row above (same bodies), sent again right after it to the same git http-backend, every response read to its end and not parsed; baseline = our whole detect + fetch + read',
        measure: pick('floor'),
      },
    ],
    cleanup: async () => {
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
