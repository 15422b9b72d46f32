// OpenTelemetry traces: off (the API's no-op tracer, nothing else loaded into the path) unless an
// OTLP endpoint is configured, by --otel-endpoint or the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT.
// On: spans batch to OTLP/HTTP; OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and the exporter's own
// OTEL_EXPORTER_OTLP_* variables apply. Context flows through AsyncLocalStorage and W3C traceparent.
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TRACER_NAME } from './names.js';
import { setTracingOn } from './switch.js';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';

export interface Tracing {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Flushes what is batched and stops exporting (daemon stop). */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** --otel-endpoint: the collector's base URL (…:4318); traces go to <it>/v1/traces. */
  endpoint?: string;
  serviceVersion: string;
}

const OFF: Tracing = { enabled: false, tracer: trace.getTracer(TRACER_NAME), shutdown: () => Promise.resolve() };

function configured(o: TracingOptions, env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return false;
  return !!(o.endpoint || env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

export function startTracing(o: TracingOptions, env: NodeJS.ProcessEnv): Tracing {
  if (!configured(o, env)) return OFF;
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
