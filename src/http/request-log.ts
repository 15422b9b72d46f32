// Fastify's request log lines, rebuilt from plain values: the stock ones hand the logger the live
// request and reply objects (sockets, cycles), which the daemon's secret scrubbing must never walk.
// One line per finished request; probes and scrapes at debug (a 503 from /readyz is an answer, e.g. a
// follower replica, not a failure), other 5xx at error.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

const QUIET = new Set(['/healthz', '/readyz', '/metrics']);

const pathOf = (req: FastifyRequest): string => req.url.split('?')[0];
const plainReq = (req: FastifyRequest) => ({ method: req.method, url: pathOf(req), remoteAddress: req.ip });
const plainErr = (err: Error) => ({ message: err.message, code: (err as { code?: unknown }).code ?? null });

export class PlainLogController extends LogController {
  override incomingRequest(): void {
    // the completion line says it all
  }

  override requestCompleted(error: Error | null | undefined, req: FastifyRequest, reply: FastifyReply): void {
    const line = { req: plainReq(req), res: { statusCode: reply.statusCode }, responseTime: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, error: plainErr(error) }, 'request errored');
    else if (pathOf(req) === '/readyz') reply.log.debug(line, 'request completed');
    else if (reply.statusCode >= 500) reply.log.error(line, 'request completed');
    else if (QUIET.has(pathOf(req))) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }

  override defaultErrorLog(error: Error, req: FastifyRequest, reply: FastifyReply): void {
    if (reply.statusCode >= 500) reply.log.error({ req: plainReq(req), error: plainErr(error) }, 'request failed');
    else reply.log.debug({ req: plainReq(req), error: plainErr(error) }, error.message);
  }

  override streamError(error: Error, req: FastifyRequest, reply: FastifyReply): void {
    reply.log.info({ req: plainReq(req), error: plainErr(error) }, 'response stream ended early');
  }

  override writeHeadError(error: Error, req: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn({ req: plainReq(req), error: plainErr(error) }, 'could not write the error response');
  }
}
