// --write-back revert against the real daemon: an automatic revert pushes a revert commit to a local
// bare repository and to git http-backend with a token, the daemon then syncs that commit; a push the
// remote refuses is reported once, never retried, and changes nothing that runs.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Daemon, Status } from './helpers/daemon.js';
import { ServedRepo } from './helpers/served-repo.js';
import { everythingStdio, partial } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';
import type { World } from './helpers/world.js';

const GIT_TOKEN = 'write-back-e2e-git-token-51be0f';
const WRITE_BACK = ['--write-back', 'revert'];

/** Waits for the revert commit of `bad` to be pushed and synced: applied, last good, same instance. */
async function writtenBack(w: World, d: Daemon, bad: string, instanceId: string | null | undefined): Promise<{ st: Status; revert: string }> {
  const pushed = await d.until('a revert commit pushed', (s) => s.writeBack?.lastPush?.revertOf === bad || s.writeBack?.lastError !== null, 60_000);
  expect(pushed.writeBack?.lastError).toBeNull();
  const revert = pushed.writeBack!.lastPush!.commit;
  const st = await w.converged(d, revert, ['svc']);
  expect(st).toMatchObject({ phase: 'Synced', failedRevision: null, revision: { head: revert, applied: revert, lastGood: revert } });
  expect(st.history.slice(0, 2).map((h) => [h.commit, h.result])).toEqual([
    [revert, 'succeeded'],
    [bad, 'reverted'],
  ]);
  expect(st.servers[0]).toMatchObject({ version: '1', instanceId });
  return { st, revert };
}

describe('--write-back revert against the real daemon', () => {
  const scene = useWorld();

  it('pushes a revert commit to a local bare repository', { timeout: 120_000 }, async () => {
    const { w } = scene;
    const bare = join(w.dir, 'specs.git');
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    w.repo.git('clone', '-q', '--bare', w.repo.dir, bare);
    const d = await w.start({ repo: bare, args: WRITE_BACK });
    const first = await w.converged(d, good, ['svc']);

    const bad = w.repo.commit(w.server('svc', partial({ version: '2' })), 'svc 2');
    w.repo.git('push', '-q', bare, 'HEAD:refs/heads/main');
    const { revert } = await writtenBack(w, d, bad, first.servers[0].instanceId);

    const log = (fmt: string): string => w.repo.git('--git-dir', bare, 'log', '-1', `--format=${fmt}`, 'main');
    expect(log('%H %P')).toBe(`${revert} ${bad}`);
    expect(log('%an <%ae>')).toBe('mcp-gitops <mcp-gitops@localhost>');
    expect(log('%s')).toBe(`Revert ${bad.slice(0, 7)}: ToolMissing: svc: expectTools missing read_graph`);
    expect(log('%b')).toContain(`This reverts commit ${bad}.`);
    expect(w.repo.git('--git-dir', bare, 'rev-parse', 'main^{tree}')).toBe(w.repo.git('rev-parse', `${good}^{tree}`));
  });

  it('pushes a revert commit to git http-backend with MCP_GITOPS_GIT_TOKEN, which shows nowhere', { timeout: 120_000 }, async () => {
    const { w } = scene;
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    const served = scene.later(await ServedRepo.start(w.repo, join(w.dir, 'srv'), GIT_TOKEN), (s) => s.close());
    const d = await w.start({ repo: served.url, env: { MCP_GITOPS_GIT_TOKEN: GIT_TOKEN }, args: WRITE_BACK });
    const first = await w.converged(d, good, ['svc']);

    w.repo.commit(w.server('svc', partial({ version: '2' })));
    const bad = served.push();
    const { st, revert } = await writtenBack(w, d, bad, first.servers[0].instanceId);
    expect(w.repo.git('--git-dir', join(w.dir, 'srv', 'specs.git'), 'rev-parse', 'main')).toBe(revert);
    expect(st.writeBack).toMatchObject({ mode: 'revert', branch: 'main', lastError: null });
    expect(JSON.stringify(st) + JSON.stringify(d.logs) + d.stderr).not.toContain(GIT_TOKEN);
  });

  it('a push the remote refuses is reported once, not retried, and what runs stays', { timeout: 120_000 }, async () => {
    const { w } = scene;
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    const served = scene.later(await ServedRepo.start(w.repo, join(w.dir, 'srv'), GIT_TOKEN), (s) => s.close());
    const hook = join(w.dir, 'srv', 'specs.git', 'hooks', 'pre-receive');
    // pushes over HTTP (the daemon's: REMOTE_USER set) are refused; the test's own through the file system pass
    writeFileSync(hook, '#!/bin/sh\n[ -n "$REMOTE_USER" ] || exit 0\necho "main is protected: open a pull request" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const d = await w.start({ repo: served.url, env: { MCP_GITOPS_GIT_TOKEN: GIT_TOKEN }, args: WRITE_BACK });
    const first = await w.converged(d, good, ['svc']);

    w.repo.commit(w.server('svc', partial({ version: '2' })));
    const bad = served.push();
    let st = await d.until('the write-back error', (s) => s.writeBack?.lastError != null, 60_000);
    expect(st.writeBack?.lastError).toMatchObject({ revertOf: bad, code: 'PUSH_REJECTED' });
    expect(st.writeBack?.lastError?.message).toMatch(/^the remote refused the push to main: /);
    expect(st.writeBack?.lastPush).toBeNull();
    st = await d.checks(3);
    expect(st).toMatchObject({ phase: 'Failed', revision: { head: bad, applied: good, lastGood: good }, failedRevision: { commit: bad } });
    expect(st.servers[0]).toMatchObject({ version: '1', instanceId: first.servers[0].instanceId });
    expect(d.logs.filter((l) => l.msg.startsWith('write-back: not pushed'))).toHaveLength(1);
    expect(w.repo.git('--git-dir', join(w.dir, 'srv', 'specs.git'), 'rev-parse', 'main')).toBe(bad);
  });
});
