// The gateway's own look at an instance's tools: one upstream session of its own (on the shared
// stdio connection, or a session of an HTTP server), opened when the instance becomes active. It
// lists every tool once then (so a surface changed between the gate and the cut-over is seen, and
// the approved surface is known even without the gate's), and again each time the server sends
// notifications/tools/list_changed; a burst of those gives one more listing, not one each.
import { ErrorCode, McpError, type Notification } from '@modelcontextprotocol/sdk/types.js';
import type { ListedTool } from '../../tools/surface.js';
import type { GatewayLogger } from '../options.js';
import { describeError } from '../upstream/client-lifecycle.js';
import type { Upstream, UpstreamSource } from '../upstream/upstream.js';

const MAX_PAGES = 100;

export interface ToolWatchOptions {
  server: string;
  instanceId: string;
  source: UpstreamSource;
  requestTimeoutMs: number;
  logger: GatewayLogger;
  /** Each complete tools/list the watch fetched. */
  onList: (tools: ListedTool[]) => void;
}

export class ToolWatch {
  private upstream: Promise<Upstream | undefined> | undefined;
  private listing: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly o: ToolWatchOptions) {}

  /** Opens the watch's session and lists the tools once. */
  start(): Promise<void> {
    this.upstream ??= this.open();
    return this.relist();
  }

  /** Lists again (coalesced: while one listing runs, at most one more follows it). */
  relist(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.listing) {
      this.again = true;
      return this.listing;
    }
    this.listing = (async () => {
      do {
        this.again = false;
        await this.listOnce();
      } while (this.again && !this.closed);
    })().finally(() => (this.listing = undefined));
    return this.listing;
  }

  async close(): Promise<void> {
    this.closed = true;
    const up = await this.upstream?.catch(() => undefined);
    await up?.release().catch(() => undefined);
  }

  private async open(): Promise<Upstream | undefined> {
    try {
      return await this.o.source.open({
        clientInfo: { name: 'mcp-gitops-tool-watch', version: '1' },
        capabilities: {},
        peer: {
          notify: (n: Notification) => {
            if (n.method === 'notifications/tools/list_changed') void this.relist();
          },
          request: (r) => Promise.reject(new McpError(ErrorCode.MethodNotFound, `${r.method} is not answered by the gateway's tool watch`)),
          lost: () => undefined,
        },
      });
    } catch (err) {
      this.o.logger.warn({ server: this.o.server, instanceId: this.o.instanceId, err: describeError(err) }, 'tools: could not open the tool watch');
      return undefined;
    }
  }

  private async listOnce(): Promise<void> {
    const up = await this.upstream;
    if (!up || this.closed) return;
    try {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page++) {
        const r = (await up.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } }, { timeout: this.o.requestTimeoutMs })) as {
          tools?: ListedTool[];
          nextCursor?: string;
        };
        tools.push(...(r.tools ?? []));
        cursor = r.nextCursor;
        if (cursor === undefined) break;
      }
      if (cursor !== undefined) throw new Error(`tools/list still had more pages after ${MAX_PAGES}`);
      if (!this.closed) this.o.onList(tools);
    } catch (err) {
      if (!this.closed)
        this.o.logger.warn({ server: this.o.server, instanceId: this.o.instanceId, err: describeError(err) }, 'tools: listing the tools failed');
    }
  }
}
