/* Generated from schemas/ by scripts/gen-types.mjs; do not edit. */

export type ServerSpec = (ServerFields & {
/**
 * Per-environment overrides, deep-merged over spec when --env matches (arrays replace).
 */
environments?: {
[k: string]: ServerOverride
}
})
export type DnsName = string
export type ServerOverride = ServerFields

/**
 * One MCP server, deployed and health-gated by mcp-gitops.
 */
export interface MCPServer {
apiVersion: "mcp-gitops/v1"
kind: "MCPServer"
metadata: Metadata
spec: ServerSpec
}
export interface Metadata {
/**
 * Unique in the repository; a DNS label.
 */
name: string
labels?: {
[k: string]: string
}
annotations?: {
[k: string]: string
}
}
export interface ServerFields {
/**
 * Shown in /status.
 */
version?: string
/**
 * How the server itself speaks (default stdio).
 */
transport?: ("stdio" | "streamable-http" | "sse")
/**
 * Process runtime: the executable; docker/kubernetes: replaces the image entrypoint.
 */
command?: string
args?: string[]
/**
 * Relative paths resolve against the checked-out --path.
 */
cwd?: string
image?: string
port?: number
path?: string
env?: {
[k: string]: string
}
variables?: Variable[]
dependsOn?: DnsName[]
enabled?: boolean
health?: Health
rollout?: Rollout
gateway?: Gateway
}
export interface Variable {
name: string
type?: ("string" | "token" | "url" | "boolean")
default?: (string | boolean)
required?: boolean
description?: string
}
export interface Health {
timeoutSeconds?: number
expectTools?: string[]
stabilizationSeconds?: number
}
export interface Rollout {
/**
 * blue-green (default): the new instance starts beside the old one and takes every new session once its gate passed; recreate: the old one is removed first; canary: the new instance takes a growing share of new sessions, judged by the gateway on its errors and latency (docs/reference/canary.md).
 */
strategy?: ("blue-green" | "recreate" | "canary")
/**
 * strategy canary: the steps and the bounds each step is judged by.
 */
canary?: {
/**
 * Share (%) of NEW sessions sent to the new version at each step; increasing, ending in 100 (default [10, 50, 100]).
 * 
 * @minItems 1
 */
steps?: [number, ...(number)[]]
/**
 * How long each step is observed (default 60).
 */
stepSeconds?: number
/**
 * Calls the new version must have served in a step to judge it (default 20).
 */
minCalls?: number
/**
 * Errors / calls on the new version, per step (default 0.05).
 */
maxErrorRate?: number
/**
 * tools/call p99 of the new version per step, in ms (default 2000).
 */
maxLatencyP99Ms?: number
/**
 * When minCalls is not reached within 3 x stepSeconds (default promote).
 */
onInsufficientTraffic?: ("promote" | "revert")
}
}
/**
 * How /mcp/<name> serves this server's clients (docs/reference/gateway.md).
 */
export interface Gateway {
/**
 * stdio servers: shared (default) = one connection to one instance serves every client session; isolated = one instance per client session (process and docker runtimes), with sampling, elicitation and roots relayed to that client.
 */
sessions?: ("shared" | "isolated")
/**
 * Open client sessions (default 100); beyond it the least recently used idle session is closed, and only when all are busy is a new one refused.
 */
maxSessions?: number
}

/**
 * Variable values for one environment, selected with --env.
 */
export interface Environment {
apiVersion: "mcp-gitops/v1"
kind: "Environment"
metadata: {
name: string
labels?: {
[k: string]: string
}
}
spec: {
variables?: {
[k: string]: string | boolean | number
}
}
}
