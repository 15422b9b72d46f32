// `mcp-gitops status` and `history` against the real daemon running real server-everything: the
// table, -o json|yaml, exit codes, and --wait-synced after a deployment, a revert and a timeout.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DaemonStatus } from '../../src/cli/daemon-client.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { freePort } from '../runtimes/process/helpers/system.js';
import { useWorld } from '../e2e/helpers/use-world.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { bin, cli, sink } from './helpers/run-cli.js';

const short = (sha: string): string => sha.slice(0, 7);

describe('mcp-gitops status / history against a running daemon', () => {
  const scene = useWorld();

  it('--wait-synced exits 0 after a deployment and 1 after a revert; the table and -o json|yaml show what /status says', { timeout: 240_000 }, async () => {
    const { w } = scene;
    const good = w.repo.commit(w.server('svc', everythingStdio()), 'first');
    const d = await w.start();
    const server = ['--server', d.url];

    // the bin, as a pipeline runs it: waits through Pending/Progressing, then exits 0
    const synced = await bin(['status', ...server, '--wait-synced', '--timeout', '90']);
    expect(synced.code, synced.err).toBe(0);
    expect(synced.out).toMatch(/^Phase: +Synced$/m);
    expect(synced.out).toMatch(new RegExp(`^Head: +${short(good)}$`, 'm'));
    expect(synced.out).toMatch(new RegExp(`^Last good: +${short(good)}$`, 'm'));
    expect(synced.out).toMatch(new RegExp(`^svc +1 +${short(good)} +Running +Healthy +\\S+ +1/1 +0 +${d.url}/mcp/svc`, 'm'));

    const plain = await cli(['status', ...server]);
    expect(plain).toMatchObject({ code: 0, err: '' });
    expect(plain.out).toMatch(/^NAME +VERSION +COMMIT +PHASE +HEALTH +REASON +READY +RESTARTS +ENDPOINT +MESSAGE$/m);
    const json = JSON.parse((await cli(['status', ...server, '-o', 'json'])).out) as DaemonStatus;
    const live = await d.status();
    expect(json.revision).toEqual(live.revision);
    expect(json.servers.map((s) => [s.name, s.version, s.phase, s.health, s.endpoint])).toEqual(
      live.servers.map((s) => [s.name, s.version, s.phase, s.health, s.endpoint]),
    );
    const yaml = parse((await cli(['status', ...server, '-o', 'yaml'])).out) as DaemonStatus;
    expect(yaml).toMatchObject({ phase: 'Synced', revision: { head: good, applied: good, lastGood: good } });

    // a commit whose server fails its gate (a tool server-everything lacks): reverted, and the wait says so
    const bad = w.repo.commit(w.server('svc', everythingStdio({ version: '2', expectTools: ['echo', 'no_such_tool'] })), 'second');
    const failed = await bin(['status', ...server, '--wait-synced', '--revision', short(bad), '--timeout', '90']);
    expect(failed.code, failed.out + failed.err).toBe(1);
    expect(failed.err).toMatch(new RegExp(`^mcp-gitops status: ${short(bad)} failed: .*no_such_tool`, 'm'));

    // once the head is the failed commit, a wait for "the head" fails at once too, and plain status exits 1
    await d.until('the revert to finish', (s) => s.phase === 'Failed' && s.revision.head === bad && s.history[0]?.commit === bad);
    const head = await cli(['status', ...server, '--wait-synced', '--timeout', '30']);
    expect(head.code, head.err).toBe(1);
    expect(head.err).toContain('no_such_tool');
    const now = await cli(['status', ...server]);
    expect(now.code).toBe(1);
    expect(now.out).toMatch(/^Phase: +Failed$/m);
    expect(now.out).toMatch(new RegExp(`^Failed: +${short(bad)} at \\S+: .*no_such_tool`, 'm'));
    expect(now.out).toMatch(new RegExp(`^Applied: +${short(good)}$`, 'm'));

    // a commit that never comes: exit 3 when the time is up, saying what it waited for
    const never = await cli(['status', ...server, '--wait-synced', '--revision', 'abcdef1', '--timeout', '1']);
    expect(never.code).toBe(3);
    expect(never.err).toMatch(/timed out after 1s waiting for abcdef1 to be synced: the branch head is [0-9a-f]{7}, not abcdef1/);

    // history: newest first, one row per sync
    const hist = await cli(['history', ...server]);
    expect(hist.code).toBe(0);
    const rows = hist.out.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ID +COMMIT +RESULT +REASON +STARTED +DURATION +AUTHOR +MESSAGE$/);
    expect(rows.slice(1).map((r) => r.split(/ +/).slice(1, 3))).toEqual([
      [short(bad), 'reverted'],
      [short(good), 'succeeded'],
    ]);
    expect(rows[2]).toMatch(/ \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +(\d+ms|\d+\.\ds|\d+m\d\ds) +E2E /);
    const newest = JSON.parse((await cli(['history', ...server, '--limit', '1', '-o', 'json'])).out) as DaemonStatus['history'];
    expect(newest).toHaveLength(1);
    expect(newest[0]).toMatchObject({ commit: bad, result: 'reverted' });
    expect(parse((await cli(['history', ...server, '-o', 'yaml'])).out)).toEqual((await d.status()).history);

    // the daemon goes away during a wait: it keeps trying (a restart is no failure) until the time is up
    const progress = sink();
    const waiting = cli(['status', ...server, '--wait-synced', '--revision', 'abcdef1', '--timeout', '8'], {}, progress);
    await waitFor(() => progress.text().includes('waiting: the branch head is'), { what: 'the wait to start' });
    await d.kill();
    const lost = await waiting;
    expect(lost.code, lost.err).toBe(3);
    expect(lost.err).toMatch(/^waiting: cannot reach the mcp-gitops daemon at .*ECONNREFUSED/m);
    expect(lost.err).toMatch(/timed out after 8s waiting for abcdef1 to be synced/);
  });

  it('sync says why a daemon without an API token refuses it', { timeout: 60_000 }, async () => {
    const { w } = scene;
    w.repo.commit({ 'README.md': 'no servers\n' });
    const d = await w.start();
    const server = ['--server', d.url];
    // this daemon has no API token: /sync refuses with 403, and the CLI says why (exit 2)
    const refused = await cli(['sync', ...server], { MCP_GITOPS_API_TOKEN: 'some-token-value' });
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/403.*MCP_GITOPS_API_TOKEN is not set/);
    expect(refused.err).not.toContain('some-token-value');
  });

  it('usage errors and an unreachable daemon exit 2 with what to fix', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const gone = await cli(['status', '--server', closed]);
    expect(gone.code).toBe(2);
    expect(gone.err).toBe(
      `mcp-gitops status: cannot reach the mcp-gitops daemon at ${closed} (ECONNREFUSED): give its address with --server or MCP_GITOPS_SERVER\n`,
    );
    const viaEnv = await cli(['history'], { MCP_GITOPS_SERVER: closed });
    expect(viaEnv.code).toBe(2);
    expect(viaEnv.err).toContain(`at ${closed} (ECONNREFUSED)`);
    expect((await cli(['status', '--server', 'ftp://127.0.0.1'])).err).toContain('--server must be an http(s) URL');
    expect((await cli(['status', '--timeout', '5'])).err).toContain('--revision and --timeout go with --wait-synced');
    expect((await cli(['status', '--wait-synced', '--timeout', '0'])).err).toContain('--timeout must be a positive number');
    expect((await cli(['status', '--wait-synced', '--revision', 'main'])).err).toContain('--revision must be a commit SHA');
    expect((await cli(['history', '--limit', 'x'])).code).toBe(2);
    const help = await cli(['status', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--server <value> +URL of the running daemon \(default http:\/\/127\.0\.0\.1:8080\) \[MCP_GITOPS_SERVER\]/);
    expect((await cli(['status', '-o', 'xml'])).code).toBe(2);
  });
});
