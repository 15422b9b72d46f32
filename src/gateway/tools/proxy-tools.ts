// Tool filtering on the pass-through path (streamable-HTTP instances): the gateway does not run an
// MCP stack there, so it reads the tools/* requests in a client's body before passing it on (a
// refused tools/call is answered here and never reaches the server) and rewrites the tools/list
// results in the answer as it streams back (a JSON body, or the events of a text/event-stream).
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { Result } from '@modelcontextprotocol/sdk/types.js';
import { refusalError } from './refusal.js';
import type { SessionTools } from './tool-guard.js';

type RpcId = string | number;

export interface ToolRequests {
  /** tools/list requests of the body, with their cursor (the answer to each is filtered). */
  lists: Map<RpcId, unknown>;
  /** JSON-RPC error responses for the tools/call requests refused, by id. */
  refused: Map<RpcId, object>;
}

function asRequest(m: unknown): { id: RpcId; method: string; params?: Record<string, unknown> } | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const r = m as Record<string, unknown>;
  if (typeof r.method !== 'string' || (typeof r.id !== 'string' && typeof r.id !== 'number')) return undefined;
  const params = typeof r.params === 'object' && r.params !== null ? (r.params as Record<string, unknown>) : undefined;
  return { id: r.id, method: r.method, ...(params && { params }) };
}

export function toolRequests(messages: unknown[], tools: SessionTools, server: string): ToolRequests {
  const lists = new Map<RpcId, unknown>();
  const refused = new Map<RpcId, object>();
  for (const m of messages) {
    const r = asRequest(m);
    if (r?.method === 'tools/list') lists.set(r.id, r.params?.cursor);
    if (r?.method === 'tools/call') {
      const name = typeof r.params?.name === 'string' ? r.params.name : '';
      const why = tools.callRefusal(name);
      if (why) refused.set(r.id, { jsonrpc: '2.0', id: r.id, error: refusalError(why, server) });
    }
  }
  return { lists, refused };
}

/** One JSON-RPC message with its tools/list result filtered, if it answers one of `lists`. */
function rewriteMessage(m: unknown, lists: Map<RpcId, unknown>, tools: SessionTools): unknown {
  if (typeof m !== 'object' || m === null) return m;
  const r = m as { id?: unknown; result?: unknown };
  if ((typeof r.id !== 'string' && typeof r.id !== 'number') || !lists.has(r.id) || typeof r.result !== 'object' || r.result === null) return m;
  return { ...r, result: tools.listResult(r.result as Result, lists.get(r.id)) };
}

function rewriteJson(text: string, lists: Map<RpcId, unknown>, tools: SessionTools): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text; // not JSON: nothing of ours in it
  }
  const out = Array.isArray(value) ? value.map((m) => rewriteMessage(m, lists, tools)) : rewriteMessage(value, lists, tools);
  return JSON.stringify(out);
}

/** One SSE event (its lines, without the blank line that ends it), with a tools/list result filtered. */
function rewriteEvent(lines: string[], lists: Map<RpcId, unknown>, tools: SessionTools): string[] {
  const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
  if (data.length === 0) return lines;
  const before = data.join('\n');
  const after = rewriteJson(before, lists, tools);
  if (after === before) return lines;
  const rest = lines.filter((l) => !l.startsWith('data:'));
  return [...rest, `data: ${after}`];
}

/**
 * A stream that passes an upstream answer through with its tools/list results filtered. SSE events
 * are held until they end (the blank line), then written at once; a JSON body is held whole.
 */
export function toolListRewriter(contentType: string | undefined, lists: Map<RpcId, unknown>, tools: SessionTools): Transform {
  const sse = contentType?.startsWith('text/event-stream') ?? false;
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let event: string[] = [];
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending += decoder.write(chunk);
      if (!sse) return done();
      let out = '';
      let i: number;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i).replace(/\r$/, '');
        pending = pending.slice(i + 1);
        if (line === '') {
          out += `${rewriteEvent(event, lists, tools).join('\n')}\n\n`;
          event = [];
        } else {
          event.push(line);
        }
      }
      done(null, out === '' ? undefined : out);
    },
    flush(done: TransformCallback) {
      pending += decoder.end();
      if (!sse) return done(null, rewriteJson(pending, lists, tools));
      const tail = [...event, ...(pending === '' ? [] : [pending])];
      done(null, tail.length === 0 ? undefined : `${rewriteEvent(tail, lists, tools).join('\n')}\n\n`);
    },
  });
}

/** The answer to a body with refused tools/call requests: nothing of it goes to the server. */
export function refusedAnswer(body: { value: unknown; messages: unknown[] }, refused: Map<RpcId, object>, server: string): string {
  const answers = body.messages
    .map(asRequest)
    .filter((r) => r !== undefined)
    .map(
      (r) =>
        refused.get(r.id) ?? {
          jsonrpc: '2.0',
          id: r.id,
          error: { code: -32600, message: 'not passed on: the same batch held a refused tools/call', data: { code: 'BAD_REQUEST', server } },
        },
    );
  return JSON.stringify(Array.isArray(body.value) ? answers : answers[0]);
}
