export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
export { ATTR, TRACER_NAME } from './names.js';
export { traced, tracedMetrics, traceSession, traceVersions } from './gateway-spans.js';
export { injectTrace, traceMeta } from './propagate.js';
export { traceStep } from './step.js';
