// /mcp/:name over HTTP: auth, then either an existing session (by Mcp-Session-Id) or a new one on
// the server's active instance for an initialize request; refusals are JSON-RPC error bodies.
import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authorized } from './auth.js';
import { initializeRequest, requestMethods, singleRequestId, type Body } from '../body.js';
import { describeError } from '../upstream/client-lifecycle.js';
import { GatewayError } from '../errors.js';
import type { GatewayCore } from '../gateway.js';
import type { DownstreamSession } from '../downstream/downstream-session.js';
import { traceSession } from '../../telemetry/gateway-spans.js';

export type McpRequest = FastifyRequest<{ Params: { name: string } }>;

/** `parse`: the body parsed once for the request (bodyOnce; its span may have asked first). */
export async function handleMcp(core: GatewayCore, req: McpRequest, reply: FastifyReply, parse: () => Body): Promise<void> {
  const server = req.params.name;
  let body: Body = { value: undefined, messages: [] };
  let session: DownstreamSession;
  let stop: ((failed?: 'rejected') => void) | undefined;
  try {
    if (!authorized(core.token, server, req.headers.authorization)) {
      throw new GatewayError('UNAUTHORIZED', 'Unauthorized: send Authorization: Bearer <MCP_GITOPS_GATEWAY_TOKEN>');
    }
    body = parse();
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId !== undefined) {
      session = core.find(sessionId, server);
    } else {
      const init = req.method === 'POST' ? initializeRequest(body) : undefined;
      if (!core.knows(server)) throw core.unknown(server);
      if (!init) throw new GatewayError('BAD_REQUEST', 'Bad Request: Mcp-Session-Id header is required (send initialize first)', server);
      stop = core.metrics.start(server, 'initialize');
      session = await core.open(server, init);
    }
  } catch (err) {
    const e = err instanceof GatewayError ? err : new GatewayError('UPSTREAM_UNAVAILABLE', describeError(err), server);
    if (stop) stop('rejected');
    else if (core.knows(server)) for (const m of requestMethods(body)) core.metrics.rejected(server, m);
    return refuse(reply, e, singleRequestId(body));
  }
  traceSession(session);
  reply.hijack();
  try {
    await session.handle(req.raw, reply.raw, body, Buffer.isBuffer(req.body) ? req.body : undefined);
    stop?.();
  } catch (err) {
    stop?.('rejected');
    writeRaw(reply.raw, new GatewayError('UPSTREAM_UNAVAILABLE', describeError(err), server), singleRequestId(body));
  }
  if (stop && !session.established) await session.close(new GatewayError('SESSION_ENDED', 'initialize was refused', server));
}

function refuse(reply: FastifyReply, e: GatewayError, id: string | number | null): FastifyReply {
  if (e.code === 'UNAUTHORIZED') void reply.header('www-authenticate', 'Bearer realm="mcp-gitops"');
  if (e.code === 'TOO_MANY_SESSIONS' || e.code === 'NOT_READY') void reply.header('retry-after', '5');
  return reply
    .code(e.status)
    .header('content-type', 'application/json')
    .send(JSON.stringify(e.body(id)));
}

function writeRaw(res: ServerResponse, e: GatewayError, id: string | number | null): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(e.status, { 'content-type': 'application/json' }).end(JSON.stringify(e.body(id)));
}

function header(req: McpRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
