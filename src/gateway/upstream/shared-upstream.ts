// stdio upstreams: the process has one pair of pipes (the runtime attaches one connection at a
// time), so one SDK Client per instance serves every session. The Client numbers its own requests,
// so JSON-RPC ids of different sessions never meet; responses, progress and cancellation find their
// session through the Client's own bookkeeping. Notifications without a request go to every session
// (resource updates only to the sessions that subscribed). The server sees one client: the gateway.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError, ResultSchema, type Notification, type Request, type Result } from '@modelcontextprotocol/sdk/types.js';
import { passthroughValidator } from './passthrough-validator.js';
import { closeClient, connectClient, describeError } from './client-lifecycle.js';
import { GatewayError } from '../errors.js';
import type { GatewayLogger } from '../options.js';
import { SubscriptionCounts } from './subscriptions.js';
import type { OpenOptions, Upstream, UpstreamInfo, UpstreamPeer, UpstreamSource } from './upstream.js';

export interface SharedSourceOptions {
  server: string;
  instanceId: string;
  connect: () => Promise<Transport>;
  connectTimeoutMs: number;
  clientInfo: { name: string; version: string };
  logger: GatewayLogger;
}

const UNSUBSCRIBE_TIMEOUT_MS = 5000;

export function sharedSource(o: SharedSourceOptions): UpstreamSource {
  return new SharedUpstream(o);
}

class SharedUpstream implements UpstreamSource {
  readonly shared = true;
  private client: Promise<Client> | undefined;
  private current: Client | undefined;
  private closed = false;
  /** Each session with the URIs it subscribed. */
  private readonly peers = new Map<UpstreamPeer, Set<string>>();
  private readonly subs = new SubscriptionCounts();

  constructor(private readonly o: SharedSourceOptions) {}

  async open({ peer }: OpenOptions): Promise<Upstream> {
    const client = await this.ready();
    this.peers.set(peer, new Set());
    return {
      info: infoOf(client, this.o.server),
      request: (r, options) => this.request(peer, r, options),
      notify: () => Promise.resolve(), // initialized & co. were sent once by the shared client
      release: () => this.release(peer),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.current;
    this.current = undefined;
    this.client = undefined;
    this.peers.clear();
    if (c) await closeClient(c); // stdio: detaches from the pipes; the process is the runtime's
  }

  private ready(): Promise<Client> {
    if (this.closed)
      return Promise.reject(new GatewayError('INSTANCE_GONE', `instance ${this.o.instanceId} of server ${this.o.server} is gone`, this.o.server));
    this.client ??= this.connect().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private async connect(): Promise<Client> {
    const client = new Client(this.o.clientInfo, { capabilities: {}, jsonSchemaValidator: passthroughValidator });
    // it declared no sampling, elicitation or roots: a server that asks anyway learns why not
    client.fallbackRequestHandler = (req) =>
      Promise.reject(
        new McpError(
          ErrorCode.MethodNotFound,
          `${req.method} is not relayed: the gateway shares one connection to server ${this.o.server} between all client sessions; set spec.gateway.sessions: isolated to relay it`,
        ),
      );
    client.fallbackNotificationHandler = (n) => {
      this.broadcast(n);
      return Promise.resolve();
    };
    client.onclose = () => {
      if (this.current !== client) return;
      // the pipes were taken or the process went: connect again on the next request
      this.current = undefined;
      this.client = undefined;
      this.o.logger.warn({ server: this.o.server, instanceId: this.o.instanceId }, 'shared upstream connection closed; reconnecting on the next request');
    };
    await connectClient(client, this.o.connect, this.o.connectTimeoutMs, this.o.server);
    if (this.closed) {
      await closeClient(client);
      throw new GatewayError('INSTANCE_GONE', `instance ${this.o.instanceId} of server ${this.o.server} is gone`, this.o.server);
    }
    this.current = client;
    for (const uri of this.subs.uris()) {
      client
        .request({ method: 'resources/subscribe', params: { uri } }, ResultSchema)
        .catch((err: unknown) => this.o.logger.warn({ server: this.o.server, uri, err: describeError(err) }, 'could not renew a resource subscription'));
    }
    return client;
  }

  private async request(peer: UpstreamPeer, r: Request, options: RequestOptions): Promise<Result> {
    const mine = this.peers.get(peer);
    if (!mine) throw new GatewayError('SESSION_ENDED', 'the session has ended', this.o.server).toMcpError();
    const uri = typeof r.params?.uri === 'string' ? r.params.uri : undefined;
    if (r.method === 'resources/subscribe' && uri !== undefined) return this.subscribe(mine, uri, r, options);
    if (r.method === 'resources/unsubscribe' && uri !== undefined) return this.unsubscribe(mine, uri, r, options);
    return (await this.ready()).request(r, ResultSchema, options);
  }

  private async subscribe(mine: Set<string>, uri: string, r: Request, options: RequestOptions): Promise<Result> {
    if (mine.has(uri)) return {};
    if (this.subs.add(uri)) {
      try {
        await (await this.ready()).request(r, ResultSchema, options);
      } catch (err) {
        this.subs.remove(uri);
        throw err;
      }
    }
    mine.add(uri);
    return {};
  }

  private async unsubscribe(mine: Set<string>, uri: string, r: Request, options: RequestOptions): Promise<Result> {
    if (!mine.delete(uri)) return {};
    if (this.subs.remove(uri)) await (await this.ready()).request(r, ResultSchema, options);
    return {};
  }

  private broadcast(n: Notification): void {
    const uri = n.method === 'notifications/resources/updated' && typeof n.params?.uri === 'string' ? n.params.uri : undefined;
    for (const [peer, mine] of this.peers) {
      if (uri === undefined || mine.has(uri)) peer.notify(n);
    }
  }

  private async release(peer: UpstreamPeer): Promise<void> {
    const mine = this.peers.get(peer);
    this.peers.delete(peer);
    const client = this.current;
    for (const uri of mine ?? []) {
      if (!this.subs.remove(uri) || !client) continue;
      await client.request({ method: 'resources/unsubscribe', params: { uri } }, ResultSchema, { timeout: UNSUBSCRIBE_TIMEOUT_MS }).catch(() => undefined);
    }
  }
}

function infoOf(client: Client, server: string): UpstreamInfo {
  const instructions = client.getInstructions();
  // tasks live in the server per session; over a shared connection every session would see every task
  const { tasks: _tasks, ...capabilities } = client.getServerCapabilities() ?? {};
  return {
    serverInfo: client.getServerVersion() ?? { name: server, version: 'unknown' },
    capabilities,
    ...(instructions !== undefined && { instructions }),
  };
}
