// `plan --live`: builds the runtime as the daemon does and observes it from the CLI's process, for
// when no daemon runs (what would a daemon start do?). The process runtime is refused: its instances
// are a daemon's children, and reading its records from here means adopting them (stdio ones are
// stopped); ask the daemon with --server instead.
import { pino } from 'pino';
import type { DaemonConfig } from '../daemon/config.js';
import { createRuntime } from '../daemon/runtimes.js';
import { SESSION_HASH_SUFFIX } from '../gateway/upstream/isolated-upstream.js';
import { planNow } from '../reconciler/converge.js';
import type { RenderedServer } from '../spec/desired.js';
import { recordedTools, versionFromRecords } from '../plan/verified.js';
import { planView, type PlanView, type ViewMeta } from '../plan/view.js';
import type { DaemonState } from '../state/model.js';
import { serveConfig } from './commands/serve.js';
import { str, UsageError, type Values } from './options.js';

/** Checked before anything is loaded: the process runtime cannot be observed from here. */
export function assertObservable(runtime: DaemonConfig['runtime']): void {
  if (runtime === 'process') {
    throw new UsageError(
      "--live cannot observe the process runtime from outside its daemon (its instances are the daemon's children); ask the daemon: --server http://127.0.0.1:8080",
    );
  }
}

export async function livePlan(
  desired: readonly RenderedServer[],
  v: Values,
  env: NodeJS.ProcessEnv,
  state: DaemonState | null,
  meta: Omit<ViewMeta, 'source' | 'against'>,
): Promise<PlanView> {
  const cfg = serveConfig({ ...v, repo: str(v, 'repo') ?? '.' }, env);
  assertObservable(cfg.runtime);
  const { runtime } = await createRuntime(cfg, pino({ level: 'silent' }));
  try {
    const records = state?.servers ?? {};
    const { plan } = await planNow(desired, {
      runtime,
      sharedPorts: runtime.capabilities.sharedHostPorts,
      versionOf: versionFromRecords(records),
      owns: (i) => i.labels.specHash.endsWith(SESSION_HASH_SUFFIX), // a daemon's isolated-session instances
      verified: (i) => recordedTools(records[i.labels.server], { specHash: i.labels.specHash, startedAt: i.startedAt })?.map((name) => ({ name })) ?? null,
    });
    return planView(plan, {
      ...meta,
      source: 'live',
      against: `the ${cfg.runtime} runtime, observed from here (gated instances from the state file in ${cfg.stateDir})`,
    });
  } finally {
    await runtime.shutdown();
  }
}
