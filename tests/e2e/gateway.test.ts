// The real daemon's /mcp/<name>: one address across a blue-green rollout and an automatic revert,
// while MCP clients keep calling tools through it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RPC_CODES } from '../../src/gateway/index.js';
import { startLoop, type CallRecord } from '../gateway/call-loops.js';
import { RUNTIMES } from './helpers/runtimes.js';
import { freePort } from './helpers/procs.js';
import { delayedHttp, everythingStdio, hang, type Spec } from './helpers/servers.js';
import { waitFor } from './helpers/wait-for.js';
import { World } from './helpers/world.js';

const DRAIN_SECONDS = 3;

const tagged = (tag: string, o = {}): Spec => everythingStdio({ version: tag, env: { INSTANCE_TAG: tag }, ...o });

/** server-everything as `tag` over stdio, or over streamable HTTP on a port of its own (blue-green needs two). */
async function versions(transport: 'stdio' | 'streamable-http'): Promise<(tag: string) => Spec> {
  if (transport === 'stdio') return (tag) => tagged(tag);
  const ports = new Map<string, number>();
  for (const tag of ['v1', 'v2', 'v3']) ports.set(tag, await freePort());
  return (tag) => {
    const port = ports.get(tag)!;
    return delayedHttp(port, 0, { version: tag, env: { PORT: String(port), DELAY_MS: '0', INSTANCE_TAG: tag } });
  };
}

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('gateway on the %s runtime', (_name, rt) => {
  let w: World;
  beforeEach(() => {
    w = new World(rt);
  });
  afterEach(async () => {
    await w.cleanup();
  });
  it.each(['stdio', 'streamable-http'] as const)(
    '%s: clients calling through /mcp/<name> across a blue-green rollout and a revert: new sessions never fail, draining ones end cleanly',
    async (transport) => {
      const version = await versions(transport);
      const v1 = w.repo.commit({ ...w.server('everything', version('v1')), ...w.server('dependent', tagged('d1', { dependsOn: ['everything'] })) });
      const d = await w.start({ env: { MCP_GITOPS_DRAIN_TIMEOUT: String(DRAIN_SECONDS) } });
      const st = await w.converged(d, v1, ['dependent', 'everything']);
      const url = st.servers.find((s) => s.name === 'everything')!.endpoint!;
      expect(url).toBe(`${d.url}/mcp/everything`);
      const open = async (name: string): Promise<Client> => {
        const c = new Client({ name, version: '1' });
        await c.connect(new StreamableHTTPClientTransport(new URL(url)));
        return c;
      };
      const fresh = startLoop(open, 'fresh', 'fresh');
      const sticky = startLoop(open, 'sticky', 'sticky');
      const seen = (loop: CallRecord[], tag: string, after = 0): Promise<unknown> =>
        waitFor(() => loop.some((r) => r.ok && r.tag === tag && r.at > after) || undefined, { what: `a call answered by ${tag}`, timeoutMs: 20_000 });
      await seen(fresh.records, 'v1');

      // blue-green: v2 serves new sessions once its gate passed
      const v2 = w.repo.commit(w.server('everything', version('v2')));
      await w.converged(d, v2, ['dependent', 'everything']);
      const v2At = Date.now();
      await seen(fresh.records, 'v2', v2At);

      // v3 passes its gate (and takes new sessions), its dependent hangs past its timeout: both go back to v2 / d1
      const v3 = w.repo.commit({ ...w.server('everything', version('v3')), ...w.server('dependent', hang({ dependsOn: ['everything'], timeoutSeconds: 2 })) });
      const reverted = await d.until('v3 reverted', (s) => s.history[0]?.commit === v3 && s.history[0]?.result === 'reverted', 30_000);
      expect(reverted.revision.applied).toBe(v2);
      const revertedAt = Date.now();
      await seen(fresh.records, 'v2', revertedAt);
      await seen(sticky.records, 'v2', revertedAt);
      await fresh.stop();
      await sticky.stop();

      const all = [...fresh.records, ...sticky.records];
      // a fresh session (initialize, a few calls, close) never fails, whatever cut-over happens meanwhile
      expect(fresh.records.filter((r) => !r.ok)).toEqual([]);
      expect(fresh.records.length).toBeGreaterThan(20);
      // a sticky session on a replaced instance goes on, or ends with a clean JSON-RPC error, and a new
      // session then works
      const stickyFailures = sticky.records.filter((x) => !x.ok);
      // in flight when the drain timeout passed: DRAINED; the next request after it: 404 "session ended"
      // (-32001, the code on which MCP clients re-initialize), naming the drain either way
      for (const r of stickyFailures) {
        expect([RPC_CODES.DRAINED, RPC_CODES.SESSION_ENDED], JSON.stringify(r)).toContain(r.code);
        expect(r.error).toMatch(/retired/);
      }
      // its v1 session was drained after the v2 cut-over, within the drain timeout (plus slack)
      const drained = stickyFailures.find((r) => r.session === 1);
      expect(drained, JSON.stringify(sticky.records.slice(0, 3))).toBeDefined();
      expect(drained!.at).toBeLessThan(v2At + DRAIN_SECONDS * 1000 + 3000);
      expect(sticky.records.filter((r) => r.session === 1).every((r) => !r.ok || r.tag === 'v1')).toBe(true);
      // after v2 took over, new sessions never reach v1 again; after the revert, never v3
      expect(fresh.records.filter((r) => r.at > v2At + 1000 && r.tag === 'v1')).toEqual([]);
      expect(fresh.records.filter((r) => r.at > revertedAt + 1000 && r.tag === 'v3')).toEqual([]);
      expect(all.some((r) => r.tag === 'v3')).toBe(true); // v3 did serve while it was active
      await w.noOrphans(['dependent', 'everything']);
    },
    90_000,
  );
});
