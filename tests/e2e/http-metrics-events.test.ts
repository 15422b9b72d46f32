// /metrics and /events of the real daemon after a real run: one commit that rolls out, one whose
// server exits at start and is reverted. The counters say exactly that, promtool accepts the text,
// and /events told the story in order.
import { describe, expect, it } from 'vitest';
import { sample } from '../http/metric-value.js';
import { promtoolCheck, requireTool } from '../http/tools.js';
import { everythingStdio, exitAtStart } from './helpers/servers.js';
import { SseStream, type SseEvent } from './helpers/sse.js';
import { useWorld } from './helpers/use-world.js';

const promtool = requireTool('promtool', 'prometheus');

const scene = useWorld();

const finished = (commit: string) => (events: SseEvent[]) => events.find((e) => e.event === 'sync.finished' && e.data.commit === commit);
/** The rollout milestones of one commit's sync, in the order they arrived. */
const story = (events: SseEvent[], commit: string, syncId: unknown): string[] =>
  events
    .filter((e) => e.data.commit === commit || e.data.syncId === syncId || e.data.from === commit)
    .filter((e) => ['sync.started', 'wave.started', 'server.starting', 'gate.passed', 'gate.failed', 'revert.started', 'sync.finished'].includes(e.event))
    .map((e) => (e.event === 'sync.finished' ? `${e.event}:${String(e.data.result)}` : e.event));

describe('metrics and events of a real run', () => {
  it('one succeeded and one reverted sync: counters 1 and 1, promtool passes, /events in order', async () => {
    const w = scene.w;
    const good = w.repo.commit(w.server('svc', everythingStdio()));
    const d = await w.start();
    // Last-Event-ID 0: everything since the daemon started, then live
    const sse = scene.later(await SseStream.open(`${d.url}/events`, { 'last-event-id': '0' }), (x) => x.close());
    await w.converged(d, good, ['svc']);
    const startedAt = Date.now() / 1000;
    const bad = w.repo.commit(w.server('svc', exitAtStart({ version: '2' })));
    const reverted = await sse.until(`${bad.slice(0, 7)} reverted`, finished(bad));
    expect(reverted.data).toMatchObject({ type: 'sync.finished', result: 'reverted', commit: bad });
    const goodSync = sse.events.find((e) => e.event === 'sync.started' && e.data.commit === good)!;

    const ids = sse.events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(story(sse.events, good, goodSync.data.syncId)).toEqual([
      'sync.started',
      'wave.started',
      'server.starting',
      'gate.passed',
      'sync.finished:succeeded',
    ]);
    expect(story(sse.events, bad, reverted.data.syncId)).toEqual([
      'sync.started',
      'wave.started',
      'server.starting',
      'gate.failed',
      'revert.started',
      'sync.finished:reverted',
    ]);
    expect(sse.events.find((e) => e.event === 'gate.passed')!.data).toMatchObject({
      server: 'svc',
      commit: good,
      tools: expect.arrayContaining(['echo', 'get-sum']) as string[],
    });
    expect(sse.events.find((e) => e.event === 'gate.failed')!.data).toMatchObject({
      server: 'svc',
      commit: bad,
      reason: expect.stringContaining('process exited with code 1') as string,
    });
    expect(sse.events.find((e) => e.event === 'revert.started')!.data).toMatchObject({ from: bad, to: good });

    const st = await w.converged(d, good, ['svc']);
    expect(st.history.map((h) => h.result)).toEqual(['reverted', 'succeeded']);
    const res = await fetch(`${d.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const m = (name: string, labels: Record<string, string> = {}) => sample(text, name, labels);
    expect(['succeeded', 'reverted', 'invalid', 'superseded', 'failed'].map((result) => m('mcp_gitops_sync_total', { result }))).toEqual([1, 1, 0, 0, 0]);
    expect(m('mcp_gitops_rollbacks_total')).toBe(1);
    expect(m('mcp_gitops_sync_duration_seconds_count')).toBe(2);
    expect(m('mcp_gitops_sync_duration_seconds_sum')).toBeGreaterThan(0);
    expect(['Pending', 'Progressing', 'Running', 'Failed'].map((phase) => m('mcp_gitops_servers', { phase }))).toEqual([0, 0, 1, 0]);
    expect(m('mcp_gitops_gate_duration_seconds_count', { server: 'svc', outcome: 'passed' })).toBe(1);
    expect(m('mcp_gitops_gate_duration_seconds_count', { server: 'svc', outcome: 'failed' })).toBe(1);
    expect(m('mcp_gitops_gate_failures_total', { server: 'svc', reason: 'InstanceExited' })).toBe(1);
    expect(m('mcp_gitops_revision_info', { kind: 'head', commit: bad })).toBe(1);
    expect(m('mcp_gitops_revision_info', { kind: 'applied', commit: good })).toBe(1);
    expect(m('mcp_gitops_revision_info', { kind: 'lastGood', commit: good })).toBe(1);
    // the last success was the first commit, before the bad one was made
    expect(m('mcp_gitops_last_successful_sync_timestamp_seconds')).toBeLessThanOrEqual(startedAt);
    expect(m('mcp_gitops_last_successful_sync_timestamp_seconds')).toBeGreaterThan(startedAt - 120);
    expect(m('mcp_gitops_process_resident_memory_bytes')).toBeGreaterThan(0);
    // SHAs only on the one info metric
    const withSha = text.split('\n').filter((l) => !l.startsWith('#') && /[0-9a-f]{40}/.test(l));
    expect(withSha.length).toBeGreaterThan(0);
    expect(withSha.every((l) => l.startsWith('mcp_gitops_revision_info{'))).toBe(true);
    if (!promtool.skip) expect(promtoolCheck(promtool.path!, text)).toEqual({ status: 0, output: '' });
  }, 90_000);
});
