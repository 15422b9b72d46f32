// Where a pass-through session sends its requests: the instance's streamable-HTTP URL, over a
// keep-alive agent of its own (closed with the instance's slot, so no socket outlives it).
import { Agent } from 'node:http';

export interface ProxyTarget {
  readonly url: URL;
  readonly agent: Agent;
  close(): Promise<void>;
}

export function proxyTarget(url: string): ProxyTarget {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  return {
    url: new URL(url),
    agent,
    close() {
      agent.destroy();
      return Promise.resolve();
    },
  };
}
