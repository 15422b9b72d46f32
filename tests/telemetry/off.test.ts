// Tracing off: no endpoint (or OTEL_SDK_DISABLED) gives the API's no-op tracer, and the gateway hooks
// only run what they wrap: no span, no header added.
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { injectTrace, startTracing } from '../../src/telemetry/index.js';

describe('tracing off', () => {
  it('stays off without an OTLP endpoint, or with OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none', async () => {
    for (const env of [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_TRACES_EXPORTER: 'none' },
    ]) {
      const t = startTracing({ serviceVersion: '0' }, env);
      expect(t.enabled, JSON.stringify(env)).toBe(false);
      const span = t.tracer.startSpan('x');
      expect(span.isRecording()).toBe(false);
      span.end();
      await t.shutdown();
    }
    expect(trace.getActiveSpan()).toBeUndefined();
    const headers: Record<string, unknown> = { traceparent: 'from-the-client' };
    injectTrace(headers);
    expect(headers).toEqual({ traceparent: 'from-the-client' });
  });
});
