// kill -9 of the daemon at each step of a canary: the restarted daemon puts the stable version back,
// runs the canary again from its first step and promotes it; never both versions left running,
// never the canary serving without its judgment.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flaky, type Spec } from '../e2e/helpers/servers.js';
import { World } from '../e2e/helpers/world.js';

// minCalls 0: with no traffic each step passes on time alone, so the steps advance by themselves
const CANARY = { steps: [10, 50, 100], stepSeconds: 2, minCalls: 0 };
const version = (v: string): Spec => flaky(v, 0, 0, { strategy: 'canary', canary: CANARY });

describe('kill -9 mid-canary', () => {
  let w: World;
  beforeEach(() => {
    w = new World();
  });
  afterEach(async () => {
    await w.cleanup();
  });

  it.each([1, 2, 3])(
    'at step %i: the restart serves the stable version, runs the canary from step 1 and promotes it',
    async (step) => {
      const v1 = w.repo.commit(w.server('svc', version('v1')));
      let d = await w.start();
      await w.converged(d, v1, ['svc']);
      const v2 = w.repo.commit(w.server('svc', version('v2')));
      await d.until(`canary at step ${step}`, (s) => s.servers[0]?.canary?.step === step, 60_000);
      await d.kill();

      d = await w.start();
      const again = await d.until('the canary again from step 1 beside the stable version', (s) => s.servers[0]?.canary?.step === 1, 60_000);
      expect(again.servers[0].canary).toMatchObject({ step: 1, stableVersion: 'v1', canaryVersion: 'v2' });
      expect(again.servers[0].version).toBe('v1');
      const st = await d.until('v2 promoted', (s) => s.history[0]?.commit === v2 && s.history[0].result === 'succeeded', 60_000);
      expect(st.history.map((h) => h.reason)).toEqual(['Synced', 'Interrupted', 'Synced']);
      expect(st.servers[0]).toMatchObject({ version: 'v2', phase: 'Running', health: 'Healthy' });
      await w.noOrphans(['svc']);
    },
    120_000,
  );
});
