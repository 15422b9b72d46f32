// Public surface of the MCP gateway: /mcp/<name> for every deployed server, and the router the
// reconciler drives cut-overs with.
export { CallSeries, type ServerSeries, type SeriesPoint } from './call-series.js';
export { createGateway, type Gateway, type GatewayCore } from './gateway.js';
export { registerGateway, gatewayPath, GATEWAY_ROUTE } from './http/register.js';
export type { GatewayRouter, ActiveInstance } from './router.js';
export type { GatewayOptions, GatewayLimits, GatewayLogger, ServerHint } from './options.js';
export { DEFAULT_LIMITS } from './options.js';
export { GatewayError, RPC_CODES, type GatewayErrorCode } from './errors.js';
export type { ToolDriftReport, ToolDriftListener } from './tools/tool-guard.js';
