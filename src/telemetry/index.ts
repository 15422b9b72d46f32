export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
export { ATTR, TRACER_NAME } from './names.js';
export { traced, tracedMetrics, traceSession, traceVersions } from './gateway-spans.js';
export { injectTrace, traceMeta, tracedFetch } from './propagate.js';
export { tracingOn } from './switch.js';
export { traceStep } from './step.js';
