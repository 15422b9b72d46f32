// A load generator of real SDK clients through the gateway, for canary scenarios: each worker opens
// a fresh session (so the gateway's weighted assignment applies to it), calls `work` a few times,
// and ends the session; every call is recorded with the version the session was assigned to.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

export interface LoadCall {
  /** serverInfo.version of the session's instance; null: initialize failed. */
  version: string | null;
  ok: boolean;
  /** tools/call answered with isError: true. */
  toolError: boolean;
  error?: string;
  at: number;
}

export interface Load {
  calls: LoadCall[];
  stop(): Promise<void>;
}

export function startLoad(url: string, o: { workers?: number; callsPerSession?: number } = {}): Load {
  const calls: LoadCall[] = [];
  let stopped = false;
  const worker = async (w: number): Promise<void> => {
    for (let s = 0; !stopped; s++) {
      const c = new Client({ name: `load-${w}-${s}`, version: '1' });
      const transport = new StreamableHTTPClientTransport(new URL(url));
      try {
        await c.connect(transport);
      } catch (err) {
        calls.push({ version: null, ok: false, toolError: false, error: `initialize: ${String(err)}`, at: Date.now() });
        continue;
      }
      const version = c.getServerVersion()?.version ?? null;
      for (let i = 0; i < (o.callsPerSession ?? 4) && !stopped; i++) {
        try {
          const r = await c.callTool({ name: 'work', arguments: {} });
          calls.push({ version, ok: true, toolError: r.isError === true, at: Date.now() });
        } catch (err) {
          calls.push({ version, ok: false, toolError: false, error: String(err), at: Date.now() });
          break;
        }
      }
      await transport.terminateSession().catch(() => undefined);
      await c.close().catch(() => undefined);
    }
  };
  const run = Promise.all(Array.from({ length: o.workers ?? 4 }, (_, w) => worker(w)));
  return {
    calls,
    async stop() {
      stopped = true;
      await run;
    },
  };
}
