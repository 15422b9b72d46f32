// Reads the JSON-RPC responses out of an upstream's HTTP answer as it streams past (a JSON body or
// text/event-stream), without holding it up: the pass-through gateway learns which request ended
// how, for its metrics, while the bytes go to the client unchanged.
import { StringDecoder } from 'node:string_decoder';

export interface RpcResponse {
  id: string | number;
  error?: unknown;
  result?: { isError?: unknown };
}

const MAX_JSON_BODY = 1024 * 1024;

function responses(value: unknown, each: (r: RpcResponse) => void): void {
  for (const m of Array.isArray(value) ? value : [value]) {
    if (typeof m !== 'object' || m === null) continue;
    const r = m as Record<string, unknown>;
    if ((typeof r.id === 'string' || typeof r.id === 'number') && ('result' in r || 'error' in r)) each(r as unknown as RpcResponse);
  }
}

function parse(text: string, each: (r: RpcResponse) => void): void {
  try {
    responses(JSON.parse(text), each);
  } catch {
    // not JSON: nothing to learn from it
  }
}

export interface ResponseWatch {
  push(chunk: Buffer): void;
  end(): void;
}

export function watchResponses(contentType: string | undefined, each: (r: RpcResponse) => void): ResponseWatch {
  const decoder = new StringDecoder('utf8');
  if (contentType?.startsWith('text/event-stream')) {
    let pending = '';
    let data: string[] = [];
    const line = (l: string): void => {
      if (l === '') {
        if (data.length > 0) parse(data.join('\n'), each);
        data = [];
      } else if (l.startsWith('data:')) {
        data.push(l.slice(l.startsWith('data: ') ? 6 : 5));
      }
    };
    return {
      push(chunk) {
        pending += decoder.write(chunk);
        // walk the lines by index: one slice per line, none of the rest
        let from = 0;
        let i: number;
        while ((i = pending.indexOf('\n', from)) >= 0) {
          line(pending.slice(from, i > from && pending.charCodeAt(i - 1) === 13 ? i - 1 : i));
          from = i + 1;
        }
        if (from > 0) pending = pending.slice(from);
      },
      end() {
        if (pending !== '') line(pending);
        line('');
      },
    };
  }
  if (!contentType?.startsWith('application/json')) return { push: () => undefined, end: () => undefined };
  let text = '';
  let tooBig = false;
  return {
    push(chunk) {
      if (tooBig) return;
      text += decoder.write(chunk);
      tooBig = text.length > MAX_JSON_BODY;
    },
    end() {
      if (!tooBig) parse(text + decoder.end(), each);
    },
  };
}

/**
 * `watch`, read after the bytes went on: chunks are queued and read in a setImmediate, once the
 * answer was handed to the client's socket, so the client does not wait for the gateway's own
 * bookkeeping (the parse, the metrics). flush() reads what is queued now: whoever ends the exchange
 * calls it first, so an answer that arrived is never counted as unanswered.
 */
export function afterWrite(watch: ResponseWatch): ResponseWatch & { flush: () => void } {
  let queue: (Buffer | null)[] = [];
  let timer: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (timer) clearImmediate(timer);
    timer = undefined;
    const q = queue;
    queue = [];
    for (const c of q) {
      if (c === null) watch.end();
      else watch.push(c);
    }
  };
  const add = (c: Buffer | null): void => {
    queue.push(c);
    timer ??= setImmediate(flush);
  };
  return { push: (c) => add(c), end: () => add(null), flush };
}
