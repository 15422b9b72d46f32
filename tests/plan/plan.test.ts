// The one decision, as data: per server what a sync does, for every kind of observed state.
import { describe, expect, it } from 'vitest';
import { afterWaves } from '../../src/plan/after-waves.js';
import { isEmptyPlan, plan, type ObservedInstance, type ServerStep } from '../../src/plan/plan.js';
import { recordedTools } from '../../src/plan/verified.js';
import { actions, formatPlan, planView } from '../../src/plan/view.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import type { RenderedServer } from '../../src/spec/desired.js';
import { files } from '../helpers/spec-files.js';

interface Opts {
  port?: number;
  strategy?: 'blue-green' | 'recreate';
  dependsOn?: string[];
  version?: string;
  token?: boolean;
}

function yaml(name: string, o: Opts = {}): string {
  const spec = {
    version: o.version ?? '1',
    command: 'node',
    args: ['server.js'],
    ...(o.port !== undefined && { transport: 'streamable-http', port: o.port }),
    ...(o.token && { env: { TOKEN: '{{ secrets.token }}' } }),
    ...(o.dependsOn && { dependsOn: o.dependsOn }),
    rollout: { strategy: o.strategy ?? 'blue-green' },
  };
  return `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: ${name}\nspec: ${JSON.stringify(spec)}\n`;
}

function desired(specs: Record<string, Opts>): RenderedServer[] {
  const out = createCompiler().compile(
    { files: files(Object.fromEntries(Object.entries(specs).map(([n, o]) => [`${n}.yaml`, yaml(n, o)]))) },
    { secrets: staticSecrets({ token: 's3cr3t-token-value' }), runtime: 'process' },
  );
  expect(out.errors).toEqual([]);
  return out.servers;
}

let seq = 0;
function inst(server: string, specHash: string, o: Partial<ObservedInstance> = {}): ObservedInstance {
  seq++;
  return {
    id: `${server}-${seq}`,
    server,
    specHash,
    commit: 'c'.repeat(40),
    state: 'running',
    startedAt: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
    verified: true,
    ...o,
  };
}

const step = (steps: ServerStep[][], name: string): ServerStep => steps.flat().find((s) => s.server === name)!;
const hash = (ds: RenderedServer[], name: string): string => ds.find((d) => d.spec.name === name)!.specHash;

describe('plan: the decision per server', () => {
  it('keeps a gated instance with the desired spec, gates an ungated one in place, creates what is missing', () => {
    const ds = desired({ a: {}, b: {}, c: {} });
    const a = inst('a', hash(ds, 'a'));
    const b = inst('b', hash(ds, 'b'), { verified: false });
    const p = plan(ds, [a, b]);
    expect(step(p.waves, 'a')).toMatchObject({ action: 'keep', instance: a.id, remove: [], retire: [] });
    expect(step(p.waves, 'b')).toMatchObject({ action: 'verify', instance: b.id });
    expect(step(p.waves, 'c')).toMatchObject({ action: 'create', remove: [], retire: [] });
    expect(isEmptyPlan(p)).toBe(false);
    expect(isEmptyPlan(plan(ds.slice(0, 1), [a]))).toBe(true);
  });

  it('prefers a gated instance, then the newest, and retires the other running ones', () => {
    const ds = desired({ a: {} });
    const old = inst('a', hash(ds, 'a'), { verified: true });
    const newer = inst('a', hash(ds, 'a'), { verified: false });
    expect(step(plan(ds, [old, newer]).waves, 'a')).toMatchObject({ action: 'keep', instance: old.id, retire: [newer.id] });
  });

  it('a changed spec starts beside (blue-green) or replaces (recreate) what runs', () => {
    const ds = desired({ bg: { version: '2' }, rc: { version: '2', strategy: 'recreate' } });
    const bg = inst('bg', 'old-hash', { version: '1' });
    const rc = inst('rc', 'old-hash');
    const p = plan(ds, [bg, rc], { sharedPorts: true });
    expect(step(p.waves, 'bg')).toMatchObject({
      action: 'start-beside',
      strategy: 'blue-green',
      remove: [],
      retire: [bg.id],
      from: { specHash: 'old-hash', version: '1' },
    });
    expect(step(p.waves, 'rc')).toMatchObject({ action: 'recreate', strategy: 'recreate', remove: [rc.id], retire: [] });
  });

  it('blue-green on a port the running instance holds is a recreate, only where instances share host ports', () => {
    const ds = desired({ h: { port: 8123, version: '2' } });
    const old = inst('h', 'old-hash', { port: 8123 });
    const shared = step(plan(ds, [old], { sharedPorts: true }).waves, 'h');
    expect(shared).toMatchObject({ action: 'recreate', strategy: 'recreate', remove: [old.id], freePort: 8123 });
    expect(shared.note).toContain('8123 is held');
    expect(step(plan(ds, [old], { sharedPorts: false }).waves, 'h')).toMatchObject({ action: 'start-beside', strategy: 'blue-green', retire: [old.id] });
    expect(step(plan(ds, [inst('h', 'old-hash', { port: 9000 })], { sharedPorts: true }).waves, 'h')).toMatchObject({ action: 'start-beside' });
  });

  it('a server with only exited instances restarts: they go first, and the crash is shown', () => {
    const ds = desired({ a: { port: 8124 } });
    const dead = inst('a', hash(ds, 'a'), { state: 'exited', message: 'killed by signal SIGKILL', port: 8124 });
    expect(step(plan(ds, [dead], { sharedPorts: true }).waves, 'a')).toMatchObject({
      action: 'restart',
      strategy: 'blue-green',
      remove: [dead.id],
      retire: [],
      freePort: 8124,
      from: { message: 'killed by signal SIGKILL' },
    });
  });

  it('blue-green beside a running old instance also removes the exited ones first', () => {
    const ds = desired({ a: { version: '2' } });
    const dead = inst('a', 'old-hash', { state: 'exited' });
    const live = inst('a', 'old-hash');
    expect(step(plan(ds, [dead, live]).waves, 'a')).toMatchObject({ action: 'start-beside', remove: [dead.id], retire: [live.id] });
  });

  it('restart backoff skips whatever would start or gate, never a keep', () => {
    const ds = desired({ a: {}, b: {}, c: {} });
    const p = plan(ds, [inst('a', hash(ds, 'a')), inst('b', hash(ds, 'b'), { state: 'exited' })], { inBackoff: () => true });
    expect(step(p.waves, 'a').action).toBe('keep');
    expect(step(p.waves, 'b')).toMatchObject({ action: 'skip', held: 'restart', remove: [], retire: [] });
    expect(step(p.waves, 'c')).toMatchObject({ action: 'skip', held: 'create' });
  });

  it('orders servers in dependency waves and prunes what is no longer desired', () => {
    const ds = desired({ db: {}, api: { dependsOn: ['db'] }, ui: { dependsOn: ['api'] }, tool: {} });
    const goneRunning = inst('gone', 'x', { version: '7' });
    const goneExited = inst('gone', 'x', { state: 'exited' });
    const p = plan(ds, [goneRunning, goneExited]);
    expect(p.waves.map((w) => w.map((s) => s.server))).toEqual([['db', 'tool'], ['api'], ['ui']]);
    expect(p.prune).toEqual([
      { server: 'gone', remove: [goneExited.id], retire: [goneRunning.id], from: expect.objectContaining({ specHash: 'x' }) as unknown },
    ]);
  });
});

describe('afterWaves: what goes once every wave ran', () => {
  it('removes exited instances, drains undesired and replaced ones, keeps what a failed server still runs', () => {
    const i = (id: string, server: string, state: 'running' | 'exited' = 'running') => ({ id, server, state });
    const out = afterWaves(new Set(['a', 'b']), new Map([['a', new Set(['a2'])]]), [
      i('a1', 'a'),
      i('a2', 'a'),
      i('a0', 'a', 'exited'),
      i('b1', 'b'),
      i('g1', 'gone'),
      i('g0', 'gone', 'exited'),
    ]);
    expect(out.departures).toEqual([
      { id: 'a1', server: 'a', how: 'drain', why: 'replaced' },
      { id: 'a0', server: 'a', how: 'now', why: 'exited' },
      { id: 'g1', server: 'gone', how: 'drain', why: 'no longer desired' },
      { id: 'g0', server: 'gone', how: 'now', why: 'exited' },
    ]);
    expect(out.pruned).toEqual(['gone']);
  });
});

describe('recordedTools: the recorded deployment counts as gated', () => {
  const rec = { name: 'a', version: '1', commit: 'c', specHash: 'h', deployedAt: '2026-01-01T00:00:10.000Z', tools: ['echo'] };
  it('only with the same spec, started before its gate passed', () => {
    expect(recordedTools(rec, { specHash: 'h', startedAt: '2026-01-01T00:00:05.000Z' })).toEqual(['echo']);
    expect(recordedTools(rec, { specHash: 'h', startedAt: '2026-01-01T00:00:11.000Z' })).toBeNull();
    expect(recordedTools(rec, { specHash: 'other', startedAt: '2026-01-01T00:00:05.000Z' })).toBeNull();
    expect(recordedTools(undefined, { specHash: 'h', startedAt: '2026-01-01T00:00:05.000Z' })).toBeNull();
  });
});

describe('planView: what plan and GET /plan print', () => {
  it('is secret-free, lists every server with its action, and renders one table', () => {
    const ds = desired({ a: { token: true, version: '2' }, b: {} });
    const p = plan(ds, [inst('a', 'old-hash', { version: '1' }), inst('gone', 'x')]);
    const v = planView(p, { commit: 'a'.repeat(40), mode: 'rollout', source: 'state', against: 'the state file' });
    expect(JSON.stringify(v)).not.toContain('s3cr3t-token-value');
    expect(actions(v)).toEqual({ a: 'start-beside', b: 'create', gone: 'prune' });
    expect(formatPlan(v)).toBe(
      [
        'plan for aaaaaaa (rollout) against the state file:',
        'WAVE  SERVER  ACTION        VERSION  DETAIL',
        '1     a       start-beside  1 -> 2   from ccccccc (spec changed); blue-green',
        '1     b       create        1        blue-green',
        '-     gone    prune                  no longer desired; drained',
        '3 changes, 0 kept',
        '',
      ].join('\n'),
    );
  });
});
