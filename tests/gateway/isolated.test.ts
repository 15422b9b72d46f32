// spec.gateway.sessions: isolated — one stdio instance per client session, started on initialize
// with the client's own capabilities: server-everything shows the tools that need sampling,
// elicitation and roots, and their requests reach the client that caused them; two clients of a
// memory server do not see each other's entities; a session's end removes its instance.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RenderedServer } from '../../src/spec/desired.js';
import { everything, paths, rendered } from '../runtimes/process/helpers/servers.js';
import { createWorld, text, waitFor, type World } from './helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

function isolated(s: RenderedServer): RenderedServer {
  const spec = { ...s.spec, gateway: { sessions: 'isolated' as const } };
  return { ...s, spec, masked: spec };
}

/** Starts the probe instance (what the health gate checks) and routes new sessions as isolated ones. */
async function serveIsolated(world: World, server: RenderedServer): Promise<string> {
  const inst = await world.rt.start(server, world.h.ctx);
  world.gateway.setActive(server.spec.name, { id: inst.id, endpoint: inst.endpoint, server, ctx: world.h.ctx });
  return inst.id;
}

async function running(world: World, server: string): Promise<string[]> {
  return (await world.rt.observe()).filter((i) => i.labels.server === server && i.state === 'running').map((i) => i.id);
}

function capableClient(name: string): Client {
  const c = new Client({ name, version: '1' }, { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
  c.setRequestHandler(CreateMessageRequestSchema, (req) => ({
    model: `model-of-${name}`,
    role: 'assistant',
    content: { type: 'text', text: `${name} sampled: ${JSON.stringify(req.params.messages[0]?.content)}` },
  }));
  c.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { color: 'teal', number: 7 } }));
  c.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: `file:///roots/${name}`, name }] }));
  return c;
}

describe('gateway isolated sessions', () => {
  it('server-everything: 16 tools, sampling/elicitation/roots relayed to the client that asked; DELETE removes its instance', async () => {
    w = await createWorld();
    const probe = await serveIsolated(w, isolated(everything('iso', 'stdio')));
    const c = capableClient('alice');
    const transport = new StreamableHTTPClientTransport(w.url('iso'));
    await c.connect(transport);
    try {
      const tools = (await c.listTools()).tools.map((t) => t.name);
      expect(tools).toHaveLength(16);
      expect(tools).toEqual(expect.arrayContaining(['trigger-sampling-request', 'trigger-elicitation-request', 'get-roots-list']));
      const all = await w.rt.observe();
      expect(w.gateway.owns(all.find((i) => i.id === probe)!)).toBe(false);
      const mine = (await running(w, 'iso')).filter((id) => id !== probe);
      expect(mine).toHaveLength(1);
      expect(w.gateway.owns(all.find((i) => i.id === mine[0])!)).toBe(true);

      const sampled = text(await c.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 10 } }));
      expect(sampled).toContain('alice sampled');
      expect(sampled).toContain('model-of-alice');
      const elicited = text(await c.callTool({ name: 'trigger-elicitation-request', arguments: {} }));
      expect(elicited).toContain('teal');
      const roots = text(await c.callTool({ name: 'get-roots-list', arguments: {} }));
      expect(roots).toContain('file:///roots/alice');

      await transport.terminateSession(); // DELETE: the session's instance goes
      await waitFor('the session instance removed', async () => (await running(w!, 'iso')).length === 1, 15_000);
      expect(await running(w, 'iso')).toEqual([probe]);
    } finally {
      await c.close().catch(() => undefined);
    }
  });

  it('shared server-everything lists 13 tools (nothing to relay sampling, elicitation, roots to)', async () => {
    w = await createWorld();
    await w.serve('shared', 'stdio');
    const c = await w.client('shared');
    expect((await c.listTools()).tools).toHaveLength(13);
  });

  it("server-memory: two clients do not see each other's entities", async () => {
    w = await createWorld();
    const dir = mkdtempSync(join(tmpdir(), 'mcpg-iso-mem-'));
    // the memory server keeps its graph in a file: each instance names its own by its session id
    const memory = rendered({
      name: 'mem',
      command: '/bin/sh',
      args: ['-c', `MEMORY_FILE_PATH="${dir}/$MCP_GITOPS_SESSION_ID.jsonl" exec "${process.execPath}" "${paths.memory}"`],
    });
    await serveIsolated(w, isolated(memory));
    const a = await w.client('mem', { name: 'a' });
    const b = await w.client('mem', { name: 'b' });
    await a.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'alice-secret', entityType: 'note', observations: ['only a'] }] } });
    await b.callTool({ name: 'create_entities', arguments: { entities: [{ name: 'bob-secret', entityType: 'note', observations: ['only b'] }] } });
    const seenByA = JSON.stringify(await a.callTool({ name: 'read_graph', arguments: {} }));
    const seenByB = JSON.stringify(await b.callTool({ name: 'read_graph', arguments: {} }));
    expect(seenByA).toContain('alice-secret');
    expect(seenByA).not.toContain('bob-secret');
    expect(seenByB).toContain('bob-secret');
    expect(seenByB).not.toContain('alice-secret');
  });
});
