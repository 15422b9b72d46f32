// spec.gateway.sessions: isolated through the real daemon, on each runtime: the rollout gates its
// own instance, each client session gets an instance of its own (16 tools, sampling relayed), a
// later sync neither keeps nor prunes those instances, /status counts the sessions, DELETE removes it.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUNTIMES } from '../e2e/helpers/runtimes.js';
import { everythingStdio } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';

/** One server document with spec.gateway.sessions: isolated (the e2e spec builder has no such field). */
function isolatedServer(w: World, name: string, version: string): Record<string, string> {
  const files = w.server(name, everythingStdio({ version }));
  const key = Object.keys(files)[0];
  return { [key]: files[key].replace('"health":', '"gateway":{"sessions":"isolated"},"health":') };
}

describe.each(RUNTIMES.map((rt) => [rt.name, rt] as const))('isolated sessions on the %s runtime', (_name, rt) => {
  let w: World;
  beforeEach(() => {
    w = new World(rt);
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it('an instance per client session, relayed sampling, untouched by a later sync, removed on DELETE', async () => {
    const v1 = w.repo.commit(isolatedServer(w, 'iso', 'v1'));
    const d = await w.start();
    const st = await w.converged(d, v1, ['iso']);
    const url = new URL(st.servers[0].endpoint!);
    const c = new Client({ name: 'alice', version: '1' }, { capabilities: { sampling: {} } });
    c.setRequestHandler(CreateMessageRequestSchema, () => ({ model: 'alice-model', role: 'assistant', content: { type: 'text', text: 'alice answers' } }));
    const transport = new StreamableHTTPClientTransport(url);
    await c.connect(transport);
    try {
      // 13 + trigger-sampling-request: the instance saw this client's capabilities (sampling only)
      expect((await c.listTools()).tools).toHaveLength(14);
      const sampled = JSON.stringify(await c.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 5 } }));
      expect(sampled).toContain('alice answers');
      await d.until('/status counts the session', (s) => s.servers[0]?.sessions === 1);

      // a sync that changes another server: the session's instance is not the rollout's to prune
      const v2 = w.repo.commit({ ...isolatedServer(w, 'iso', 'v1'), ...w.server('other', everythingStdio({ version: 'o1' })) });
      await w.converged(d, v2, ['iso', 'other']);
      expect(JSON.stringify(await c.callTool({ name: 'echo', arguments: { message: 'still mine' } }))).toContain('still mine');
      expect((await rt.instanceIds(w.stateDir, w.marker)).length).toBeGreaterThanOrEqual(3); // iso's gated one, the session's, other

      await transport.terminateSession();
      await d.until('/status counts no session', (s) => s.servers.find((x) => x.name === 'iso')?.sessions === 0);
      await rt.noOrphans(['iso', 'other'], w.stateDir, w.marker); // the session's instance is gone
    } finally {
      await c.close().catch(() => undefined);
    }
  });
});
