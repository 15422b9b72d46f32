// `mcp-gitops sync` against the real daemon: the API token from MCP_GITOPS_API_TOKEN (never printed),
// the queued id, and --force retrying a failed commit for real.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { useWorld } from '../e2e/helpers/use-world.js';
import { bin, cli } from './helpers/run-cli.js';

const TOKEN = 'cli-sync-token-5f1e0c2a9b';
const WRONG = 'wrong-token-77d3a1';

describe('mcp-gitops sync against a running daemon', () => {
  const scene = useWorld();

  it('needs the token, prints the queued id, and --force syncs a failed commit again', { timeout: 120_000 }, async () => {
    const { w } = scene;
    const bad = w.repo.commit(w.server('svc', everythingStdio({ expectTools: ['no_such_tool'] })));
    const d = await w.start({ env: { MCP_GITOPS_API_TOKEN: TOKEN } });
    const server = ['--server', d.url];
    await d.until(
      'the first commit to fail its gate',
      (s) => s.history.filter((h) => h.commit === bad && h.result === 'reverted').length === 1 && s.phase === 'Failed',
    );

    const none = await cli(['sync', ...server]);
    expect(none).toMatchObject({ code: 2, out: '' });
    expect(none.err).toBe("mcp-gitops sync: MCP_GITOPS_API_TOKEN is not set: POST /sync needs the daemon's API token\n");

    const wrong = await bin(['sync', ...server], { MCP_GITOPS_API_TOKEN: WRONG });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('refused the API token (401): set MCP_GITOPS_API_TOKEN to the token the daemon was started with');
    expect(wrong.out + wrong.err).not.toContain(WRONG);

    // a plain sync of the failed head does not retry it; --force does: a second reverted entry
    const plain = await bin(['sync', ...server], { MCP_GITOPS_API_TOKEN: TOKEN });
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).toMatch(/^sync \d+ queued\n$/);
    expect(plain.out + plain.err).not.toContain(TOKEN);
    await d.checks(2);
    expect((await d.status()).history.filter((h) => h.commit === bad)).toHaveLength(1);

    const forced = await cli(['sync', ...server, '--force', '-o', 'json'], { MCP_GITOPS_API_TOKEN: TOKEN });
    expect(forced.code, forced.err).toBe(0);
    const queued = JSON.parse(forced.out) as { queued: boolean; syncId: number; force: boolean };
    expect(queued).toMatchObject({ queued: true, force: true });
    await d.until('the forced retry to be reverted too', (s) => s.history.filter((h) => h.commit === bad && h.result === 'reverted').length === 2);
    expect((await d.status()).history[0].id).toBe(queued.syncId);

    const asYaml = await cli(['sync', ...server, '-o', 'yaml'], { MCP_GITOPS_API_TOKEN: TOKEN });
    expect(parse(asYaml.out)).toMatchObject({ queued: true, force: false });
  });
});
