// Remote servers (spec.url) against the real daemon: a real server-everything on 127.0.0.1 behind a
// bearer-token proxy stands in for a vendor's hosted endpoint. It is gated and served through
// /mcp/<name>; a commit that moves the url cuts new sessions over without failing any; a wrong token
// is reverted with a reason that holds no token; a remote that goes away is reported and re-checked.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { startLoop, type CallRecord } from '../gateway/call-loops.js';
import { startRemote } from './helpers/remote.js';
import { SseStream } from './helpers/sse.js';
import { useWorld } from './helpers/use-world.js';
import { waitFor } from './helpers/wait-for.js';

const TOKEN = 'vendor-token-7f3a9c2e1b';
const WRONG = 'wrong-token-0d4e8b6a55';

const scene = useWorld();

function remoteDoc(url: string, secret: string, o: { version?: string; timeoutSeconds?: number } = {}): Record<string, string> {
  const doc = [
    'apiVersion: mcp-gitops/v1',
    'kind: MCPServer',
    'metadata:',
    '  name: vendor',
    'spec:',
    `  version: "${o.version ?? '1'}"`,
    `  url: ${url}`,
    '  headers:',
    `    Authorization: "Bearer {{ secrets.${secret} }}"`,
    '  health:',
    `    timeoutSeconds: ${o.timeoutSeconds ?? 15}`,
    '    expectTools: [echo, get-env]',
    '',
  ].join('\n');
  return { 'servers/vendor.yaml': doc };
}

function secretsDir(dir: string): string {
  const s = join(dir, 'secrets');
  mkdirSync(s, { recursive: true });
  writeFileSync(join(s, 'vendor_token'), `${TOKEN}\n`);
  writeFileSync(join(s, 'wrong_token'), `${WRONG}\n`);
  return s;
}

describe('remote servers (spec.url)', () => {
  it('a remote behind a bearer token is gated and served through /mcp/<name>; a url change cuts new sessions over without a failure', async () => {
    const w = scene.w;
    const a = scene.later(await startRemote({ token: TOKEN, tag: 'a', marker: w.marker }), (r) => r.close());
    const b = scene.later(await startRemote({ token: TOKEN, tag: 'b', marker: w.marker }), (r) => r.close());
    const v1 = w.repo.commit(remoteDoc(a.url, 'vendor_token'));
    const d = await w.start({ env: { MCP_GITOPS_SECRETS_DIR: secretsDir(w.dir), MCP_GITOPS_DRAIN_TIMEOUT: '3' } });
    const st = await w.converged(d, v1, ['vendor']);
    const url = st.servers[0].endpoint!;
    expect(url).toBe(`${d.url}/mcp/vendor`);
    expect(st.servers[0].tools).toEqual(expect.arrayContaining(['echo', 'get-env']));
    expect(a.seen).toEqual(new Set([`Bearer ${TOKEN}`])); // the header went upstream, rendered
    expect(w.pids().length).toBe(2); // the two test remotes: the daemon started nothing

    const open = async (name: string): Promise<Client> => {
      const c = new Client({ name, version: '1' });
      await c.connect(new StreamableHTTPClientTransport(new URL(url)));
      return c;
    };
    const fresh = startLoop(open, 'fresh', 'fresh');
    const seen = (loop: CallRecord[], tag: string, after = 0): Promise<unknown> =>
      waitFor(() => loop.some((r) => r.ok && r.tag === tag && r.at > after) || undefined, { what: `a call answered by remote ${tag}`, timeoutMs: 20_000 });
    await seen(fresh.records, 'a');

    const v2 = w.repo.commit(remoteDoc(b.url, 'vendor_token', { version: '2' }));
    await w.converged(d, v2, ['vendor']);
    const cutAt = Date.now();
    await seen(fresh.records, 'b', cutAt);
    await fresh.stop();
    expect(fresh.records.filter((r) => !r.ok)).toEqual([]);
    // once cut over, new sessions go to b only
    expect(fresh.records.filter((r) => r.at > cutAt + 1000 && r.tag !== 'b')).toEqual([]);

    const status = await d.status();
    const sse = await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' });
    await sse.until('the replay of the gate events', (events) => events.filter((e) => e.event === 'gate.passed').length >= 2);
    sse.close();
    const events = sse.raw;
    await d.stop();
    for (const [where, text] of Object.entries({ logs: JSON.stringify(d.logs), stderr: d.stderr, status: JSON.stringify(status), events }))
      expect(text.includes(TOKEN), `token in ${where}`).toBe(false);
    expect(JSON.stringify(status)).not.toContain('Bearer');
  });

  it('a commit with a wrong token is reverted; its reason holds no token', async () => {
    const w = scene.w;
    const a = scene.later(await startRemote({ token: TOKEN, tag: 'a', marker: w.marker }), (r) => r.close());
    const v1 = w.repo.commit(remoteDoc(a.url, 'vendor_token'));
    const d = await w.start({ env: { MCP_GITOPS_SECRETS_DIR: secretsDir(w.dir) } });
    await w.converged(d, v1, ['vendor']);
    const bad = w.repo.commit(remoteDoc(a.url, 'wrong_token', { version: '2', timeoutSeconds: 3 }));
    const st = await d.until('the wrong token reverted', (s) => s.history[0]?.commit === bad && s.history[0]?.result === 'reverted', 30_000);
    expect(st.revision.applied).toBe(v1);
    expect(a.refused).toBeGreaterThan(0);
    const reason = `${st.history[0].message ?? ''} ${st.failedRevision?.reason ?? ''}`;
    expect(reason).toContain('invalid_token'); // what the remote answered, without what was sent
    await w.converged(d, v1, ['vendor']);
    await d.stop();
    const state = readFileSync(join(w.stateDir, 'state.json'), 'utf8');
    for (const text of [reason, JSON.stringify(st), JSON.stringify(d.logs), d.stderr, state]) {
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(TOKEN);
    }
  });

  it('a remote that goes away is reported RemoteUnreachable and served again once it is back', async () => {
    const w = scene.w;
    const a = scene.later(await startRemote({ token: TOKEN, tag: 'a', marker: w.marker }), (r) => r.close());
    const v1 = w.repo.commit(remoteDoc(a.url, 'vendor_token', { timeoutSeconds: 2 }));
    const d = await w.start({ env: { MCP_GITOPS_SECRETS_DIR: secretsDir(w.dir) } });
    await w.converged(d, v1, ['vendor']);
    await a.stopServer();
    const down = await d.until('the remote reported unreachable', (s) => s.servers[0]?.reason === 'RemoteUnreachable', 30_000);
    expect(down.servers[0]).toMatchObject({ health: 'Unhealthy' });
    expect(down.servers[0].message).toContain('remote unreachable');
    await a.startServer();
    const back = await w.converged(d, v1, ['vendor']);
    expect(back.servers[0].restarts).toBeGreaterThan(0);
    expect(JSON.stringify(back)).not.toContain(TOKEN);
  });
});
