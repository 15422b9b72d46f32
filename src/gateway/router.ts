// What the reconciler tells the gateway, and nothing else: which instances serve a server now, and
// which instance is about to be removed. Converge calls these; the gateway never decides rollouts.
import type { InstanceEndpoint } from '../runtimes/runtime.js';
import type { RenderedServer } from '../spec/desired.js';
import type { ToolSurface } from '../tools/surface.js';
import type { CanaryFigures } from './canary/types.js';

export interface ActiveInstance {
  id: string;
  endpoint: InstanceEndpoint;
  /** The spec it runs (spec.gateway; and what isolated sessions start their own instances from). */
  server?: RenderedServer;
  /** Where its commit is checked out (isolated sessions start their instances with it). */
  ctx?: { commit: string; workdir: string };
  /**
   * The tool surface approved at its gate (or read back from state for a kept instance): what the
   * gateway compares every tools/list answer with (tool drift; spec.tools.pin). Absent = unknown.
   */
  approvedSurface?: ToolSurface;
}

export interface GatewayRouter {
  /**
   * New sessions of `server` go to `instance` from now on (it passed its gate, or it is the one kept);
   * several (spec.replicas): to the healthy one of the set with the fewest open sessions. Sessions
   * already open stay on the instance they started on. Idempotent.
   */
  setActive(server: string, instance: ActiveInstance | readonly ActiveInstance[]): void;
  /**
   * The instance is about to be removed: no new sessions go to it; resolves once its sessions ended
   * or the drain timeout passed (those get a clean JSON-RPC error). Safe for any id, known or not.
   * `now`: do not wait for sessions to end (recreate, shutdown); also cuts short a drain under way.
   */
  retire(instanceId: string, o?: { now?: boolean }): Promise<void>;
  /**
   * Canary: `weight` % of NEW sessions of `server` go to `instance`, the others to the active one
   * (sessions stay where they started). A first call, or a new weight, starts a new step window.
   */
  setCanary?(server: string, instance: ActiveInstance, weight: number): void;
  /** Ends the canary at once: promote = it becomes the active instance; else every new session goes to the active one. */
  endCanary?(server: string, o: { promote: boolean }): void;
  /** What the canary's and the stable instance's sessions did in the current step. */
  canaryFigures?(server: string): CanaryFigures | undefined;
  /** An instance the gateway started itself (an isolated session's): not the rollout's to keep or prune. */
  owns?(instance: OwnedCandidate): boolean;
}

export interface OwnedCandidate {
  id: string;
  labels: { specHash: string };
}
