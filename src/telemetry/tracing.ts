// OpenTelemetry traces: off (the API's no-op tracer, nothing else loaded into the path) unless an
// OTLP endpoint is configured, by --otel-endpoint or the standard OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT.
// On: spans batch to OTLP/HTTP (tracing-sdk.ts, imported only then: off, a daemon start does not pay
// for loading the SDK and its exporter).
import { trace, type Tracer } from '@opentelemetry/api';
import { TRACER_NAME } from './names.js';

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

export async function startTracing(o: TracingOptions, env: NodeJS.ProcessEnv): Promise<Tracing> {
  if (!configured(o, env)) return OFF;
  return (await import('./tracing-sdk.js')).startSdkTracing(o);
}
