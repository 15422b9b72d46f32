// Tracing off: no endpoint (or OTEL_SDK_DISABLED) gives the API's no-op tracer, and the gateway hooks
// only run what they wrap: no span, no header added.
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { injectTrace, startTracing, traced, traceMeta } from '../../src/telemetry/index.js';

describe('tracing off', () => {
  it('stays off without an OTLP endpoint, or with OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none', async () => {
    for (const env of [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_SDK_DISABLED: 'true' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1', OTEL_TRACES_EXPORTER: 'none' },
    ]) {
      const t = await startTracing({ serviceVersion: '0' }, env);
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
    // the request's body is never looked at, its params never copied
    let parsed = 0;
    let ran = 0;
    await traced(
      { method: 'POST', headers: { traceparent: `00-${'1'.repeat(32)}-${'2'.repeat(16)}-01` } },
      {} as ServerResponse,
      'svc',
      () => (parsed++, []),
      () => (ran++, Promise.resolve()),
    );
    expect({ parsed, ran }).toEqual({ parsed: 0, ran: 1 });
    const params = { name: 'echo', _meta: { traceparent: 'from-the-client' } };
    expect(traceMeta(params)).toBe(params);
  });
});
