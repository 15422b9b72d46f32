// A child span around one step (the gate's handshake, its tools/list) of whatever span is active;
// nothing at all when none is recording (tracing off, or a step outside a traced sync).
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { TRACER_NAME } from './names.js';

export async function traceStep<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!trace.getActiveSpan()?.isRecording()) return fn();
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, async (span) => {
    try {
      return await fn();
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw e;
    } finally {
      span.end();
    }
  });
}
