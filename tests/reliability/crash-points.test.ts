// Crash consistency at exact points: the daemon SIGKILLs itself (a preload hooks the rename of its
// atomic writes) just before or just after one durable write of a rollout or a revert; a fresh
// daemon must then converge as after any crash. `npm test` runs a sample; CRASH_RUNS (set by
// `npm run test:crash`) runs every point.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, records } from '../e2e/helpers/procs.js';
import { delayedHttp, everythingStdio, memory, partial } from '../e2e/helpers/servers.js';
import { waitFor } from '../e2e/helpers/wait-for.js';
import { World } from '../e2e/helpers/world.js';
import type { DaemonState } from '../../src/state/model.js';
import { checkRecovery, SERVERS, stateAfterCrash, type Recovery } from './helpers/recovery-checks.js';

const PRELOAD = fileURLToPath(new URL('./fixtures/crash-at-rename.mjs', import.meta.url));

interface Point {
  name: string;
  /** The new commit fails its gate in wave 3 (c lacks read_graph). */
  bad?: boolean;
  path: string;
  /** Regex over the written content; `C1` stands for the new commit's SHA. */
  matches: string;
  when: 'before' | 'after';
  /** What the durable state must show right after the crash: proof it died at this point. */
  durable: (s: DaemonState | undefined, c1: string, bRecords: string[]) => boolean;
  sampled?: boolean;
}

const inFlight = (s: DaemonState | undefined, c1: string): boolean => s?.inFlight?.commit === c1;

const STATE = 'state\\.json$';
const B_RECORD = 'instances/b-[0-9a-f]+\\.json$';
const POINTS: Point[] = [
  {
    name: "the new commit's inFlight, before it is durable",
    path: STATE,
    matches: '"inFlight": \\{\\s*"id": \\d+,\\s*"commit": "C1"',
    when: 'before',
    durable: (s) => s?.inFlight === null,
  },
  {
    name: "the new commit's inFlight, just after it is durable",
    path: STATE,
    matches: '"inFlight": \\{\\s*"id": \\d+,\\s*"commit": "C1"',
    when: 'after',
    durable: inFlight,
  },
  {
    name: "wave 2: b's new instance record, just after it is durable",
    path: B_RECORD,
    matches: '"mcp-gitops/commit": "C1"',
    when: 'after',
    durable: (s, c1, b) => inFlight(s, c1) && b.includes(c1),
    sampled: true,
  },
  {
    name: 'the succeeded outcome (applied = new), before it is durable',
    path: STATE,
    matches: '"applied": "C1"',
    when: 'before',
    durable: (s, c1) => inFlight(s, c1) && s?.applied !== c1,
  },
  {
    name: 'the succeeded outcome, just after it is durable',
    path: STATE,
    matches: '"applied": "C1"',
    when: 'after',
    durable: (s, c1) => s?.applied === c1 && s.inFlight === null,
  },
  {
    name: 'failedRevision before the revert, before it is durable',
    bad: true,
    path: STATE,
    matches: '"failedRevision": \\{\\s*"commit": "C1"',
    when: 'before',
    durable: (s, c1) => inFlight(s, c1) && s?.failedRevision === null,
    sampled: true,
  },
  {
    name: 'failedRevision before the revert, just after it is durable',
    bad: true,
    path: STATE,
    matches: '"failedRevision": \\{\\s*"commit": "C1"',
    when: 'after',
    durable: (s, c1) => inFlight(s, c1) && s?.failedRevision?.commit === c1,
  },
  {
    name: 'the reverted outcome, before it is durable',
    bad: true,
    path: STATE,
    matches: '"result": "reverted"',
    when: 'before',
    durable: (s, c1) => inFlight(s, c1) && !s?.history.some((h) => h.result === 'reverted'),
  },
  {
    name: 'the reverted outcome, just after it is durable',
    bad: true,
    path: STATE,
    matches: '"result": "reverted"',
    when: 'after',
    durable: (s, c1) => s?.inFlight === null && s.history[0]?.commit === c1 && s.history[0].result === 'reverted',
  },
  {
    name: "wave 2 of a failing commit: b's new instance record, just after it is durable",
    bad: true,
    path: B_RECORD,
    matches: '"mcp-gitops/commit": "C1"',
    when: 'after',
    durable: (s, c1, b) => inFlight(s, c1) && b.includes(c1),
  },
];
const chosen = process.env.CRASH_RUNS === undefined ? POINTS.filter((p) => p.sampled) : POINTS;

let w: World | undefined;
afterEach(async () => {
  await w?.cleanup();
  w = undefined;
});

/** C0 deployed and the daemon SIGKILLed at rest, C1 committed, a daemon with the preload run until it kills itself. */
async function crashAt(p: Point, bounds: { orphanWaitMs?: number; convergeMs?: number } = {}): Promise<Recovery & { target: string }> {
  w = new World();
  const [p1, p2] = [await freePort(), await freePort()];
  const mem = `${w.dir}/memory.json`;
  const c0 = w.repo.commit({
    ...w.server('a', everythingStdio()),
    ...w.server('b', delayedHttp(p1, 300, { dependsOn: ['a'] })),
    ...w.server('c', memory(mem, { dependsOn: ['b'] })),
  });
  const first = await w.start();
  await w.converged(first, c0, SERVERS);
  await first.kill();
  const c = p.bad ? partial({ version: '2', dependsOn: ['b'] }) : memory(mem, { version: '2', dependsOn: ['b'] });
  const c1 = w.repo.commit({
    ...w.server('a', everythingStdio({ version: '2' })),
    ...w.server('b', delayedHttp(p2, 300, { version: '2', dependsOn: ['a'] })),
    ...w.server('c', c),
  });
  const env = { NODE_OPTIONS: `--import ${PRELOAD}`, CRASH_AT_PATH: p.path, CRASH_IF_MATCHES: p.matches.replace('C1', c1), CRASH_WHEN: p.when };
  const crashing = await w.start({ env }).catch(() => undefined); // may die before it logs "serving"
  if (crashing) await waitFor(() => !crashing.running, { what: `the daemon to reach "${p.name}" and kill itself`, timeoutMs: 30_000 });
  const states: DaemonState[] = [];
  const problems: string[] = [];
  stateAfterCrash(w, states, problems, p.name);
  const bCommits = records(w.stateDir)
    .filter((r) => r.server === 'b')
    .map((r) => r.commit);
  if (!p.durable(states[0], c1, bCommits)) problems.push(`the crash did not land at "${p.name}": ${JSON.stringify({ state: states[0], bCommits })}`);
  const target = p.bad ? c0 : c1;
  const r = await checkRecovery(w, { target, ...(p.bad && { bad: c1 }), states, ...bounds });
  return { ...r, problems: [...problems, ...r.problems], target };
}

describe('crash consistency at exact durable writes', () => {
  it.for(chosen)('killed at $name ($when): converges, no orphans, history intact', { timeout: 90_000 }, async (p) => {
    const r = await crashAt(p);
    expect(r.problems).toEqual([]);
  });

  // Was a bug: the child was spawned before its instance record was durable, so a daemon killed in
  // between left a server no record named (holding its port). The next daemon now finds it by its
  // log file (/proc/<pid>/fd/2 -> logs/<id>.log, created before the spawn) and stops it.
  it("killed after b's new process started but before its instance record is durable: no orphan", { timeout: 90_000 }, async () => {
    const r = await crashAt({
      name: "b's new instance record, before it is durable",
      path: B_RECORD,
      matches: '"mcp-gitops/commit": "C1"',
      when: 'before',
      durable: (s, c1, b) => inFlight(s, c1) && !b.includes(c1),
    });
    expect(r.problems).toEqual([]);
  });
});
