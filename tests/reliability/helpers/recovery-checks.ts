// What a daemon restarted after a crash must show, checked from outside: converged to the right
// commit within a bound, instances running exactly that commit's specs, one process group per
// server and nothing else, a state file that parses, a history that lost and duplicated nothing.
import type { Daemon, LogLine } from '../../e2e/helpers/daemon.js';
import { marked, records } from '../../e2e/helpers/procs.js';
import { waitFor } from '../../e2e/helpers/wait-for.js';
import type { World } from '../../e2e/helpers/world.js';
import type { DaemonState } from '../../../src/state/model.js';
import { expectedServers } from './expected.js';
import { historyProblems, lostEntries, readState } from './state-file.js';

export const SERVERS = ['a', 'b', 'c'];
/** After the last restart, the daemon must be converged within this. */
export const CONVERGE_BOUND_MS = 30_000;

export interface Expectation {
  /** The commit the daemon must end at (applied == lastGood). */
  target: string;
  /** A failing commit that must end as failedRevision, never succeeded. */
  bad?: string;
  /** Durable states read after each crash: their history must survive. */
  states: DaemonState[];
  /** How long to wait for exactly one process group per server (default 15 s). */
  orphanWaitMs?: number;
  /** The convergence bound (default CONVERGE_BOUND_MS). */
  convergeMs?: number;
}

export interface Recovery {
  problems: string[];
  /** The final daemon's log lines. */ logs?: LogLine[];
}

/** Waits until the live processes are exactly the group leaders the instance records name, one per server. */
function oneGroupPerServer(w: World, timeoutMs: number): Promise<unknown> {
  return waitFor(
    () => {
      const recs = records(w.stateDir);
      const live = marked(w.marker);
      const leaders = new Set(recs.map((r) => r.pid));
      return (
        (recs
          .map((r) => r.server)
          .sort()
          .join() === SERVERS.join() &&
          live.every((p) => leaders.has(p.pgid)) &&
          [...leaders].every((pid) => live.some((p) => p.pid === pid))) ||
        undefined
      );
    },
    { what: 'exactly one live process group per server and nothing else', timeoutMs },
  ).catch((err: unknown) => {
    throw new Error(`${err instanceof Error ? err.message : String(err)}: ${JSON.stringify({ records: records(w.stateDir), live: marked(w.marker) })}`);
  });
}

/** Starts the final daemon and checks everything; the daemon is stopped gracefully at the end. */
export async function checkRecovery(w: World, e: Expectation, env: Record<string, string> = {}): Promise<Recovery> {
  const out: Recovery = { problems: [] };
  const problem = (m: string): void => {
    out.problems.push(m);
  };
  const d: Daemon = await w.start({ env });
  out.logs = d.logs;
  const final = await d
    .until(
      `${e.target.slice(0, 7)} applied with ${SERVERS.join(', ')} healthy`,
      (s) =>
        s.revision.applied === e.target &&
        (s.phase === 'Synced' || (s.phase === 'Failed' && s.failedRevision?.commit === s.revision.head)) &&
        s.servers.map((x) => x.name).join() === SERVERS.join() &&
        s.servers.every((x) => x.phase === 'Running' && x.health === 'Healthy'),
      e.convergeMs ?? CONVERGE_BOUND_MS,
    )
    .catch((err: unknown) => {
      problem(`not converged within ${e.convergeMs ?? CONVERGE_BOUND_MS} ms: ${err instanceof Error ? err.message : String(err)}`);
    });
  if (!final) return out;
  if (e.bad && final.failedRevision?.commit !== e.bad) problem(`failedRevision is ${JSON.stringify(final.failedRevision)}, expected ${e.bad}`);
  if (final.revision.lastGood !== e.target) problem(`lastGood ${final.revision.lastGood} != ${e.target}`);

  const expected = await expectedServers(w.repo.dir, e.target);
  for (const s of final.servers) {
    if (s.version !== expected.get(s.name)?.version)
      problem(`/status shows ${s.name} at version ${s.version}, ${e.target.slice(0, 7)} has ${expected.get(s.name)?.version}`);
  }
  await oneGroupPerServer(w, e.orphanWaitMs ?? 15_000).catch((err: unknown) => {
    problem(err instanceof Error ? err.message : String(err));
  });
  for (const r of records(w.stateDir)) {
    if (r.specHash !== expected.get(r.server)?.specHash)
      problem(`instance ${r.id} of ${r.server} runs spec ${r.specHash}, ${e.target.slice(0, 7)} wants ${expected.get(r.server)?.specHash}`);
  }

  const after = await waitFor(
    () => {
      const s = readState(w.stateDir);
      return s && s.inFlight === null && s.applied === e.target ? s : undefined;
    },
    { what: 'the state file to show the converged commit and no sync in flight', timeoutMs: 5000 },
  ).catch((err: unknown) => {
    problem(err instanceof Error ? err.message : String(err));
  });
  if (after) {
    out.problems.push(...historyProblems(after));
    for (const before of e.states) out.problems.push(...lostEntries(before, after));
    const mine = after.history.filter((h) => h.commit === e.bad);
    if (e.bad && (mine.length === 0 || mine.some((h) => h.result === 'succeeded'))) problem(`bad commit history: ${JSON.stringify(mine)}`);
    if (after.history.filter((h) => h.commit === e.target && h.result === 'succeeded').length !== 1)
      problem(`target ${e.target.slice(0, 7)} should have exactly one succeeded entry`);
  }

  // and a graceful stop still leaves nothing behind
  if ((await d.stop()) !== 0) problem('the restarted daemon did not stop cleanly');
  const left = marked(w.marker);
  if (left.length > 0) problem(`processes left after a graceful stop: ${JSON.stringify(left)}`);
  return out;
}

/** The durable state right after a crash; a state file that does not parse is itself a problem. */
export function stateAfterCrash(w: World, into: DaemonState[], problems: string[], label: string): void {
  try {
    const st = readState(w.stateDir);
    if (st) into.push(st);
  } catch (e) {
    problems.push(`state file does not parse after ${label}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
