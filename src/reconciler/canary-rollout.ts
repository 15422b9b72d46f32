// The canary step controller: the new instance passed its gate beside the stable one; now it gets
// each step's share of new sessions in turn, and each step is judged on what the gateway counted
// (plan/canary-judge.ts decides, this acts). A failed step sends every new session back to the
// stable instance at once and drains the canary; after the last step the canary is promoted and
// converge's prune drains the stable one. A newer commit or shutdown removes the canary.
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayRouter } from '../gateway/router.js';
import type { StepFigures } from '../plan/canary-judge.js';
import { judgeStep } from '../plan/canary-judge.js';
import type { Reason } from '../reasons/reasons.js';
import type { Instance } from '../runtimes/runtime.js';
import { CANARY_DEFAULTS, type RenderedServer } from '../spec/desired.js';
import type { CanaryRuns } from './canary-runs.js';
import type { ServerOutcome } from './converge.js';
import type { EventSink } from './events.js';
import type { Retirements } from './retirements.js';

/** How often a running step looks at its figures (and at a person's promote / abort). */
export const CANARY_TICK_MS = 200;

export interface CanaryRolloutDeps {
  router?: GatewayRouter;
  emit: EventSink;
  runs: CanaryRuns;
  retirements: Retirements;
  commit: string;
  workdir: string;
  now: () => number;
  stableVersion: string | null;
}

const NONE: StepFigures = { calls: 0, errors: 0, p99Ms: null };

export async function canaryRollout(
  d: RenderedServer,
  canary: Instance,
  stable: Instance,
  gated: ServerOutcome,
  deps: CanaryRolloutDeps,
  signal: AbortSignal,
): Promise<ServerOutcome> {
  const name = d.spec.name;
  const c = d.spec.rollout.canary ?? CANARY_DEFAULTS;
  const { router, emit, runs, commit } = deps;
  const active = { id: canary.id, endpoint: canary.endpoint, server: d, ctx: { commit: canary.labels.commit, workdir: deps.workdir } };
  const iso = (t: number): string => new Date(t).toISOString();

  const promote = (message: string): ServerOutcome => {
    router?.endCanary?.(name, { promote: true });
    if (!router?.endCanary) router?.setActive(name, active);
    emit({ type: 'canary.promoted', server: name, commit, instanceId: canary.id, message });
    return gated;
  };
  const revert = (code: Reason, message: string): ServerOutcome => {
    router?.endCanary?.(name, { promote: false }); // every new session to the stable instance, now
    deps.retirements.drain(canary, code === 'CanaryAborted' ? 'canary aborted' : 'canary failed');
    emit({ type: 'canary.reverted', server: name, commit, instanceId: canary.id, code, message });
    return { server: name, status: 'failed', reason: `${name}: ${message}`, code };
  };
  const cancelled = async (): Promise<ServerOutcome> => {
    router?.endCanary?.(name, { promote: false });
    await deps.retirements.now(canary, 'cancelled');
    return { server: name, status: 'cancelled', reason: 'a newer commit arrived (or the daemon stops) during the canary' };
  };

  runs.begin({
    server: name,
    commit,
    step: 0,
    steps: c.steps,
    stableVersion: deps.stableVersion,
    canaryVersion: d.masked.version,
    stableInstance: stable.id,
    canaryInstance: canary.id,
    stepStartedAt: iso(deps.now()),
  });
  try {
    let last = '';
    for (const [i, weight] of c.steps.entries()) {
      if (signal.aborted) return await cancelled();
      const t0 = deps.now();
      router?.setCanary?.(name, active, weight);
      runs.update(name, { step: i + 1, stepStartedAt: iso(t0) });
      emit({ type: 'canary.step', server: name, commit, instanceId: canary.id, step: i + 1, of: c.steps.length, weight });
      for (;;) {
        if (signal.aborted) return await cancelled();
        const asked = runs.take(name);
        if (asked === 'promote') return promote(`promoted by a person (POST /rollouts/${name}/promote) at step ${weight} %`);
        if (asked === 'abort') return revert('CanaryAborted', `aborted by a person (POST /rollouts/${name}/abort) at step ${weight} %`);
        const f = router?.canaryFigures?.(name);
        const mine = f?.canary === canary.id ? f : undefined;
        if (mine?.lost !== undefined) return revert('CanaryFailed', `the canary instance exited at step ${weight} %: ${mine.lost}`);
        const figures = mine?.canaryWindow ?? NONE;
        const elapsed = deps.now() - t0;
        const v = judgeStep(figures, elapsed, weight, c);
        if (v.kind === 'wait') {
          // wake at the step's end exactly, so a failing step is judged the moment it ends
          const toEnd = c.stepSeconds * 1000 - elapsed;
          await sleep(toEnd > 0 ? Math.min(CANARY_TICK_MS, toEnd) : CANARY_TICK_MS, undefined, { signal }).catch(() => undefined);
          continue;
        }
        emit({ type: 'canary.judged', server: name, commit, step: i + 1, weight, verdict: v.kind, message: v.message, ...figures });
        if (v.kind === 'pass') {
          last = v.message;
          break;
        }
        if (v.kind === 'fail' || v.then === 'revert') return revert('CanaryFailed', v.message);
        return promote(v.message);
      }
    }
    return promote(`every step passed (last: ${last})`);
  } finally {
    runs.end(name);
  }
}
