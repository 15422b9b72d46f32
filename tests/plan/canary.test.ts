// Canary decisions, pure: the judgment of one step (figures in, verdict out), the defaults a spec
// gets, and what the plan does for a canary (judged beside the stable one; a leftover starts over).
import { describe, expect, it } from 'vitest';
import { judgeStep, type StepFigures } from '../../src/plan/canary-judge.js';
import { plan, type ObservedInstance } from '../../src/plan/plan.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import { CANARY_DEFAULTS, type CanarySettings, type RenderedServer } from '../../src/spec/desired.js';
import { files } from '../helpers/spec-files.js';

const c: CanarySettings = { ...CANARY_DEFAULTS, stepSeconds: 10, minCalls: 20, maxErrorRate: 0.05, maxLatencyP99Ms: 2000 };
const fig = (calls: number, errors: number, p99Ms: number | null = 50): StepFigures => ({ calls, errors, p99Ms });

describe('canary: judging one step', () => {
  it('waits until the step is over', () => {
    expect(judgeStep(fig(100, 90), 9_999, 10, c)).toEqual({ kind: 'wait' });
  });

  it('fails on the error rate, with the figures in the message', () => {
    expect(judgeStep(fig(42, 13), 10_000, 10, c)).toEqual({ kind: 'fail', message: 'error rate 0.31 over 42 calls > 0.05 at step 10 %' });
  });

  it('an error rate at the bound passes; one call more over it fails', () => {
    expect(judgeStep(fig(100, 5), 10_000, 50, c).kind).toBe('pass');
    expect(judgeStep(fig(100, 6), 10_000, 50, c).kind).toBe('fail');
  });

  it('fails on tools/call p99', () => {
    expect(judgeStep(fig(40, 0, 2400), 10_000, 50, c)).toEqual({ kind: 'fail', message: 'tools/call p99 2400 ms over 40 calls > 2000 ms at step 50 %' });
  });

  it('passes within the bounds, and with no tools/call at all', () => {
    expect(judgeStep(fig(40, 1, 30), 10_000, 100, c)).toEqual({ kind: 'pass', message: 'error rate 0.03 over 40 calls, p99 30 ms at step 100 %' });
    expect(judgeStep(fig(40, 0, null), 10_000, 10, c).kind).toBe('pass');
  });

  it('too few calls: waits up to 3 x stepSeconds, then onInsufficientTraffic decides', () => {
    expect(judgeStep(fig(19, 19), 29_999, 10, c)).toEqual({ kind: 'wait' });
    expect(judgeStep(fig(3, 0), 30_000, 10, c)).toMatchObject({ kind: 'insufficient', then: 'promote' });
    expect(judgeStep(fig(0, 0), 30_000, 10, { ...c, onInsufficientTraffic: 'revert' })).toMatchObject({ kind: 'insufficient', then: 'revert' });
    expect(judgeStep(fig(0, 0, null), 10_000, 10, { ...c, minCalls: 0 })).toMatchObject({ kind: 'pass' }); // minCalls 0: judged on time alone
  });
});

function desired(rollout: object, version = '2', http?: { runtime: 'kubernetes' | 'process'; port: number }): RenderedServer {
  const spec = {
    version,
    command: 'node',
    args: ['s.js'],
    rollout,
    ...(http && { image: 'example/s:1', transport: 'streamable-http', port: http.port }),
  };
  const out = createCompiler().compile(
    { files: files({ 'a.yaml': `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: a\nspec: ${JSON.stringify(spec)}\n` }) },
    { secrets: staticSecrets({}), runtime: http?.runtime ?? 'process' },
  );
  expect(out.errors).toEqual([]);
  return out.servers[0];
}

const inst = (id: string, specHash: string, o: Partial<ObservedInstance> = {}): ObservedInstance => ({
  id,
  server: 'a',
  specHash,
  commit: 'c'.repeat(40),
  state: 'running',
  startedAt: `2026-01-01T00:00:0${id.length}.000Z`,
  verified: true,
  ...o,
});

describe('canary: spec and plan', () => {
  it('strategy canary gets the documented defaults; others carry no canary block', () => {
    expect(desired({ strategy: 'canary' }).spec.rollout).toEqual({ strategy: 'canary', canary: CANARY_DEFAULTS });
    expect(desired({ strategy: 'canary', canary: { stepSeconds: 2 } }).spec.rollout.canary).toEqual({ ...CANARY_DEFAULTS, stepSeconds: 2 });
    expect(desired({ strategy: 'blue-green' }).spec.rollout).toEqual({ strategy: 'blue-green' });
  });

  it('a new spec starts beside the gated stable instance, judged as a canary', () => {
    const d = desired({ strategy: 'canary' });
    const s = plan([d], [inst('old', 'h-old')]).waves[0][0];
    expect(s).toMatchObject({ action: 'start-beside', strategy: 'canary', canary: { stable: 'old' }, retire: ['old'], remove: [] });
  });

  it('a first deployment has nothing to judge beside: a plain create', () => {
    const s = plan([desired({ strategy: 'canary' })], []).waves[0][0];
    expect(s.action).toBe('create');
    expect(s.canary).toBeUndefined();
  });

  it('a canary left ungated by an earlier run is removed and runs again from its first step, never gated into service', () => {
    const d = desired({ strategy: 'canary' });
    const s = plan([d], [inst('old', 'h-old'), inst('left', d.specHash, { verified: false })]).waves[0][0];
    expect(s).toMatchObject({ action: 'start-beside', canary: { stable: 'old' }, remove: ['left'], retire: ['old'] });
    expect(s.note).toMatch(/runs again from its first step/);
  });

  it('a promoted canary (gated, recorded) is kept', () => {
    const d = desired({ strategy: 'canary' });
    const s = plan([d], [inst('new', d.specHash)]).waves[0][0];
    expect(s).toMatchObject({ action: 'keep', instance: 'new' });
  });

  it('kubernetes: an HTTP server on a fixed port can be canaried (each pod has its own address): judged beside the stable pod', () => {
    const d = desired({ strategy: 'canary' }, '2', { runtime: 'kubernetes', port: 8080 });
    const s = plan([d], [inst('old', 'h-old', { port: 8080 })], { sharedPorts: false }).waves[0][0];
    expect(s).toMatchObject({ action: 'start-beside', strategy: 'canary', canary: { stable: 'old' } });
    expect(s.freePort).toBeUndefined();
  });
});
