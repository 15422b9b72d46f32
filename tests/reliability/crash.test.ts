// Crash consistency: seeded SIGKILLs of the real daemon during multi-wave rollouts and reverts.
// `npm test` runs a sample of 5 seeds chosen from 1..50 to cover every kind of rollout (initial, good
// update, a bad second or third wave), kills at a time and at an event, and two kills in one run (the
// first test asserts the sample still does); `npm run test:crash` runs CRASH_RUNS
// seeds (default 50) from CRASH_SEED (default 1). A failure names its seed: CRASH_SEED=<n> CRASH_RUNS=1
// replays it; CRASH_REPORT=<file> appends one JSON line per run.
import { appendFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../e2e/helpers/world.js';
import { planFor, runCrashScenario } from './helpers/crash-scenario.js';

const SAMPLE = [3, 6, 11, 35, 41];

function seeds(env: NodeJS.ProcessEnv): number[] {
  const runs = env.CRASH_RUNS === undefined ? undefined : Number(env.CRASH_RUNS);
  const base = Number(env.CRASH_SEED ?? 1);
  if (runs === undefined) return SAMPLE;
  return Array.from({ length: runs }, (_, i) => base + i);
}

let w: World | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

describe('crash consistency (SIGKILL during rollouts)', () => {
  it('plans cover every kind of rollout and both kinds of kill point', () => {
    const plans = Array.from({ length: 50 }, (_, i) => planFor(i + 1));
    expect(new Set(plans.map((p) => p.kind))).toEqual(new Set(['initial', 'update-good', 'update-bad-wave2', 'update-bad-wave3']));
    expect(new Set(plans.flatMap((p) => p.kills.map((k) => k.at)))).toEqual(new Set(['time', 'event']));
    expect(plans.filter((p) => p.kills.length > 1).length).toBeGreaterThan(5);
    expect(planFor(7)).toEqual(planFor(7));
    const sampled = SAMPLE.map(planFor);
    expect(new Set(sampled.map((p) => p.kind))).toEqual(new Set(plans.map((p) => p.kind)));
    expect(new Set(sampled.flatMap((p) => p.kills.map((k) => k.at)))).toEqual(new Set(['time', 'event']));
    expect(sampled.some((p) => p.kills.length > 1)).toBe(true);
  });

  it.for(seeds(process.env))('seed %i: converges, matching instances, no orphans, state and history intact', { timeout: 90_000 }, async (seed) => {
    w = new World();
    const report = await runCrashScenario(w, seed);
    // CRASH_REPORT=<file>: one JSON line per run (what each kill hit), for counting coverage
    if (process.env.CRASH_REPORT) appendFileSync(process.env.CRASH_REPORT, `${JSON.stringify(report)}\n`);
    expect(report.problems, JSON.stringify({ plan: report.plan, kills: report.kills, target: report.target }, null, 1)).toEqual([]);
  });
});
