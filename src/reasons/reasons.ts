// The status vocabulary: every `reason` in /status (top level, servers, history), in /events and in
// metric labels is one of these codes. The message is for people; the reason is for programs.
// docs/reference/status-reasons.md lists exactly these (a test checks it).

/** Code -> where it appears and what happens next (the documented meaning). */
export const REASONS = {
  // ---- the sync as a whole ----
  Pending: 'No sync has finished yet (top level), or a server deployed by an earlier run is not confirmed yet.',
  Progressing: 'A sync is rolling out or reverting now; a server is starting or being gated.',
  Synced: 'The head commit is applied and every server is healthy (top level); the sync succeeded (history).',
  ValidationFailed: 'The commit does not load, validate or render: nothing of it ran. Stalled until a new commit.',
  Superseded: 'A newer commit arrived while health gates were waiting; the newer one is synced at once.',
  Interrupted: 'The daemon stopped during this sync; the next start synced again from what runs.',
  RolloutFailed: "The rollout stopped on an error that is the commit's own; the servers were put back to the last good commit.",
  // ---- one server (and, for a failed rollout, its history entry and the top level) ----
  Healthy: 'The server runs and passed its health gate.',
  StartFailed: 'The runtime could not start the server (command not found, image missing, bad spec for this runtime).',
  InstanceExited: 'The new instance exited before its health gate passed.',
  InstanceNotFound: 'The runtime no longer knows the instance being gated.',
  HandshakeTimeout: 'No MCP handshake or tools/list answer within health.timeoutSeconds.',
  HandshakeFailed: 'The server answered, but the MCP handshake failed.',
  ToolMissing: 'tools/list lacks a tool named in health.expectTools.',
  HealthCheckFailed: 'The server stopped answering while its health gate watched it stabilize.',
  Cancelled: 'The health gate was given up (another server of the wave failed, or a newer commit arrived).',
  CrashLoopBackOff: 'The running instance exited; it is restarted with backoff (1 s doubling to 5 min).',
  CanaryFailed:
    'A canary step exceeded its error rate or tools/call p99 bound (or its instance exited, or it had too little traffic with onInsufficientTraffic: revert): new sessions went back to the stable instance and the commit was reverted.',
  CanaryAborted: 'A person ended the canary early (POST /rollouts/<server>/abort): new sessions went back to the stable instance and the commit was reverted.',
  DependencyNotReady: 'Reserved: not rolled out because a server it depends on (dependsOn) did not become healthy.',
  // ---- the machine, not the commit: retried with backoff, never quarantined (phase Degraded) ----
  StateWriteFailed:
    'The state directory cannot be written (disk full, read-only, permission, no file descriptors). Nothing acts until it can; what runs stays served.',
  SourceUnavailable: 'The git source cannot be read for now (unreachable, server error, timeout, auth refused, branch gone). What runs stays served.',
  RuntimeUnavailable:
    'The runtime failed for now (engine or API server down, resources exhausted). What runs stays; the retry converges from what is observed.',
  // ---- reserved for features that build on this list ----
  BreakingToolChange: 'Reserved: a rollout would remove or change a tool clients rely on.',
  ToolDrift: "Reserved: a running server's tools differ from the ones its gate saw.",
  CheckFailed: 'Reserved: an http, tcp or command health check failed.',
  RemoteUnreachable: 'Reserved: a remote MCP server (spec.url) cannot be reached.',
} as const;

export type Reason = keyof typeof REASONS;

export const REASON_CODES = Object.keys(REASONS) as Reason[];

/** Reasons of an environment fault: the commit is not blamed, the sync is retried. */
export type EnvironmentReason = 'StateWriteFailed' | 'SourceUnavailable' | 'RuntimeUnavailable';

export const ENVIRONMENT_REASONS: readonly EnvironmentReason[] = ['StateWriteFailed', 'SourceUnavailable', 'RuntimeUnavailable'];

export function isReason(v: unknown): v is Reason {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(REASONS, v);
}
