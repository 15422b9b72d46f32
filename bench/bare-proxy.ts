// The floor of any HTTP pass-through gateway in node: a node:http server that forwards each request
// to the upstream over a keep-alive agent (http.request) and pipes the answer back, bytes and
// headers unchanged but for the hop-by-hop ones. No MCP logic: no routing, no body parse, no
// session map, no metrics. Run on the gateway's own thread, so the same clients judge both alike.
import { once } from 'node:events';
import { Agent, createServer, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

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

export async function startBareProxy(upstream: string): Promise<BareProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((req, res) => {
    const up = request({ host: target.hostname, port: target.port, path: target.pathname, method: req.method, headers: pass(req.headers), agent });
    up.on('response', (ur) => {
      res.writeHead(ur.statusCode ?? 502, pass(ur.headers));
      ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    res.on('close', () => res.writableFinished || up.destroy()); // the client went away (an SSE GET stream): so does its upstream request
    req.pipe(up);
  });
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
