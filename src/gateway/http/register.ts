// Mounts /mcp/:name on a fastify app, in its own plugin context: the body reaches us as raw bytes
// whatever JSON parser the app registered, and the MCP transport writes the response itself.
import type { FastifyInstance } from 'fastify';
import { hostGuard } from '../../hosts/host-check.js';
import { traced } from '../../telemetry/gateway-spans.js';
import { bodyOnce } from '../body.js';
import type { GatewayCore } from '../gateway.js';
import { handleMcp, type McpRequest } from './http-handler.js';

export const GATEWAY_ROUTE = '/mcp/:name';

/** The path of a server's gateway endpoint (for /status `endpoint`). */
export function gatewayPath(server: string): string {
  return `/mcp/${encodeURIComponent(server)}`;
}

export function registerGateway(app: FastifyInstance, core: GatewayCore): void {
  void app.register((scope, _opts, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: core.limits.bodyLimit }, (_req, body, next) => next(null, body));
    scope.route<{ Params: { name: string } }>({
      method: ['GET', 'POST', 'DELETE'],
      url: GATEWAY_ROUTE,
      bodyLimit: core.limits.bodyLimit,
      onRequest: hostGuard(core.hosts),
      handler: (req: McpRequest, reply) => {
        const body = bodyOnce(req.body);
        return traced(
          req,
          reply.raw,
          req.params.name,
          () => body().messages,
          () => handleMcp(core, req, reply, body),
        );
      },
    });
    done();
  });
  // open SSE streams would otherwise keep app.close() waiting
  app.addHook('preClose', () => core.close());
}
