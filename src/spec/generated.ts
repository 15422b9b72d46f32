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
export type HealthCheck = (HttpCheck | TcpCheck | CommandCheck)
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
/**
 * A remote MCP server that runs elsewhere (https://vendor/mcp): never started by the daemon, only gated and served through the gateway. Excludes command and image; transport streamable-http (default for url) or sse.
 */
url?: string
/**
 * Remote servers: HTTP headers sent with every request upstream (templated: Authorization: Bearer {{ secrets.x }}); values from secrets are masked everywhere.
 */
headers?: {
[k: string]: string
}
/**
 * The port the server listens on; or a template that renders to one, e.g. "{{ 8100 + replica.index }}" (replicas on distinct host ports).
 */
port?: (number | string)
/**
 * Instances of each version (default 1); the gateway spreads new sessions over the healthy ones. {{ replica.index }} (0..replicas-1) is available in port and env.
 */
replicas?: number
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
tools?: Tools
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
/**
 * Probes beside the MCP gate (docs/reference/spec.md#health-checks): run at the gate (every critical one must pass) and every intervalSeconds while the server runs.
 */
checks?: HealthCheck[]
restartsAllowed?: number
}
export interface HttpCheck {
type: "http"
/**
 * http:// or https:// URL; its host must be 127.0.0.1, ::1 or localhost unless --allow-check-hosts lists it.
 */
url: string
/**
 * The status the answer must have (default 200).
 */
expectStatus?: number
/**
 * Shown in /status (default <type>-<index>).
 */
name?: string
/**
 * Seconds between runs while the server runs (default 10).
 */
intervalSeconds?: number
/**
 * One attempt may take this long (default 5).
 */
timeoutSeconds?: number
/**
 * Failed attempts in a row tolerated before the check fails (default 3).
 */
retries?: number
/**
 * true (default): must pass at the gate, and a failure while running restarts the server (CheckFailed); false: only reported.
 */
critical?: boolean
}
export interface TcpCheck {
type: "tcp"
/**
 * 127.0.0.1, ::1 or localhost unless --allow-check-hosts lists it.
 */
host: string
port: number
/**
 * Shown in /status (default <type>-<index>).
 */
name?: string
/**
 * Seconds between runs while the server runs (default 10).
 */
intervalSeconds?: number
/**
 * One attempt may take this long (default 5).
 */
timeoutSeconds?: number
/**
 * Failed attempts in a row tolerated before the check fails (default 3).
 */
retries?: number
/**
 * true (default): must pass at the gate, and a failure while running restarts the server (CheckFailed); false: only reported.
 */
critical?: boolean
}
export interface CommandCheck {
type: "command"
/**
 * argv, never run through a shell; with the server's env, in its cwd. Exit 0 passes.
 * 
 * @minItems 1
 */
command: [string, ...(string)[]]
/**
 * Shown in /status (default <type>-<index>).
 */
name?: string
/**
 * Seconds between runs while the server runs (default 10).
 */
intervalSeconds?: number
/**
 * One attempt may take this long (default 5).
 */
timeoutSeconds?: number
/**
 * Failed attempts in a row tolerated before the check fails (default 3).
 */
retries?: number
/**
 * true (default): must pass at the gate, and a failure while running restarts the server (CheckFailed); false: only reported.
 */
critical?: boolean
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
 * The server's tool surface: what may change in a rollout, what the gateway exposes, and what it does when the surface changes at run time (docs/reference/tool-surface.md).
 */
export interface Tools {
/**
 * Tools this version may drop without failing its gate with BreakingToolChange (names).
 */
allowRemoved?: string[]
/**
 * Tools whose input schema may change incompatibly in this version (names).
 */
allowBreaking?: string[]
/**
 * A tool surface that changes without a commit (tool drift): warn (default) = report it; enforce = the gateway serves only the surface approved at the gate; off = ignore.
 */
pin?: ("warn" | "enforce" | "off")
/**
 * Names or globs (* and ?) of the tools the gateway exposes and accepts in tools/call; absent = all.
 */
allow?: string[]
/**
 * Names or globs (* and ?) of tools the gateway hides and refuses; applied after allow.
 */
deny?: string[]
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

/**
 * Where mcp-gitops posts what happened (docs/reference/spec.md#notifier).
 */
export interface Notifier {
apiVersion: "mcp-gitops/v1"
kind: "Notifier"
metadata: {
name: string
labels?: {
[k: string]: string
}
}
spec: NotifierSpec
}
export interface NotifierSpec {
/**
 * slack: an incoming-webhook JSON body {text}; webhook: our JSON body, signed with spec.secret.
 */
type: ("slack" | "webhook")
/**
 * Where to POST (templated; may hold a secret, e.g. {{ secrets.slack_webhook_url }}: never logged).
 */
url: string
/**
 * What to send (default: all).
 */
events?: ("succeeded" | "reverted" | "invalid" | "driftRepaired" | "toolDrift" | "canary")[]
/**
 * Globs (* and ?) of server names whose events are sent (default ["*"]).
 */
servers?: string[]
/**
 * Key of the X-MCP-GitOps-Signature-256 HMAC-SHA256 header (templated, e.g. {{ secrets.hook_key }}).
 */
secret?: string
}
