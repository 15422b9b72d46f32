// Public surface of the process runtime.
export { createProcessRuntime, type ProcessRuntime, type ProcessRuntimeOptions } from './process-runtime.js';
export type { Logger } from '../logger.js';
