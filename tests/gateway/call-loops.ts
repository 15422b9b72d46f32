// Clients that keep calling tools while cut-overs happen, recording every call.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { tagOf, text } from './helpers.js';

export interface CallRecord {
  loop: string;
  /** Which session of the loop (1, 2, ...). */
  session: number;
  at: number;
  ok: boolean;
  /** The instance that answered (INSTANCE_TAG), for successful get-env calls. */
  tag?: string;
  /** JSON-RPC error code of a failed call (from an McpError or a JSON-RPC error body). */
  code?: number;
  error?: string;
}

export interface Loop {
  records: CallRecord[];
  stop(): Promise<void>;
}

/** The JSON-RPC code of a failed call, or undefined when it was not a clean JSON-RPC error. */
export function rpcCode(err: unknown): number | undefined {
  if (err instanceof McpError) return err.code;
  if (err instanceof StreamableHTTPError) {
    const m = /\{.*\}$/s.exec(err.message);
    try {
      const body = m ? (JSON.parse(m[0]) as { jsonrpc?: string; error?: { code?: number } }) : undefined;
      return body?.jsonrpc === '2.0' ? body.error?.code : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function oneRound(c: Client, n: number): Promise<string> {
  const sum = text(await c.callTool({ name: 'get-sum', arguments: { a: n, b: 1 } }));
  if (sum !== `The sum of ${n} and 1 is ${n + 1}.`) throw new Error(`wrong answer: ${sum}`);
  const echo = text(await c.callTool({ name: 'echo', arguments: { message: `m${n}` } }));
  if (echo !== `Echo: m${n}`) throw new Error(`wrong answer: ${echo}`);
  return tagOf(c);
}

/**
 * sticky: one session, calling until a call fails; then a new session (as a real client would).
 * fresh: a new session for every round (initialize, three calls, DELETE).
 */
export function startLoop(open: (clientName: string) => Promise<Client>, name: string, kind: 'sticky' | 'fresh'): Loop {
  const records: CallRecord[] = [];
  let stopped = false;
  let n = 0;
  const run = (async () => {
    let session = 0;
    while (!stopped) {
      session++;
      let c: Client;
      try {
        c = await open(`${name}-${session}`);
      } catch (err) {
        records.push({ loop: name, session, at: Date.now(), ok: false, code: rpcCode(err), error: `initialize: ${String(err)}` });
        continue;
      }
      for (;;) {
        try {
          const tag = await oneRound(c, n++);
          records.push({ loop: name, session, at: Date.now(), ok: true, tag });
        } catch (err) {
          records.push({ loop: name, session, at: Date.now(), ok: false, code: rpcCode(err), error: String(err) });
          break;
        }
        if (stopped || kind === 'fresh') break;
      }
      // as a well-behaved client does: DELETE the session, or it stays open until the idle timeout
      if (c.transport instanceof StreamableHTTPClientTransport) await c.transport.terminateSession().catch(() => undefined);
      await c.close().catch(() => undefined);
    }
  })();
  return {
    records,
    async stop() {
      stopped = true;
      await run;
    },
  };
}
