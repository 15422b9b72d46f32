// The seeded crash driver: from one seed, a multi-wave rollout of real servers (a stdio -> b http ->
// c memory), the daemon SIGKILLed at seeded points (a time offset, or the n-th occurrence of a
// reconciler event in its debug log), restarted on the same state dir, and what it left behind
// checked: converged to the right commit within a bound, instances matching that commit's specs,
// no orphans, a state file that parses, a history that lost and duplicated nothing.
import { setTimeout as delay } from 'node:timers/promises';
import type { Daemon } from '../../e2e/helpers/daemon.js';
import { freePort, marked, records } from '../../e2e/helpers/procs.js';
import { delayedHttp, everythingStdio, memory, partial, type Spec } from '../../e2e/helpers/servers.js';
import { waitFor } from '../../e2e/helpers/wait-for.js';
import type { World } from '../../e2e/helpers/world.js';
import type { DaemonState } from '../../../src/state/model.js';
import { expectedServers } from './expected.js';
import { Prng } from './prng.js';
import { historyProblems, lostEntries, readState } from './state-file.js';

export const SERVERS = ['a', 'b', 'c'];
/** After the last restart, the daemon must be converged within this. */
export const CONVERGE_BOUND_MS = 30_000;

type Kind = 'initial' | 'update-good' | 'update-bad-wave2' | 'update-bad-wave3';
const EVENTS = ['sync.started', 'wave.started', 'server.starting', 'gate.passed', 'gate.failed', 'revert.started', 'server.removed', 'sync.finished'] as const;
type KillEvent = (typeof EVENTS)[number];
type KillPoint = { at: 'time'; ms: number } | { at: 'event'; event: KillEvent; nth: number; extraMs: number };

export interface Plan {
  seed: number;
  kind: Kind;
  /** b keeps its port in the new version (blue-green falls back to recreate) or moves. */
  samePort: boolean;
  bDelayMs: number;
  kills: KillPoint[];
}

export function planFor(seed: number): Plan {
  const r = new Prng(seed);
  const kind = r.pick<Kind>(['initial', 'update-good', 'update-good', 'update-bad-wave2', 'update-bad-wave3']);
  // events this kind of rollout emits (a kill waiting for one that never comes is only a late kill)
  const events = EVENTS.filter((e) => (kind.startsWith('update-bad') || (e !== 'gate.failed' && e !== 'revert.started')) && (kind !== 'initial' || e !== 'server.removed'));
  const killPoint = (maxMs: number, from: readonly KillEvent[]): KillPoint => (r.chance(0.5)
    ? { at: 'time', ms: r.int(0, maxMs) }
    : { at: 'event', event: r.pick(from), nth: r.int(1, 2), extraMs: r.int(0, 30) });
  const kills = [killPoint(2500, events)];
  // a second crash while recovering from the first (re-running the commit, or reverting it)
  if (r.chance(0.4)) kills.push(killPoint(1500, events.filter((e) => e !== 'server.removed')));
  return { seed, kind, samePort: r.chance(0.4), bDelayMs: r.int(0, 700), kills };
}

export interface Report {
  plan: Plan;
  /** What each kill hit: the events seen since its trigger, and whether the awaited one came. */
  kills: { point: KillPoint; sawEvent: boolean; events: string[]; inFlight: boolean }[];
  target: string;
  /** The failing commit of an update-bad scenario. */
  bad?: string;
  problems: string[];
}

const DEBUG = { MCP_GITOPS_LOG_LEVEL: 'debug' };

function specs(w: World, plan: Plan, ports: [number, number], version: '1' | '2'): Record<string, string> {
  const v2 = version === '2';
  const port = v2 && !plan.samePort ? ports[1] : ports[0];
  let b: Spec = delayedHttp(port, plan.bDelayMs, { version, dependsOn: ['a'] });
  let c: Spec = memory(`${w.dir}/memory.json`, { version, dependsOn: ['b'] });
  if (v2 && plan.kind === 'update-bad-wave2') b = { ...b, env: { PORT: String(port), DELAY_MS: String(plan.bDelayMs), LISTEN: 'crash' } };
  if (v2 && plan.kind === 'update-bad-wave3') c = partial({ version, dependsOn: ['b'] });
  return { ...w.server('a', everythingStdio({ version })), ...w.server('b', b), ...w.server('c', c) };
}

/** Waits for the kill point (from `fromLog` on), then SIGKILLs the daemon. */
async function killAt(d: Daemon, point: KillPoint, fromLog: number): Promise<{ sawEvent: boolean; events: string[] }> {
  const seen = (): string[] => d.logs.slice(fromLog).map((l) => l.msg).filter((m) => (EVENTS as readonly string[]).includes(m));
  let sawEvent = true;
  if (point.at === 'time') {
    await delay(point.ms); // the seeded kill point itself, not a synchronization
  } else {
    sawEvent = await waitFor(() => seen().filter((m) => m === point.event).length >= point.nth, { timeoutMs: 4000, intervalMs: 5 }).then(() => true, () => false);
    await delay(point.extraMs);
  }
  await d.kill();
  return { sawEvent, events: seen() };
}

/** Runs one seeded scenario in `w`; returns what was found wrong (empty = consistent). */
export async function runCrashScenario(w: World, seed: number): Promise<Report> {
  const plan = planFor(seed);
  const report: Report = { plan, kills: [], target: '', problems: [] };
  const ports: [number, number] = [await freePort(), await freePort()];
  const c0 = w.repo.commit(specs(w, plan, ports, '1'), 'v1');
  let d = await w.start({ env: DEBUG });
  let target = c0;
  let from = 0;
  if (plan.kind !== 'initial') {
    await w.converged(d, c0, SERVERS);
    from = d.logs.length;
    const c1 = w.repo.commit(specs(w, plan, ports, '2'), 'v2');
    if (plan.kind === 'update-good') target = c1;
    report.bad = plan.kind === 'update-good' ? undefined : c1;
  }
  report.target = target;
  const states: DaemonState[] = [];
  for (const [i, point] of plan.kills.entries()) {
    if (i > 0) {
      d = await w.start({ env: DEBUG });
      from = 0;
    }
    const hit = await killAt(d, point, from);
    let st: DaemonState | null = null;
    try {
      st = readState(w.stateDir);
    } catch (e) {
      report.problems.push(`state file does not parse after kill ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (st) states.push(st);
    report.kills.push({ point, ...hit, inFlight: st?.inFlight != null });
  }

  d = await w.start({ env: DEBUG });
  const final = await w.converged(d, target, SERVERS).catch((e: unknown) => {
    report.problems.push(`not converged to ${target.slice(0, 7)} within the bound: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  });
  if (!final) return report;
  if (report.bad && final.failedRevision?.commit !== report.bad) report.problems.push(`failedRevision is ${JSON.stringify(final.failedRevision)}, expected ${report.bad}`);
  if (final.revision.lastGood !== target) report.problems.push(`lastGood ${final.revision.lastGood} != ${target}`);

  const expected = await expectedServers(w.repo.dir, target);
  for (const s of final.servers) {
    const want = expected.get(s.name);
    if (s.version !== want?.version) report.problems.push(`/status shows ${s.name} at version ${s.version}, ${target.slice(0, 7)} has ${want?.version}`);
  }
  await w.noOrphans(SERVERS).catch((e: unknown) => report.problems.push(e instanceof Error ? e.message : String(e)));
  for (const r of records(w.stateDir)) {
    if (r.specHash !== expected.get(r.server)?.specHash) report.problems.push(`instance ${r.id} of ${r.server} runs spec ${r.specHash}, ${target.slice(0, 7)} wants ${expected.get(r.server)?.specHash}`);
  }

  const after = await waitFor(() => {
    const s = readState(w.stateDir);
    return s && s.inFlight === null && s.applied === target ? s : undefined;
  }, { what: 'the state file to show the converged commit and no sync in flight', timeoutMs: 5000 }).catch((e: unknown) => {
    report.problems.push(e instanceof Error ? e.message : String(e));
    return null;
  });
  if (after) {
    report.problems.push(...historyProblems(after));
    for (const before of states) report.problems.push(...lostEntries(before, after));
    const mine = after.history.filter((h) => h.commit === report.bad);
    if (report.bad && (mine.length === 0 || mine.some((h) => h.result === 'succeeded'))) report.problems.push(`bad commit history: ${JSON.stringify(mine)}`);
    if (after.history.filter((h) => h.commit === target && h.result === 'succeeded').length !== 1) report.problems.push(`target ${target.slice(0, 7)} should have exactly one succeeded entry`);
  }

  // and a graceful stop still leaves nothing behind
  if ((await d.stop()) !== 0) report.problems.push('the restarted daemon did not stop cleanly');
  const left = marked(w.marker);
  if (left.length > 0) report.problems.push(`processes left after a graceful stop: ${JSON.stringify(left)}`);
  return report;
}
