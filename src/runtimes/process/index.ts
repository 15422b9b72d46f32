// Public surface of the process runtime.
export { createProcessRuntime, type ProcessRuntime, type ProcessRuntimeOptions } from './process-runtime.js';
export { ProcessRuntimeError, isProcessRuntimeError, type ProcessRuntimeErrorCode } from './errors.js';
export type { Logger } from '../logger.js';
