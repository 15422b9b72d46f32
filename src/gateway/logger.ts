// A logger that drops everything, for callers that pass none.
import type { GatewayLogger } from './options.js';

const noop = (): void => undefined;
export const silentLogger: GatewayLogger = { info: noop, warn: noop, debug: noop };
