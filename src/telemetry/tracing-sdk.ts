// The OpenTelemetry SDK behind tracing.ts, loaded only when tracing is on: spans batch to OTLP/HTTP;
// OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and the exporter's own OTEL_EXPORTER_OTLP_* variables
// apply. Context flows through AsyncLocalStorage and W3C traceparent.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { TRACER_NAME } from './names.js';
import { setTracingOn } from './switch.js';
import type { Tracing, TracingOptions } from './tracing.js';

export function startSdkTracing(o: TracingOptions): Tracing {
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'mcp-gitops', [ATTR_SERVICE_VERSION]: o.serviceVersion }).merge(
    detectResources({ detectors: [envDetector] }),
  );
  // the flag wins over the environment; without it the exporter reads OTEL_EXPORTER_OTLP_* itself
  const exporter = new OTLPTraceExporter(o.endpoint ? { url: `${o.endpoint.replace(/\/+$/, '')}/v1/traces` } : {});
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  setTracingOn(true);
  let done: Promise<void> | undefined;
  return {
    enabled: true,
    tracer: provider.getTracer(TRACER_NAME, o.serviceVersion),
    shutdown() {
      done ??= provider.shutdown().finally(() => {
        setTracingOn(false);
        trace.disable();
        propagation.disable();
        context.disable();
      });
      return done;
    },
  };
}
