// The floor of any HTTP pass-through gateway in node: a node:http server that forwards each request
// to the upstream over a keep-alive agent (http.request) and pipes the answer back, bytes and
// headers unchanged but for the hop-by-hop ones. No MCP logic: no body parse, no session map, no
// metrics. Run on the gateway's own thread, so the same clients judge both alike. The same
// forwarding behind the daemon's fastify app (buildApp, a /mcp/:name route set up as the gateway's)
// shows what the HTTP framework itself adds.
import { once } from 'node:events';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/http/app.js';

const HOP = new Set(['host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function pass(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const k in h) if (!HOP.has(k)) out[k] = h[k];
  return out;
}

export interface BareProxy {
  url: string;
  close(): Promise<void>;
}

/** Forwards one request (its body piped, or `body` when a framework read it already) and pipes the answer back. */
function forwarder(upstream: URL): { forward: (req: IncomingMessage, res: ServerResponse, body?: Buffer) => void; agent: Agent } {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const forward = (req: IncomingMessage, res: ServerResponse, body?: Buffer): void => {
    const up = request({ host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers: pass(req.headers), agent });
    up.on('response', (ur) => {
      res.writeHead(ur.statusCode ?? 502, pass(ur.headers));
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => res.writableFinished || up.destroy()); // the client went away (an SSE GET stream): so does its upstream request
    if (body) up.end(body);
    else req.pipe(up);
  };
  return { forward, agent };
}

export async function startBareProxy(upstream: string): Promise<BareProxy> {
  const target = new URL(upstream);
  const { forward, agent } = forwarder(target);
  const server = createServer((req, res) => forward(req, res));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${target.pathname}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      agent.destroy();
      await once(server, 'close');
    },
  };
}

/** The same forwarding as a route of the daemon's app: its server, hooks and raw-body parser, as registerGateway sets them up. */
export async function startFrameworkProxy(upstream: string): Promise<BareProxy> {
  const target = new URL(upstream);
  const { forward, agent } = forwarder(target);
  const app = buildApp({ status: () => ({}) as never, ready: () => true, requestSync: () => 1 });
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, next) => next(null, body));
    scope.route<{ Params: { name: string } }>({
      method: ['GET', 'POST', 'DELETE'],
      url: '/mcp/:name',
      handler: (req, reply) => {
        reply.hijack();
        forward(req.raw, reply.raw, Buffer.isBuffer(req.body) ? req.body : undefined);
      },
    });
    done();
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp/floor`,
    close: async () => {
      agent.destroy();
      await app.close();
    },
  };
}
