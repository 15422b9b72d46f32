// Suspend and resume against the real daemon and the CLI: a commit is held back across a daemon
// restart and `resume` applies it; `serve --suspended` applies nothing until a resume.
import { describe, expect, it } from 'vitest';
import { cli } from '../cli/helpers/run-cli.js';
import { everythingStdio } from './helpers/servers.js';
import { useWorld } from './helpers/use-world.js';

const TOKEN = 'suspend-e2e-token-3c9d1f';
const env = { MCP_GITOPS_API_TOKEN: TOKEN };

async function suspendedGauge(url: string): Promise<string | undefined> {
  return /^mcp_gitops_suspended (\d)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1];
}

describe('suspend and resume against the real daemon', () => {
  const scene = useWorld();

  it('mcp-gitops suspend holds a new commit back across a restart; mcp-gitops resume applies it', { timeout: 120_000 }, async () => {
    const { w } = scene;
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    let d = await w.start({ env });
    await w.converged(d, good, ['svc']);
    const server = ['--server', d.url];

    const none = await cli(['suspend', ...server]);
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err).toBe("mcp-gitops suspend: MCP_GITOPS_API_TOKEN is not set: POST /suspend needs the daemon's API token\n");
    const sus = await cli(['suspend', ...server, '--reason', 'release freeze'], env);
    expect(sus.code, sus.err).toBe(0);
    expect(sus.out).toMatch(/^suspended by api at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ: release freeze\n$/);
    expect(await suspendedGauge(d.url)).toBe('1');

    const next = w.repo.commit(w.server('svc', everythingStdio({ version: '2' })));
    let st = await d.until('the new head seen while suspended', (s) => s.revision.head === next);
    st = await d.checks(2);
    expect(st).toMatchObject({ phase: 'Suspended', reason: 'Suspended', suspended: { by: 'api', reason: 'release freeze' } });
    expect(st.revision).toEqual({ head: next, applied: good, lastGood: good });
    expect(st.servers.map((s) => [s.name, s.version])).toEqual([['svc', '1']]);
    expect(st.history.map((h) => h.commit)).toEqual([good]);

    const sync = await cli(['sync', ...server], env);
    expect(sync).toMatchObject({ code: 2, out: '' });
    expect(sync.err).toContain('answered 409: the daemon is suspended: POST /resume (mcp-gitops resume) applies the head');
    const shown = await cli(['status', ...server]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^Phase: +Suspended$/m);
    expect(shown.out).toMatch(/^Suspended: +by api at .*: release freeze$/m);

    // a restart keeps the suspension: what was applied comes back, the head still waits
    expect(await d.stop()).toBe(0);
    d = await w.start({ env });
    st = await d.until('the applied commit running again after the restart', (s) => s.servers.length === 1 && s.servers[0].phase === 'Running');
    st = await d.checks(2);
    expect(st).toMatchObject({ phase: 'Suspended', suspended: { by: 'api', reason: 'release freeze' }, revision: { head: next, applied: good } });
    expect(st.servers[0]).toMatchObject({ version: '1', commit: good });

    const res = await cli(['resume', '--server', d.url, '-o', 'json'], env);
    expect(res.code, res.err).toBe(0);
    const resumed = JSON.parse(res.out) as { resumed: boolean; syncId: number };
    expect(resumed.resumed).toBe(true);
    st = await w.converged(d, next, ['svc']);
    expect(st).toMatchObject({ phase: 'Synced', suspended: null });
    expect(st.history[0]).toMatchObject({ id: resumed.syncId, commit: next, result: 'succeeded' });
    expect(st.servers[0].version).toBe('2');
    expect(await suspendedGauge(d.url)).toBe('0');
  });

  it('serve --suspended applies nothing until resumed', { timeout: 90_000 }, async () => {
    const { w } = scene;
    const first = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start({ env, args: ['--suspended'] });
    let st = await d.until('the head read', (s) => s.revision.head === first);
    st = await d.checks(2);
    expect(st).toMatchObject({ phase: 'Suspended', suspended: { by: 'cli flag', reason: null }, revision: { applied: null }, servers: [] });
    expect(w.pids()).toEqual([]);
    const res = await cli(['resume', '--server', d.url], env);
    expect(res.out).toMatch(/^resumed: sync \d+ queued\n$/);
    await w.converged(d, first, ['svc']);
  });
});
