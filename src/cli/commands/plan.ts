// `mcp-gitops plan`: the plan converge would execute (src/plan decides both), against the best view
// of what runs that can be had: a running daemon (--server), the runtime observed from here (--live),
// else the state file. The output says which.
import { plan, type ObservedInstance } from '../../plan/plan.js';
import { approvedTools, recordedTools } from '../../plan/verified.js';
import { formatPlan, planView, type PlanView } from '../../plan/view.js';
import { readStateFile } from '../../state/store.js';
import type { DaemonState } from '../../state/model.js';
import { loadDesired, type LoadedDesired } from '../load-desired.js';
import type { CliIO } from '../main.js';
import { capabilitiesOf } from '../../runtimes/capabilities.js';
import { COMMON_OPTIONS, runtimeOption, str, UsageError, type OptionTable, type Values } from '../options.js';
import { fetchDaemonPlan } from '../daemon-plan.js';
import { assertObservable, livePlan } from '../live-plan.js';
import { formatProbe, probe, probeExit, toProbe } from '../probe.js';
import { OUTPUT_OPTION, REV_OPTION, outputFormat, reportInvalid, serialize } from './shared.js';

const PLAN_OPTIONS = {
  ...COMMON_OPTIONS,
  ...REV_OPTION,
  ...OUTPUT_OPTION,
  server: { type: 'string', description: "ask the daemon at this URL (e.g. http://127.0.0.1:8080): its runtime's live view, for its branch head", env: false },
  live: { type: 'boolean', description: 'observe the runtime (--runtime docker|kubernetes) from here, as a daemon would at start', env: false },
  namespace: { type: 'string', description: 'kubernetes (--live): namespace of the servers' },
  scope: { type: 'string', description: 'docker (--live): only containers labelled mcp-gitops/scope=<scope>' },
  probe: {
    type: 'boolean',
    description:
      'start the changed servers on a scratch process runtime, list their tools, stop them; print the tool diff and breaking changes against the approved surface (--server or the state file). Exit 1 on a breaking change',
    env: false,
  },
} satisfies OptionTable;

/** The state file's records as instances: what the last sync left running, each having passed its gate. */
function recorded(state: DaemonState | null): ObservedInstance[] {
  // spec.replicas: one instance per recorded replica hash (replica 0 is the server's own)
  return Object.values(state?.servers ?? {}).flatMap((r) =>
    (r.replicaHashes ?? [r.specHash]).map((specHash, replica) => ({
      id: replica === 0 ? `recorded:${r.name}` : `recorded:${r.name}[${replica}]`,
      server: r.name,
      specHash,
      commit: r.commit,
      state: 'running' as const,
      startedAt: r.deployedAt,
      verified: recordedTools(r, { specHash, startedAt: r.deployedAt }) !== null,
      version: r.version,
      ...(replica === 0 && r.port !== undefined && { port: r.port }),
      ...(replica > 0 && { replica }),
    })),
  );
}

function notesFor(d: LoadedDesired, state: DaemonState | null): string[] {
  const failed = state?.failedRevision;
  return failed?.commit === d.commit ? [`${d.commit.slice(0, 7)} failed before (${failed.reason}); a daemon retries it only on a forced sync`] : [];
}

async function localPlan(v: Values, io: CliIO): Promise<PlanView | number> {
  if (v.live === true) assertObservable(runtimeOption(v) ?? 'process');
  const d = await loadDesired(v, io.env);
  const bad = reportInvalid(d, io);
  if (bad !== undefined) return bad;
  const stateDir = str(v, 'state-dir') ?? '.mcp-gitops';
  const state = await readStateFile(stateDir);
  const meta = { commit: d.commit, mode: 'rollout' as const, notes: notesFor(d, state), approved: approvedTools(state?.servers ?? {}) };
  if (v.live === true) return livePlan(d.state.servers, v, io.env, state, meta);
  const p = plan(d.state.servers, recorded(state), { sharedPorts: capabilitiesOf(runtimeOption(v) ?? 'process').sharedHostPorts });
  const applied = state?.applied ? `applied ${state.applied.slice(0, 7)}` : 'nothing applied';
  const notes = [...meta.notes, 'the state file shows what the last sync recorded, not crashes or out-of-band changes: --server asks a running daemon'];
  return planView(p, { ...meta, notes, source: 'state', against: `the state file (${stateDir}, ${applied})` });
}

/** `plan --probe`: the changed servers' tools against the surfaces approved by the daemon (--server) or in the state file. */
async function probePlan(v: Values, io: CliIO, format: ReturnType<typeof outputFormat>): Promise<number> {
  const d = await loadDesired(v, io.env);
  const bad = reportInvalid(d, io);
  if (bad !== undefined) return bad;
  const server = str(v, 'server');
  const stateDir = str(v, 'state-dir') ?? '.mcp-gitops';
  const approved = server !== undefined ? ((await fetchDaemonPlan(server)).approved ?? {}) : approvedTools((await readStateFile(stateDir))?.servers ?? {});
  const against = server !== undefined ? `the tools approved by the daemon at ${server}` : `the tools approved in the state file (${stateDir})`;
  const results = await probe(toProbe(d.state.servers, approved), await d.source.snapshot(d.commit), approved);
  io.stdout.write(format === 'text' ? formatProbe(d.commit, results, against) : serialize({ commit: d.commit, against, servers: results }, format));
  return probeExit(results);
}

export const planCommand = {
  name: 'plan',
  usage: 'mcp-gitops plan [--server <url> | --live] [--probe] [--repo <path|url>] [--path <dir>] [--env <name>] [--state-dir <dir>] [-o text|yaml|json]',
  summary:
    'Shows what the next sync does per server (keep, verify, create, start-beside, recreate, restart, skip, prune) in dependency waves: asked of a running daemon (--server), against the runtime observed from here (--live), or against the state file.',
  options: PLAN_OPTIONS,
  async run(v: Values, io: CliIO): Promise<number> {
    const format = outputFormat(v, 'text');
    const server = str(v, 'server');
    if (server !== undefined && v.live === true) throw new UsageError('--server and --live are two sources: give one');
    if (v.probe === true) {
      if (v.live === true) throw new UsageError('--probe runs on a scratch process runtime: --live does not apply');
      return probePlan(v, io, format);
    }
    const view = server !== undefined ? await fetchDaemonPlan(server) : await localPlan(v, io);
    if (typeof view === 'number') return view;
    io.stdout.write(format === 'text' ? formatPlan(view) : serialize(view, format));
    return 0;
  },
};
