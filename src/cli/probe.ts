// `plan --probe`: starts the new versions of the servers a commit changes in a scratch place (the
// process runtime, a temporary state dir, free ports), lists their tools through the health gate,
// stops them, and compares with the tool surface approved now: the diff and any breaking change,
// before merge. It never touches what runs: nothing of the daemon's state dir, runtime or ports.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { runGate } from '../health/index.js';
import type { ApprovedTools } from '../plan/view.js';
import { createProcessRuntime, type ProcessRuntime } from '../runtimes/process/index.js';
import { materialize, type Snapshot } from '../source/index.js';
import type { RenderedServer } from '../spec/desired.js';
import { breakingChanges, describeBreaking, type BreakingChange } from '../tools/breaking.js';
import { describeDiff, diffSurface, isEmptyDiff, type SurfaceDiff } from '../tools/diff.js';
import { surfaceFrom } from '../tools/surface.js';

export interface ProbeResult {
  server: string;
  version: string;
  /** The approved version it would replace (absent: a new server). */
  from?: string;
  /** Its tools against the approved surface (a new server: every tool added). */
  diff?: SurfaceDiff;
  /** Breaking changes the spec does not allow (its gate would fail with BreakingToolChange). */
  breaking: BreakingChange[];
  /** The probe could not list its tools (it would fail its gate too). */
  error?: string;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', resolve);
  });
  const addr = srv.address();
  await new Promise((resolve) => srv.close(resolve));
  if (addr === null || typeof addr === 'string') throw new Error('no free port');
  return addr.port;
}

/**
 * An HTTP server's port moved to a free one, so the probe never meets what runs: spec.port and
 * every argument or environment value that is exactly the old port, or ends in `:<port>` / `=<port>`.
 */
async function onFreePort(d: RenderedServer): Promise<RenderedServer> {
  const old = d.spec.port;
  if (old === undefined) return d;
  const port = await freePort();
  const re = new RegExp(`(^|[:=])${old}$`);
  const swap = (v: string): string => v.replace(re, `$1${port}`);
  const env = Object.fromEntries(Object.entries(d.spec.env).map(([k, v]) => [k, swap(v)]));
  return { ...d, spec: { ...d.spec, port, args: d.spec.args.map(swap), env } };
}

/** Servers whose spec differs from the approved one (or that have none): what a rollout would start. */
export function toProbe(desired: readonly RenderedServer[], approved: Readonly<Record<string, ApprovedTools>>): RenderedServer[] {
  return desired.filter((d) => approved[d.spec.name]?.specHash !== d.specHash);
}

export async function probe(servers: readonly RenderedServer[], snapshot: Snapshot, approved: Readonly<Record<string, ApprovedTools>>): Promise<ProbeResult[]> {
  if (servers.length === 0) return [];
  const dir = await mkdtemp(join(tmpdir(), 'mcp-gitops-probe-'));
  const runtime = createProcessRuntime({ stateDir: join(dir, 'state'), logger: pino({ level: 'silent' }) });
  const results: ProbeResult[] = [];
  try {
    const workdir = await materialize(snapshot, join(dir, 'checkout'));
    for (const d of servers) results.push(await probeOne(d, runtime, snapshot.commit, workdir, approved[d.spec.name]));
  } finally {
    await runtime.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

async function probeOne(
  desired: RenderedServer,
  runtime: ProcessRuntime,
  commit: string,
  workdir: string,
  was: ApprovedTools | undefined,
): Promise<ProbeResult> {
  const base = { server: desired.spec.name, version: desired.masked.version, ...(was && { from: was.version }), breaking: [] };
  const d = await onFreePort(desired);
  let id: string | undefined;
  try {
    id = (await runtime.start(d, { commit, workdir })).id;
    // only its tools matter here: no need to watch it stabilize
    const gate = await runGate({ runtime, instanceId: id, server: { ...d.spec, health: { ...d.spec.health, stabilizationSeconds: 0 } } });
    if (!gate.ok) return { ...base, error: gate.reason };
    const diff = diffSurface(was?.surface ?? surfaceFrom({}), gate.surface);
    const after = Object.fromEntries(gate.tools.map((t) => [t.name, t.inputSchema ?? null]));
    const tools = d.spec.tools;
    const breaking = was
      ? breakingChanges(was.inputSchemas, after, {
          ...(tools?.allowRemoved && { allowRemoved: tools.allowRemoved }),
          ...(tools?.allowBreaking && { allowBreaking: tools.allowBreaking }),
        })
      : [];
    return { ...base, diff, breaking };
  } catch (e) {
    return { ...base, error: e instanceof Error ? e.message : String(e) };
  } finally {
    if (id !== undefined) await runtime.remove(id).catch(() => undefined);
  }
}

export function formatProbe(commit: string, results: readonly ProbeResult[], against: string): string {
  const lines = [`probe of ${commit.slice(0, 7)} on a scratch process runtime (what runs is not touched), against ${against}:`];
  if (results.length === 0) lines.push('  no server changes: nothing to probe');
  for (const r of results) {
    const version = r.from === undefined ? `${r.version} (new)` : `${r.from} -> ${r.version}`;
    const what = r.error ? `cannot list its tools: ${r.error}` : r.diff && !isEmptyDiff(r.diff) ? describeDiff(r.diff) : 'tools unchanged';
    lines.push(`  ${r.server}  ${version}  ${what}`);
    if (r.breaking.length > 0) lines.push(`    BREAKING: ${describeBreaking(r.breaking)}`);
  }
  const breaking = results.filter((r) => r.breaking.length > 0).length;
  const failed = results.filter((r) => r.error).length;
  lines.push(`${results.length} probed, ${breaking} with breaking tool changes, ${failed} failed`);
  return `${lines.join('\n')}\n`;
}

/** Exit code of `plan --probe`: 1 when a rollout of the commit would fail on its tools. */
export function probeExit(results: readonly ProbeResult[]): number {
  return results.some((r) => r.breaking.length > 0 || r.error) ? 1 : 0;
}
