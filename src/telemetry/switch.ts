// Whether tracing is on in this process: the hooks on hot paths ask this first, so that with tracing
// off they cost one call and touch nothing (no body parse, no header object, no context lookup).
let on = false;

export function tracingOn(): boolean {
  return on;
}

/** startTracing and its shutdown only. */
export function setTracingOn(value: boolean): void {
  on = value;
}
