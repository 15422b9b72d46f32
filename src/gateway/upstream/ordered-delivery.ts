// The SDK's Protocol runs notification handlers one microtask late (Promise.resolve().then(handler))
// but settles a request the moment its response is read. A stdio server's last progress (or log)
// notifications and the response often arrive in one read and are delivered in one synchronous
// loop: the request settled first, its progress handler was gone, and the notification was dropped
// ("progress notification for an unknown token"). Delivering each response one microtask later puts
// it behind the handlers of the notifications read before it, so they run in the order they came.
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isJSONRPCErrorResponse, isJSONRPCResultResponse } from '@modelcontextprotocol/sdk/types.js';

/** Call after `client.connect(transport)` (which installs the Protocol's onmessage and onclose). */
export function deliverResponsesInOrder(transport: Transport): void {
  const deliver = transport.onmessage;
  const closed = transport.onclose;
  if (!deliver) return;
  let queued = 0;
  transport.onmessage = (message, extra) => {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return deliver(message, extra);
    queued++;
    queueMicrotask(() => {
      queued--;
      deliver(message, extra);
    });
  };
  // a close read right after a response must not fail that response's request before it is delivered
  if (closed) transport.onclose = () => (queued > 0 ? queueMicrotask(closed) : closed());
}
