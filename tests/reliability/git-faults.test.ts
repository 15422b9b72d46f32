// Git faults against the real daemon following a remote (git http-backend behind a switchable
// front on 127.0.0.1): unreachable, token revoked, server errors, branch deleted, history rewritten
// by a force-push, a corrupted local mirror. Each time the daemon keeps serving what it applied,
// says what is wrong in /status and /metrics, and recovers once the remote is right again.
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Daemon, Status } from '../e2e/helpers/daemon.js';
import { freePort, isAlive, records } from '../e2e/helpers/procs.js';
import { delayedHttp, everythingStdio, partial } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';
import { FaultyRemote, type RemoteMode } from './helpers/faulty-remote.js';

const GIT_TOKEN = 'git-token-7f3a9c1e5b';
let w: World | undefined;
let remote: FaultyRemote | undefined;
afterEach(async () => {
  await remote?.close();
  await remote?.served.close();
  await w?.cleanup();
  w = remote = undefined;
});

interface Scene {
  w: World;
  remote: FaultyRemote;
  d: Daemon;
  good: string;
  web: Record<string, string>;
  ids: (string | null | undefined)[];
  pids: number[];
}

/** svc (stdio) and web (http) deployed from the remote; the daemon polls it every 0.3 s. */
async function deployed(env: Record<string, string> = {}): Promise<Scene> {
  w = new World();
  const port = await freePort();
  const web = w.server('web', delayedHttp(port, 0));
  const good = w.repo.commit({ ...w.server('svc', everythingStdio()), ...web });
  remote = await FaultyRemote.start(w.repo, join(w.dir, 'served'));
  const d = await w.start({ repo: remote.url, env });
  const st = await w.converged(d, good, ['svc', 'web']);
  const ids = st.servers.map((s) => s.instanceId);
  const pids = ids.map((id) => records(w!.stateDir).find((r) => r.id === id)!.pid);
  return { w, remote, d, good, web, ids, pids };
}

function mirrorDir(s: Scene): string {
  const mirrors = join(s.w.stateDir, 'git');
  return join(mirrors, readdirSync(mirrors)[0]);
}

/** Still serving what it applied: same instances, same processes, applied unchanged. */
function serving(s: Scene, st: Status, applied = s.good): void {
  expect(st.revision.applied).toBe(applied);
  expect(st.servers.map((x) => [x.instanceId, x.phase, x.health])).toEqual(s.ids.map((id) => [id, 'Running', 'Healthy']));
  expect(s.pids.every(isAlive)).toBe(true);
}

async function sourceErrors(d: Daemon): Promise<number> {
  const line = (await (await fetch(`${d.url}/metrics`)).text()).split('\n').find((l) => l.startsWith('mcp_gitops_source_errors_total '));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** Waits until /status reports a source error matching `message`; checks it is counted in /metrics. */
async function reportsError(s: Scene, message: RegExp): Promise<Status> {
  const st = await s.d.until(`lastError ${String(message)}`, (x) => x.lastError !== null && message.test(x.lastError.message));
  expect(st.lastError).toMatchObject({ reason: 'SourceUnavailable', code: 'SOURCE_UNAVAILABLE' });
  expect(st).toMatchObject({ phase: 'Degraded', reason: 'SourceUnavailable', failedRevision: null });
  expect(st.message).toMatch(/^Waiting to retry: /);
  expect(await sourceErrors(s.d)).toBeGreaterThanOrEqual(1);
  serving(s, st);
  return st;
}

/** Pushes a commit adding server `extra` (svc and web unchanged); returns it. */
function pushExtra(s: Scene, why: string): string {
  const sha = s.w.repo.commit(s.w.server('extra', everythingStdio()), why);
  s.remote.served.push();
  return sha;
}

/** The remote is right again: the daemon clears the error and deploys the head it could not see. */
async function recovers(s: Scene, head: string): Promise<Status> {
  const st = await s.w.converged(s.d, head, ['extra', 'svc', 'web']);
  expect(st.lastError).toBeNull();
  expect(st.servers.filter((x) => x.name !== 'extra').map((x) => x.instanceId)).toEqual(s.ids);
  return st;
}

describe('git faults: keeps serving, reports, recovers', () => {
  it.each<[string, RemoteMode, RegExp, string?]>([
    ['remote unreachable', 'down', /^repository http:\/\/127\.0\.0\.1:\d+\/specs\.git: unreachable \(ECONNREFUSED\)$/],
    [
      'token revoked (401 for the configured token)',
      'unauthorized',
      /^repository http:\/\/127\.0\.0\.1:\d+\/specs\.git: authentication refused \(check MCP_GITOPS_GIT_TOKEN\)$/,
      GIT_TOKEN,
    ],
    [
      'credentials now required (401, no token)',
      'unauthorized',
      /^repository http:\/\/127\.0\.0\.1:\d+\/specs\.git: authentication required \(set MCP_GITOPS_GIT_TOKEN\)$/,
    ],
    ['remote failing on its side (500)', 'server-error', /^repository http:\/\/127\.0\.0\.1:\d+\/specs\.git: server error \(HTTP 500\)$/],
  ])('%s', async (_name, mode, message, token) => {
    const s = await deployed(token ? { MCP_GITOPS_GIT_TOKEN: token } : {});
    await s.remote.set(mode);
    // a commit pushed meanwhile cannot be seen, nothing changes
    const head = pushExtra(s, 'pushed during the fault');
    await reportsError(s, message);
    const before = (await s.d.status()).history.length;
    await s.remote.set('up');
    const st = await recovers(s, head);
    expect(st.history.length).toBe(before + 1); // the fault added no history entry; the new head did
    if (token) expect(JSON.stringify(st) + JSON.stringify(s.d.logs) + s.d.stderr).not.toContain(token);
  });

  it('branch deleted on the remote: keeps serving, says which branch, recovers when it is pushed again', async () => {
    const s = await deployed();
    s.w.repo.git('--git-dir', join(s.w.dir, 'served', 'specs.git'), 'update-ref', '-d', 'refs/heads/main');
    await reportsError(s, /^repository http:\/\/127\.0\.0\.1:\d+\/specs\.git: default branch "main" \(remote HEAD\) not found$/);
    await recovers(s, pushExtra(s, 'the branch is back'));
  });

  it('force-push rewriting history: the new head deploys; a failing rewritten head reverts to the applied commit that is no longer on the branch', async () => {
    const s = await deployed();
    // history rewritten: a new root commit whose server fails its gate
    s.w.repo.git('checkout', '-q', '--orphan', 'rewrite');
    const bad = s.w.repo.commit({ ...s.w.server('svc', partial({ version: '3' })), ...s.web }, 'rewritten');
    s.remote.served.push('main');
    const st = await s.d.until(`${bad.slice(0, 7)} reverted`, (x) => x.history[0]?.commit === bad && x.history[0].result === 'reverted');
    expect(st.failedRevision?.commit).toBe(bad);
    serving(s, st);
    expect(st.lastError).toBeNull();
    // and a good commit on the rewritten history deploys
    const fixed = s.w.repo.commit({ ...s.w.server('svc', everythingStdio({ version: '4' })) }, 'fixed');
    s.remote.served.push('main');
    const after = await s.w.converged(s.d, fixed, ['svc', 'web']);
    expect(after.servers.find((x) => x.name === 'svc')).toMatchObject({ version: '4', commit: fixed });
  });

  it('corrupted local mirror (objects gone, HEAD garbage): keeps serving and fetches what it needs again', async () => {
    const s = await deployed();
    const mirror = mirrorDir(s);
    rmSync(join(mirror, 'objects'), { recursive: true, force: true });
    writeFileSync(join(mirror, 'HEAD'), 'garbage\n');
    await recovers(s, pushExtra(s, 'pushed while the cache is broken'));
  });

  it('corrupted local mirror (objects replaced by a file): rebuilt from the remote, no outage', async () => {
    const s = await deployed();
    const mirror = mirrorDir(s);
    rmSync(join(mirror, 'objects'), { recursive: true, force: true });
    writeFileSync(join(mirror, 'objects'), 'not a directory\n');
    const st = await recovers(s, pushExtra(s, 'pushed while the cache is broken'));
    expect(statSync(join(mirror, 'objects')).isDirectory()).toBe(true);
    expect(st.history.map((h) => h.result)).toEqual(['succeeded', 'succeeded']);
  });

  it('a mirror that cannot be rebuilt (a file where the mirrors live) is reported and retried; fixing it recovers', async () => {
    const s = await deployed();
    const mirrors = join(s.w.stateDir, 'git');
    rmSync(mirrors, { recursive: true, force: true });
    writeFileSync(mirrors, 'a file where the mirrors were\n');
    const head = pushExtra(s, 'pushed while the cache is unusable');
    await reportsError(
      s,
      /^repository http:\/\/127\.0\.0\.1:\d+\/specs\.git: git failed: ENOTDIR: not a directory, mkdir '.*\/state\/git\/127\.0\.0\.1-\d+-specs\.git-[0-9a-f]+'$/,
    );
    rmSync(mirrors);
    await recovers(s, head);
  });
});
