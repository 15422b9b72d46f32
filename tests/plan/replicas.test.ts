// spec.replicas in the pure core: each replica renders its own port/env and hash, the plan decides
// per replica (scaling keeps the replicas that stay; a dead one restarts alone), and what goes after
// the waves is every instance outside the serving set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { afterWaves } from '../../src/plan/after-waves.js';
import { isEmptyPlan, plan, type ObservedInstance } from '../../src/plan/plan.js';
import { formatPlan, planView } from '../../src/plan/view.js';
import { createCompiler } from '../../src/render/desired-state.js';
import { staticSecrets } from '../../src/render/secrets.js';
import type { RenderedServer } from '../../src/spec/desired.js';
import { replicaCount, replicaOf } from '../../src/spec/replicas.js';
import { StateStore } from '../../src/state/store.js';
import { GitRepo } from '../e2e/helpers/git-repo.js';
import { files } from '../helpers/spec-files.js';
import { runCli } from './helpers/run-cli.js';

function compile(spec: Record<string, unknown>, runtime: 'process' | 'docker' = 'process'): RenderedServer {
  const yaml = `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: web\nspec: ${JSON.stringify(spec)}\n`;
  const out = createCompiler().compile({ files: files({ 'web.yaml': yaml }) }, { secrets: staticSecrets({ token: 'tok-3141592653' }), runtime });
  expect(out.errors).toEqual([]);
  return out.servers[0];
}

const http = (replicas: number, extra: Record<string, unknown> = {}): RenderedServer =>
  compile({
    version: '1',
    command: 'node',
    transport: 'streamable-http',
    port: '{{ 8100 + replica.index }}',
    env: { PORT: '{{ 8100 + replica.index }}', TOKEN: '{{ secrets.token }}' },
    replicas,
    ...extra,
  });

let n = 0;
function inst(d: RenderedServer, replica: number, o: Partial<ObservedInstance> = {}): ObservedInstance {
  const r = replicaOf(d, replica);
  return {
    id: `i${n++}`,
    server: d.spec.name,
    specHash: r.specHash,
    commit: 'c1',
    state: 'running',
    startedAt: `2026-01-01T00:00:0${n % 10}.000Z`,
    verified: true,
    ...(r.spec.port !== undefined && { port: r.spec.port }),
    ...(replica > 0 && { replica }),
    ...o,
  };
}

describe('render: each replica its own port, env and hash', () => {
  it('renders {{ replica.index }} in port and env per replica; secrets stay masked in every twin', () => {
    const d = http(3);
    expect(replicaCount(d)).toBe(3);
    const rs = [0, 1, 2].map((i) => replicaOf(d, i));
    expect(rs.map((r) => r.spec.port)).toEqual([8100, 8101, 8102]);
    expect(rs.map((r) => r.spec.env.PORT)).toEqual(['8100', '8101', '8102']);
    expect(rs.map((r) => r.spec.env.TOKEN)).toEqual(['tok-3141592653', 'tok-3141592653', 'tok-3141592653']);
    expect(rs.map((r) => r.masked.env.TOKEN)).toEqual(['***', '***', '***']);
    expect(new Set(rs.map((r) => r.specHash)).size).toBe(3);
    expect(rs[0].specHash).toBe(d.specHash);
    expect(JSON.stringify(rs.map((r) => r.masked))).not.toContain('tok-3141592653');
  });

  it('the count is in no hash: scaling keeps every replica that stays', () => {
    const three = http(3),
      five = http(5);
    expect([0, 1, 2].map((i) => replicaOf(five, i).specHash)).toEqual([0, 1, 2].map((i) => replicaOf(three, i).specHash));
    const one = compile({ version: '1', command: 'node', transport: 'sse', port: 3000 });
    expect(one.replicaSpecs).toBeUndefined();
    expect(one.spec.replicas).toBeUndefined();
  });

  it('a replica-less spec of docker stdio replicas: every replica runs the same spec', () => {
    const d = compile({ version: '1', image: 'img:1', replicas: 2 }, 'docker');
    expect(replicaOf(d, 1).specHash).toBe(d.specHash);
    expect(d.spec.replicas).toBe(2);
  });
});

describe('plan: one step per replica', () => {
  it('creates every replica of a new server, each with its own spec', () => {
    const d = http(3);
    const steps = plan([d], []).waves.flat();
    expect(steps.map((s) => [s.replica, s.action, s.desired.spec.port])).toEqual([
      [0, 'create', 8100],
      [1, 'create', 8101],
      [2, 'create', 8102],
    ]);
    expect(steps[0].replicas).toEqual({ desired: 3, running: 0 });
  });

  it('keeps gated replicas; restarts only the one that exited', () => {
    const d = http(3);
    const running = [inst(d, 0), inst(d, 1, { state: 'exited', message: 'exit 137' }), inst(d, 2)];
    const steps = plan([d], running).waves.flat();
    expect(steps.map((s) => s.action)).toEqual(['keep', 'restart', 'keep']);
    expect(steps[1].remove).toEqual([running[1].id]);
    expect(steps[0].retire).toEqual([]);
  });

  it('scaling up starts only the new replicas; scaling down drains only those above the count', () => {
    const three = http(3);
    const live = [inst(three, 0), inst(three, 1), inst(three, 2)];
    const up = plan([http(4)], live).waves.flat();
    expect(up.map((s) => s.action)).toEqual(['keep', 'keep', 'keep', 'create']);
    const down = plan([http(2)], live).waves.flat();
    expect(down.map((s) => s.action)).toEqual(['keep', 'keep']);
    expect(down[0].retire).toEqual([live[2].id]);
    expect(down[0].replicas).toEqual({ desired: 2, running: 3 });
    const p = plan([http(2)], live);
    expect(isEmptyPlan(p)).toBe(false);
    const text = formatPlan(planView(p, { commit: 'c'.repeat(40), mode: 'rollout', source: 'state', against: 'x' }));
    expect(text).toContain('web[0]');
    expect(text).toContain('replicas 3 -> 2');
    expect(isEmptyPlan(plan([three], live))).toBe(true);
  });

  it('a new spec rolls every replica blue-green beside the old set', () => {
    const old = http(2);
    const live = [inst(old, 0), inst(old, 1)];
    const steps = plan([http(2, { version: '2', args: ['--v2'] })], live).waves.flat();
    expect(steps.map((s) => [s.action, s.retire])).toEqual([
      ['start-beside', [live[0].id]],
      ['start-beside', [live[1].id]],
    ]);
  });

  it('a server that had one instance (no replica label) keeps it as replica 0', () => {
    const one = compile({ version: '1', image: 'img:1' }, 'docker');
    const old = inst(one, 0);
    const steps = plan([compile({ version: '1', image: 'img:1', replicas: 2 }, 'docker')], [old]).waves.flat();
    expect(steps.map((s) => [s.replica, s.action, s.instance])).toEqual([
      [0, 'keep', old.id],
      [1, 'create', undefined],
    ]);
  });
});

describe('afterWaves with replicas', () => {
  it('keeps every instance of the serving set and drains the rest', () => {
    const i = (id: string) => ({ id, server: 'web', state: 'running' as const });
    const out = afterWaves(new Set(['web']), new Map([['web', new Set(['a', 'b'])]]), [i('a'), i('b'), i('c')]);
    expect(out.departures).toEqual([{ id: 'c', server: 'web', how: 'drain', why: 'replaced' }]);
  });
});

describe('plan from the state file with replicas', () => {
  it('every recorded replica is kept; a count change shows as one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-gitops-replicas-plan-'));
    try {
      const repo = new GitRepo(join(dir, 'repo'));
      const spec = (replicas: number) => ({
        'web.yaml': `apiVersion: mcp-gitops/v1\nkind: MCPServer\nmetadata:\n  name: web\nspec: ${JSON.stringify({
          version: '1',
          command: 'node',
          transport: 'streamable-http',
          port: '{{ 8100 + replica.index }}',
          replicas,
        })}\n`,
      });
      const sha = repo.commit(spec(2));
      const d = compile({ version: '1', command: 'node', transport: 'streamable-http', port: '{{ 8100 + replica.index }}', replicas: 2 });
      const { store } = await StateStore.open(join(dir, 'state'));
      await store.update((s) => {
        s.applied = sha;
        s.servers.web = {
          name: 'web',
          version: '1',
          commit: sha,
          specHash: d.specHash,
          deployedAt: new Date().toISOString(),
          tools: [],
          port: 8100,
          replicaHashes: d.replicaSpecs!.map((r) => r.specHash),
        };
      });
      const kept = await runCli(['plan', '--repo', repo.dir, '--state-dir', join(dir, 'state'), '-o', 'json']);
      const view = JSON.parse(kept.out) as { waves: { action: string; replica?: number }[][] };
      expect(view.waves.flat().map((s) => [s.replica, s.action])).toEqual([
        [0, 'keep'],
        [1, 'keep'],
      ]);
      repo.commit(spec(3));
      const up = await runCli(['plan', '--repo', repo.dir, '--state-dir', join(dir, 'state')]);
      expect(up.out).toContain('web[2]');
      expect(up.out).toContain('replicas 2 -> 3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
