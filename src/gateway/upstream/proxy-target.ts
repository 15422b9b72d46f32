// Where a pass-through session sends its requests: the instance's streamable-HTTP URL, over a
// keep-alive agent of its own (closed with the instance's slot, so no socket outlives it).
import { Agent, type RequestOptions } from 'node:http';
import { urlToHttpOptions } from 'node:url';

export interface ProxyTarget {
  readonly url: URL;
  readonly agent: Agent;
  /** The URL as http.request options with the agent, worked out once: not again on every request. */
  readonly options: Readonly<RequestOptions>;
  close(): Promise<void>;
}

export function proxyTarget(url: string): ProxyTarget {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const parsed = new URL(url);
  return {
    url: parsed,
    agent,
    options: { ...urlToHttpOptions(parsed), agent },
    close() {
      agent.destroy();
      return Promise.resolve();
    },
  };
}
