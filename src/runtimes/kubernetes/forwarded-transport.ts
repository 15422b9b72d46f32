// An MCP client transport through a port-forward: when a request fails because the forward was
// refused (RBAC, no node address, nothing listening in the pod), the caller gets that typed cause
// instead of the local socket's "fetch failed: other side closed".
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { RuntimeError } from '../errors.js';

type Call = (...args: unknown[]) => Promise<unknown>;

export function withForwardFailures(transport: Transport, failure: () => RuntimeError | undefined): Transport {
  const explain =
    (fn: Call): Call =>
    async (...args) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw failure() ?? err;
      }
    };
  return new Proxy(transport, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const bound = (value as Call).bind(target);
      return prop === 'start' || prop === 'send' ? explain(bound) : bound;
    },
  });
}
