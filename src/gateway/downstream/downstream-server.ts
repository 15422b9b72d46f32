// The SDK Server a downstream session talks to. It answers initialize and ping itself (with the
// upstream's serverInfo, capabilities and instructions) and forwards every other request to the
// session's upstream through `fallbackRequestHandler`: the client's JSON-RPC ids stay in this
// session, progress tokens are mapped back, and a client's cancellation cancels upstream.
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { JSONRPCRequest, Result } from '@modelcontextprotocol/sdk/types.js';
import { traceMeta } from '../../telemetry/propagate.js';
import { linkAbort } from './linked-abort.js';
import type { GatewayMetrics } from '../metrics.js';
import { passthroughValidator } from '../upstream/passthrough-validator.js';
import { refusalError } from '../tools/refusal.js';
import type { SessionTools } from '../tools/tool-guard.js';
import { errorReason, ForwardedError, toForwarded } from '../upstream/rpc-error.js';
import type { Upstream } from '../upstream/upstream.js';

export interface DownstreamOptions {
  server: string;
  upstream: Upstream;
  metrics: GatewayMetrics;
  requestTimeoutMs: number;
  /** Aborted when the session is drained or closed: in-flight requests fail with its reason. */
  session: AbortSignal;
  /** Any request from the client (keeps the session from going idle). */
  onRequest: () => void;
  /** The instance's tool filter and pin: tools/list results filtered, refused tools/call answered here. */
  tools?: SessionTools;
}

export function createDownstreamServer(o: DownstreamOptions): Server {
  const { info } = o.upstream;
  const server = new Server(info.serverInfo, {
    capabilities: info.capabilities,
    jsonSchemaValidator: passthroughValidator,
    ...(info.instructions !== undefined && { instructions: info.instructions }),
  });
  // the Server would keep a logging level for itself; the upstream is who logs
  server.removeRequestHandler('logging/setLevel');
  server.fallbackRequestHandler = (req, extra) => forward(o, req, extra.signal, (n) => extra.sendNotification(n));
  server.fallbackNotificationHandler = (n) => o.upstream.notify(n).catch(() => undefined);
  return server;
}

type SendProgress = (n: {
  method: 'notifications/progress';
  params: { progressToken: string | number; progress: number; total?: number; message?: string };
}) => Promise<void>;

async function forward(o: DownstreamOptions, req: JSONRPCRequest, clientSignal: AbortSignal, sendProgress: SendProgress): Promise<Result> {
  o.onRequest();
  const done = o.metrics.start(o.server, req.method);
  const tools = o.tools?.active ? o.tools : undefined;
  if (tools && req.method === 'tools/call') {
    const why = tools.callRefusal(typeof req.params?.name === 'string' ? req.params.name : '');
    if (why) {
      done('rejected');
      const e = refusalError(why, o.server);
      throw new ForwardedError(e.code, e.message, e.data);
    }
  }
  const link = linkAbort([clientSignal, o.session]);
  const token = req.params?._meta?.progressToken;
  // progress goes out on this request's stream, so it must be written before the result closes it
  const sending: Promise<void>[] = [];
  try {
    const result = await o.upstream.request(
      { method: req.method, params: traceMeta(req.params) },
      {
        signal: link.signal,
        timeout: o.requestTimeoutMs,
        resetTimeoutOnProgress: true,
        ...(token !== undefined && {
          onprogress: (p) =>
            void sending.push(sendProgress({ method: 'notifications/progress', params: { ...p, progressToken: token } }).catch(() => undefined)),
        }),
      },
    );
    await Promise.all(sending);
    done(req.method === 'tools/call' && result.isError === true ? 'tool' : undefined);
    return tools && req.method === 'tools/list' ? tools.listResult(result, req.params?.cursor) : result;
  } catch (err) {
    done(errorReason(err));
    throw toForwarded(err, o.server);
  } finally {
    link.dispose();
  }
}
