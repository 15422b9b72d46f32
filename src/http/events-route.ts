// GET /events: reconciler events as Server-Sent Events, JSON per event, resumable with Last-Event-ID.
import type { FastifyInstance } from 'fastify';
import type { EventLog, LoggedEvent } from './event-log.js';

const KEEPALIVE_MS = 15_000;
/** A client that reads slower than events come is dropped past this much unsent output; it
 *  reconnects with Last-Event-ID and resumes from the buffer, as EventSource does by itself. */
export const MAX_UNSENT_BYTES = 1024 * 1024;

function frame(e: LoggedEvent): string {
  return `id: ${e.id}\nevent: ${e.event.type}\ndata: ${JSON.stringify({ id: e.id, at: e.at, ...e.event })}\n\n`;
}

export function registerEvents(app: FastifyInstance, log: EventLog): void {
  app.get('/events', (req, reply) => {
    const header = req.headers['last-event-id'];
    const query = (req.query as { lastEventId?: string }).lastEventId;
    const raw = (Array.isArray(header) ? header[0] : header) ?? query;
    const lastId = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': mcp-gitops events\n\n');
    // replay only when the client says where it was; a fresh client gets what happens from now on
    const send = (text: string): void => {
      if (res.writableLength <= MAX_UNSENT_BYTES) res.write(text);
      else res.destroy(); // 'close' follows: unsubscribed below
    };
    if (lastId !== undefined) for (const e of log.since(lastId)) send(frame(e));
    const unsubscribe = log.subscribe((e) => send(frame(e)));
    const keepalive = setInterval(() => send(': keepalive\n\n'), KEEPALIVE_MS);
    keepalive.unref();
    const close = (): void => {
      clearInterval(keepalive);
      unsubscribe();
    };
    res.on('close', close);
    req.raw.on('close', close);
    res.on('error', close);
  });
}
