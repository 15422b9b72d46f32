// HTTP upstreams (streamable-http, sse): the server multiplexes sessions itself, so each downstream
// session gets its own upstream session, initialized with the downstream client's own clientInfo and
// capabilities. Everything passes both ways: notifications, and server-to-client requests
// (sampling, elicitation, roots) go to the one session they belong to.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { passthroughValidator } from './passthrough-validator.js';
import { closeClient, connectClient } from './client-lifecycle.js';
import type { OpenOptions, Upstream, UpstreamSource } from './upstream.js';

export interface DedicatedSourceOptions {
  server: string;
  connect: () => Promise<Transport>;
  connectTimeoutMs: number;
}

export function dedicatedSource(o: DedicatedSourceOptions): UpstreamSource {
  const clients = new Set<Client>();
  return {
    shared: false,
    async open({ clientInfo, capabilities, peer }: OpenOptions): Promise<Upstream> {
      const client = new Client(clientInfo, { capabilities, jsonSchemaValidator: passthroughValidator });
      let released = false;
      client.fallbackNotificationHandler = (n) => {
        peer.notify(n);
        return Promise.resolve();
      };
      client.fallbackRequestHandler = (req, extra) => peer.request({ method: req.method, params: req.params }, extra.signal);
      client.onclose = () => {
        clients.delete(client);
        if (!released) peer.lost(`the upstream session of server ${o.server} closed`);
      };
      await connectClient(client, o.connect, o.connectTimeoutMs, o.server);
      clients.add(client);
      return {
        info: {
          serverInfo: client.getServerVersion() ?? { name: o.server, version: 'unknown' },
          capabilities: client.getServerCapabilities() ?? {},
          ...(client.getInstructions() !== undefined && { instructions: client.getInstructions() }),
        },
        request: (r, options) => client.request(r, ResultSchema, options),
        notify: (n) => client.notification(n),
        async release() {
          released = true;
          clients.delete(client);
          await closeClient(client);
        },
      };
    },
    async close() {
      await Promise.all([...clients].map((c) => closeClient(c)));
    },
  };
}
