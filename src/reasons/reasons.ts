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
  Suspended: 'Suspended (POST /suspend, mcp-gitops suspend, serve --suspended): the head is read but no new commit is applied until a resume.',
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
  BreakingToolChange:
    "A new version drops a tool or narrows a tool's input schema, and spec.tools.allowRemoved / allowBreaking do not name it: its gate failed, the rollout was reverted.",
  CheckFailed:
    'A critical http, tcp or command health check (health.checks) failed with its retries: at the gate the commit is reverted; while running the server is restarted with backoff.',
  CrashLoopBackOff:
    'The running instance exited; it is restarted with backoff (1 s doubling to 5 min). Kubernetes: a new pod crashed more often than health.restartsAllowed (default 0) allows; its start fails at once.',
  RemoteUnreachable: 'A remote MCP server (spec.url) stopped answering its periodic check; it is gated again with backoff (1 s doubling to 5 min).',
  CanaryFailed:
    'A canary step exceeded its error rate or tools/call p99 bound (or its instance exited, or it had too little traffic with onInsufficientTraffic: revert): new sessions went back to the stable instance and the commit was reverted.',
  CanaryAborted: 'A person ended the canary early (POST /rollouts/<server>/abort): new sessions went back to the stable instance and the commit was reverted.',
  // ---- kubernetes: why a new pod waits (shown within one poll) or cannot start ----
  ContainerCreating: 'Kubernetes: the pod is scheduled and its container is being created (image pull, volumes); the start waits.',
  Unschedulable:
    'Kubernetes: no node can take the pod now (resources, taints, selectors); the start waits (an autoscaler may add a node) up to its 5 min readiness timeout.',
  ImagePullBackOff: 'Kubernetes: the image cannot be pulled (missing, private, wrong tag); the start fails at once, without waiting for a timeout.',
  ErrImagePull: 'Kubernetes: pulling the image failed (missing, private, wrong tag); the start fails at once, without waiting for a timeout.',
  CreateContainerConfigError:
    'Kubernetes: the container cannot be configured (a Secret or ConfigMap key it needs is missing); the start fails at once, without waiting for a timeout.',
  // ---- the machine, not the commit: retried with backoff, never quarantined (phase Degraded) ----
  StateWriteFailed:
    'The state directory cannot be written (disk full, read-only, permission, no file descriptors). Nothing acts until it can; what runs stays served.',
  SourceUnavailable: 'The git source cannot be read for now (unreachable, server error, timeout, auth refused, branch gone). What runs stays served.',
  RuntimeUnavailable:
    'The runtime failed for now (engine or API server down, resources exhausted). What runs stays; the retry converges from what is observed.',
  // ---- one server at run time (its instance keeps serving) ----
  ToolDrift:
    "The serving instance's tools changed since its gate without a commit (servers[].toolDrift: added, removed, changed). pin warn: reported only; pin enforce: the gateway serves only the approved tools. Clears with a new commit's gate or when the tools are back.",
  // ---- reserved for features that build on this list ----
  DependencyNotReady: 'Reserved: not rolled out because a server it depends on (dependsOn) did not become healthy.',
} as const;

export type Reason = keyof typeof REASONS;

export const REASON_CODES = Object.keys(REASONS) as Reason[];

/** Reasons of an environment fault: the commit is not blamed, the sync is retried. */
export type EnvironmentReason = 'StateWriteFailed' | 'SourceUnavailable' | 'RuntimeUnavailable';

export const ENVIRONMENT_REASONS: readonly EnvironmentReason[] = ['StateWriteFailed', 'SourceUnavailable', 'RuntimeUnavailable'];

/** Why a start waits or failed, in the runtime's own word (kubernetes: the kubelet's and scheduler's). */
export type WaitingReason = 'ContainerCreating' | 'Unschedulable' | 'ImagePullBackOff' | 'ErrImagePull' | 'CreateContainerConfigError' | 'CrashLoopBackOff';

const WAITING_REASONS: ReadonlySet<string> = new Set<WaitingReason>([
  'ContainerCreating',
  'Unschedulable',
  'ImagePullBackOff',
  'ErrImagePull',
  'CreateContainerConfigError',
  'CrashLoopBackOff',
]);

export function isWaitingReason(v: unknown): v is WaitingReason {
  return typeof v === 'string' && WAITING_REASONS.has(v);
}

export function isReason(v: unknown): v is Reason {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(REASONS, v);
}
