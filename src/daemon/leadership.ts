// Leader election for the kubernetes runtime (a coordination.k8s.io Lease): of several replicas
// only the leader reconciles; the others serve /healthz and /status but are not ready. A leader
// that loses its Lease stops, as client-go's controllers do, and its pod starts over as a candidate.
import type { Logger } from 'pino';
import type { DaemonConfig } from './config.js';

export interface Leadership {
  leading(): boolean;
  /** Resolves once this replica leads. */
  acquired(): Promise<void>;
  /** Called once if this replica led and then lost the Lease. */
  onLost(fn: () => void): void;
  /** Stops campaigning; a leader releases the Lease so another takes over at once. */
  stop(): Promise<void>;
}

export async function createLeadership(cfg: DaemonConfig, logger: Logger): Promise<Leadership> {
  const k8s = await import('../runtimes/kubernetes/index.js');
  const election = k8s.createLeaderElection({
    kubeConfig: k8s.loadKubeConfig(), logger: logger.child({ component: 'leader-election' }), ...(cfg.namespace && { namespace: cfg.namespace }),
  });
  election.start();
  return {
    leading: () => election.isLeader(),
    acquired: () => election.acquired(),
    onLost(fn) {
      let led = false;
      const off = election.onChange((leading) => {
        if (leading) led = true;
        else if (led) {
          off();
          fn();
        }
      });
    },
    stop: () => election.stop(),
  };
}
