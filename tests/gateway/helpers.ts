// A real process runtime, a real listening app (buildApp, with its raw-Buffer JSON parser) with the
// gateway mounted, server-everything instances, and SDK clients that talk to /mcp/<name>.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { createGateway, registerGateway, type GatewayCore, type GatewayOptions } from '../../src/gateway/index.js';
import { buildApp } from '../../src/http/app.js';
import type { ProcessRuntime } from '../../src/runtimes/process/index.js';
import type { Instance } from '../../src/runtimes/runtime.js';
import type { RenderedServer } from '../../src/spec/desired.js';
import { createHarness, type Harness } from '../runtimes/process/helpers/harness.js';
import { everything } from '../runtimes/process/helpers/servers.js';
import { freePort } from '../runtimes/process/helpers/system.js';

export type Mode = 'stdio' | 'streamableHttp' | 'sse';

export interface World {
  h: Harness;
  rt: ProcessRuntime;
  app: FastifyInstance;
  gateway: GatewayCore;
  registry: Registry;
  base: string;
  url(server: string): URL;
  /** Starts server-everything; `tag` comes back from the get-env tool as INSTANCE_TAG. */
  start(name: string, mode: Mode, tag?: string): Promise<Instance>;
  /** Starts an instance and makes it the active one. */
  serve(name: string, mode: Mode, tag?: string): Promise<Instance>;
  client(server: string, o?: { token?: string; name?: string }): Promise<Client>;
  close(): Promise<void>;
}

export async function createWorld(opts: Omit<Partial<GatewayOptions>, 'runtime' | 'registry'> = {}): Promise<World> {
  const h = await createHarness();
  const rt = h.runtime();
  const registry = new Registry();
  const gateway = createGateway({ runtime: rt, registry, ...opts });
  const app = buildApp({
    status: () => {
      throw new Error('not used');
    },
    ready: () => true,
    requestSync: () => 1,
  });
  registerGateway(app, gateway);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  const clients: Client[] = [];
  const world: World = {
    h,
    rt,
    app,
    gateway,
    registry,
    base,
    url: (server) => new URL(`${base}/mcp/${server}`),
    async start(name, mode, tag = name) {
      const port = mode === 'stdio' ? undefined : await freePort();
      const s = everything(name, mode, port);
      const spec = { ...s.spec, env: { ...s.spec.env, INSTANCE_TAG: tag } };
      const server: RenderedServer = { ...s, spec, masked: spec, specHash: `${s.specHash.slice(0, 8)}${tag}` };
      const inst = await rt.start(server, h.ctx);
      if (mode !== 'stdio') await waitForHttp(inst);
      return inst;
    },
    async serve(name, mode, tag) {
      const inst = await world.start(name, mode, tag);
      gateway.setActive(name, inst);
      return inst;
    },
    async client(server, o = {}) {
      const c = new Client({ name: o.name ?? 'gateway-test', version: '1' });
      const headers: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};
      await c.connect(new StreamableHTTPClientTransport(world.url(server), { requestInit: { headers } }));
      clients.push(c);
      return c;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await app.close();
      await gateway.close();
      await h.cleanup();
    },
  };
  return world;
}

/** HTTP servers take a moment to listen after their process started. */
async function waitForHttp(inst: Instance): Promise<void> {
  if (inst.endpoint.kind !== 'http') return;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await fetch(inst.endpoint.url, { method: 'GET', signal: AbortSignal.timeout(1000) }).then((r) => r.body?.cancel());
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${inst.endpoint.url} did not answer within 10 s: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export function text(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('');
}

/** The INSTANCE_TAG of the instance that answered (server-everything's get-env tool). */
export async function tagOf(c: Client): Promise<string> {
  const env = JSON.parse(text(await c.callTool({ name: 'get-env', arguments: {} }))) as Record<string, string>;
  return env.INSTANCE_TAG ?? '?';
}

/** A raw JSON-RPC POST, for status codes and bodies the SDK client hides. */
export async function post(url: URL, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const raw = await res.text();
  let json: unknown = raw;
  try {
    json = JSON.parse(raw);
  } catch {
    // SSE or empty
  }
  return { status: res.status, headers: res.headers, json };
}

export const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

export { waitFor } from '../runtimes/process/helpers/system.js';
