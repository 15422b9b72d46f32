// The seeded crash driver: from one seed, a multi-wave rollout of real servers (a stdio -> b http ->
// c memory), the daemon SIGKILLed at seeded points (a time offset, or the n-th occurrence of a
// reconciler event in its debug log), restarted on the same state dir, and what it left behind
// checked: converged to the right commit within a bound, instances matching that commit's specs,
// no orphans, a state file that parses, a history that lost and duplicated nothing.
import { setTimeout as delay } from 'node:timers/promises';
import type { Daemon } from '../../e2e/helpers/daemon.js';
import { freePort } from '../../e2e/helpers/procs.js';
import { delayedHttp, everythingStdio, memory, partial, type Spec } from '../../e2e/helpers/servers.js';
import { waitFor } from '../../e2e/helpers/wait-for.js';
import type { World } from '../../e2e/helpers/world.js';
import type { DaemonState } from '../../../src/state/model.js';
import { Prng } from './prng.js';
import { checkRecovery, SERVERS, stateAfterCrash } from './recovery-checks.js';

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
  const events = EVENTS.filter(
    (e) => (kind.startsWith('update-bad') || (e !== 'gate.failed' && e !== 'revert.started')) && (kind !== 'initial' || e !== 'server.removed'),
  );
  const killPoint = (maxMs: number, from: readonly KillEvent[]): KillPoint =>
    r.chance(0.5) ? { at: 'time', ms: r.int(0, maxMs) } : { at: 'event', event: r.pick(from), nth: r.int(1, 2), extraMs: r.int(0, 30) };
  const kills = [killPoint(2500, events)];
  // a second crash while recovering from the first (re-running the commit, or reverting it)
  if (r.chance(0.4))
    kills.push(
      killPoint(
        1500,
        events.filter((e) => e !== 'server.removed'),
      ),
    );
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
  const seen = (): string[] =>
    d.logs
      .slice(fromLog)
      .map((l) => l.msg)
      .filter((m) => (EVENTS as readonly string[]).includes(m));
  let sawEvent = true;
  if (point.at === 'time') {
    await delay(point.ms); // the seeded kill point itself, not a synchronization
  } else {
    sawEvent = await waitFor(() => seen().filter((m) => m === point.event).length >= point.nth, { timeoutMs: 4000, intervalMs: 5 }).then(
      () => true,
      () => false,
    );
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
  report.target = c0;
  let from = 0;
  if (plan.kind !== 'initial') {
    await w.converged(d, c0, SERVERS);
    from = d.logs.length;
    const c1 = w.repo.commit(specs(w, plan, ports, '2'), 'v2');
    if (plan.kind === 'update-good') report.target = c1;
    else report.bad = c1;
  }
  const states: DaemonState[] = [];
  for (const [i, point] of plan.kills.entries()) {
    if (i > 0) {
      d = await w.start({ env: DEBUG });
      from = 0;
    }
    const hit = await killAt(d, point, from);
    stateAfterCrash(w, states, report.problems, `kill ${i + 1}`);
    report.kills.push({ point, ...hit, inFlight: states.at(-1)?.inFlight != null });
  }
  const recovery = await checkRecovery(w, { target: report.target, ...(report.bad && { bad: report.bad }), states }, DEBUG);
  report.problems.push(...recovery.problems);
  return report;
}
