// A spec source whose every head read (a git fetch for remote repositories) is timed into the git
// fetch metrics; the source itself knows nothing of metrics.
import type { SpecSource } from '../reconciler/reconciler.js';
import type { Metrics } from './metrics.js';

export function timedSource(source: SpecSource, metrics: Pick<Metrics, 'gitFetch'>, now: () => number = () => performance.now()): SpecSource {
  return {
    async head() {
      const start = now();
      try {
        const head = await source.head();
        metrics.gitFetch((now() - start) / 1000, true);
        return head;
      } catch (e) {
        metrics.gitFetch((now() - start) / 1000, false);
        throw e;
      }
    },
    snapshot: (commit) => source.snapshot(commit),
  };
}
