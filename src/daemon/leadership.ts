// Leader election for the kubernetes runtime (a coordination.k8s.io Lease): of several replicas
// only the leader reconciles; the others serve /healthz and /status but are not ready, and say
// why: following a holder, or unable to take part (the API's error, e.g. a missing namespace).
// A leader that loses its Lease stops, as client-go's controllers do, and its pod starts over as
// a candidate; a leader that stops by itself (SIGTERM) releases the Lease and is not "lost".
import type { Logger } from 'pino';
import type { StatusView } from '../reconciler/status.js';
import type { DaemonConfig } from './config.js';

export interface Leadership {
  leading(): boolean;
  /** `leader`, `follower (held by <identity>)`, `cannot acquire: <API error>`, or `campaigning`. */
  describe(): string;
  /** The API error that keeps this replica from taking part, if any. */
  problem(): { code: string; message: string } | undefined;
  /** Resolves once this replica leads. */
  acquired(): Promise<void>;
  /** Called once if this replica led and then lost the Lease (not when it stopped itself), with why. */
  onLost(fn: (why: string) => void): void;
  /** Stops campaigning; a leader releases the Lease so another takes over at once. */
  stop(): Promise<void>;
}

export async function createLeadership(cfg: DaemonConfig, logger: Logger): Promise<Leadership> {
  const k8s = await import('../runtimes/kubernetes/index.js');
  const election = k8s.createLeaderElection({
    kubeConfig: k8s.loadKubeConfig(),
    logger: logger.child({ component: 'leader-election' }),
    ...(cfg.namespace && { namespace: cfg.namespace }),
  });
  election.start();
  return {
    leading: () => election.isLeader(),
    describe() {
      const s = election.state();
      if (s.role === 'leader') return 'leader';
      if (s.role === 'follower') return `follower (held by ${s.holder})`;
      return s.error ? `cannot acquire: ${s.error.message}` : 'campaigning (no answer from the Kubernetes API yet)';
    },
    problem() {
      const s = election.state();
      return s.role === 'candidate' ? s.error : undefined;
    },
    acquired: () => election.acquired(),
    onLost(fn) {
      let led = false;
      const off = election.onChange((leading, why) => {
        if (leading) led = true;
        else if (led) {
          off();
          if (why?.reason !== 'stopped') fn(why?.message ?? 'the Lease was lost');
        }
      });
    },
    stop: () => election.stop(),
  };
}

/** /readyz's reason on a replica that does not lead. */
export function notLeadingReason(l: Leadership): string {
  return `not the leader: ${l.describe()}`;
}

/** /status on a replica that does not lead: what it waits for, and the API error that blocks it. */
export function withLeadership(status: StatusView, l: Leadership, now: () => string): StatusView {
  if (l.leading()) return status;
  const problem = l.problem();
  return {
    ...status,
    message: notLeadingReason(l),
    ...(problem && { lastError: { reason: 'RuntimeUnavailable', code: problem.code, message: problem.message, at: status.lastError?.at ?? now() } }),
  };
}
