// Public surface of the health gates.
export { runGate } from './gate.js';
export { GATE_FAILURE_REASONS } from './gate-failure.js';
export type { GateOptions, GateResult, GateTool, GateFailureCode } from './gate-types.js';
export { systemClock, type Clock } from './clock.js';
export type { Logger } from '../runtimes/logger.js';
