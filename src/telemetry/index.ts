export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
export { traceSyncs } from './sync-spans.js';
export { injectTrace, traced, tracedMetrics, traceSession, traceVersions } from './gateway-spans.js';
