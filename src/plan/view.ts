// A plan as data to show: secret-free (masked versions and hashes only), JSON-ready, the same from
// the CLI and from a daemon's GET /plan, and rendered as one table for people.
import { maskCredentials } from '../render/mask.js';
import type { RolloutStrategy } from '../spec/desired.js';
import type { ToolSurface } from '../tools/surface.js';
import type { Plan, PruneStep, ServerAction, ServerStep } from './plan.js';

/** Where the observed side came from. */
export type PlanSource =
  /** A running daemon answered: its runtime's live view, its gated instances and its backoff. */
  | 'daemon'
  /** The runtime, observed from the CLI's own process. */
  | 'live'
  /** The state file: what the last sync recorded (crashes and out-of-band changes are not seen). */
  | 'state';

/** rollout: the next sync rolls out `commit` (the head); repair: it only puts back what drifted from the applied commit. */
export type PlanMode = 'rollout' | 'repair';

export interface StepView {
  server: string;
  /** Which replica of the server (spec.replicas > 1, or scaling from several). */
  replica?: number;
  /** Replica 0's step of a server with several: how many it wants, how many run now. */
  replicas?: { desired: number; running: number };
  action: ServerAction | 'prune';
  /** 1-based wave; prunes come after the last wave (null). */
  wave: number | null;
  /** The desired version (masked) and spec-hash; absent for prunes. */
  version?: string;
  specHash?: string;
  strategy?: RolloutStrategy;
  /** A remote server (spec.url): its url, masked, credentials in it removed. Nothing is started for it. */
  remote?: string;
  /** keep / verify: the instance. */
  instance?: string;
  /** What runs (or ran last) when it has another spec, or the exited instance a restart replaces. */
  from?: { specHash: string; commit: string; version?: string; message?: string };
  /** Removed before the new instance starts / drained after the last wave. */
  remove: string[];
  retire: string[];
  /** skip: what it would have done. */
  held?: ServerAction;
  note?: string;
}

/** A server's tool surface approved at its last passed gate (state): what a new version is compared with. */
export interface ApprovedTools {
  version: string;
  specHash: string;
  surface: ToolSurface;
  /** Each tool's input schema then (for breaking-change checks: `plan --probe`). */
  inputSchemas: Record<string, unknown>;
}

export interface PlanView {
  /** The commit whose servers are planned (null: nothing applied yet, the empty set). */
  commit: string | null;
  /** The branch head, when known. */
  head?: string | null;
  mode: PlanMode;
  source: PlanSource;
  /** In words: what was observed. */
  against: string;
  waves: StepView[][];
  prune: StepView[];
  /** Remarks for people (an invalid head, a failed commit not retried). */
  notes: string[];
  /** Per recorded server, the tool surface approved now (absent: none recorded, or an older daemon). */
  approved?: Record<string, ApprovedTools>;
}

export interface ViewMeta {
  commit: string | null;
  head?: string | null;
  mode: PlanMode;
  source: PlanSource;
  against: string;
  notes?: string[];
  approved?: Record<string, ApprovedTools>;
}

function stepView(s: ServerStep, wave: number): StepView {
  return {
    server: s.server,
    ...(s.replica !== undefined && { replica: s.replica }),
    ...(s.replicas && { replicas: { ...s.replicas } }),
    action: s.action,
    wave,
    version: s.desired.masked.version,
    specHash: s.desired.specHash,
    strategy: s.strategy,
    ...(s.desired.masked.url !== undefined && { remote: maskCredentials(s.desired.masked.url) }),
    ...(s.instance !== undefined && { instance: s.instance }),
    ...(s.from && { from: { ...s.from } }),
    remove: [...s.remove],
    retire: [...s.retire],
    ...(s.held && { held: s.held }),
    ...(s.note && { note: s.note }),
  };
}

function pruneView(p: PruneStep): StepView {
  return { server: p.server, action: 'prune', wave: null, from: { ...p.from }, remove: [...p.remove], retire: [...p.retire] };
}

export function planView(p: Plan, meta: ViewMeta): PlanView {
  return {
    commit: meta.commit,
    ...(meta.head !== undefined && { head: meta.head }),
    mode: meta.mode,
    source: meta.source,
    against: meta.against,
    waves: p.waves.map((w, i) => w.map((s) => stepView(s, i + 1))),
    prune: p.prune.map(pruneView),
    notes: [...(meta.notes ?? [])],
    ...(meta.approved && Object.keys(meta.approved).length > 0 && { approved: meta.approved }),
  };
}

/** Server name -> action, over every wave and the prunes (what a test compares with a sync). */
export function actions(v: Pick<PlanView, 'waves' | 'prune'>): Record<string, StepView['action']> {
  return Object.fromEntries([...v.waves.flat(), ...v.prune].map((s) => [s.server, s.action]));
}

const short = (sha: string): string => sha.slice(0, 7);

function versionCell(s: StepView): string {
  if (s.action === 'prune') return s.from?.version ?? '';
  const was = s.from?.version;
  return was !== undefined && was !== s.version ? `${was} -> ${s.version ?? ''}` : (s.version ?? '');
}

function detail(s: StepView): string {
  const from = s.from ? `from ${short(s.from.commit)}${s.from.specHash !== s.specHash && s.action !== 'prune' ? ' (spec changed)' : ''}` : '';
  const parts: string[] = [];
  switch (s.action) {
    case 'keep':
      break;
    case 'restart':
      parts.push(s.from?.message ? `exited: ${s.from.message}` : 'exited', ...(s.from && s.from.specHash !== s.specHash ? ['spec changed'] : []));
      break;
    case 'skip':
      parts.push(`would ${s.held ?? 'start'}`);
      break;
    case 'prune':
      parts.push('no longer desired', ...(s.retire.length > 0 ? ['drained'] : []));
      break;
    default:
      if (from) parts.push(from);
      if (s.action !== 'verify') parts.push(s.strategy ?? '');
  }
  if (s.replicas && s.replicas.desired !== s.replicas.running) parts.push(`replicas ${s.replicas.running} -> ${s.replicas.desired}`);
  if (s.remote !== undefined) parts.push(`remote ${s.remote} (not started: gated and served)`);
  if (s.note) parts.push(s.note);
  return parts.filter(Boolean).join('; ');
}

/** The human table. */
export function formatPlan(v: PlanView): string {
  const what = v.commit ? short(v.commit) : 'nothing (no commit applied)';
  const lines = [`plan for ${what} (${v.mode}) against ${v.against}:`];
  const rows = [...v.waves.flat(), ...v.prune].map((s) => [
    s.wave === null ? '-' : String(s.wave),
    s.replica === undefined ? s.server : `${s.server}[${s.replica}]`,
    s.action,
    versionCell(s),
    detail(s),
  ]);
  if (rows.length === 0) lines.push('  no servers desired and nothing runs');
  else {
    const table = [['WAVE', 'SERVER', 'ACTION', 'VERSION', 'DETAIL'], ...rows];
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
    for (const r of table)
      lines.push(
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c])))
          .join('  ')
          .trimEnd(),
      );
  }
  const steps = [...v.waves.flat(), ...v.prune];
  const count = (a: StepView['action']): number => steps.filter((s) => s.action === a).length;
  const changes = steps.filter((s) => s.action !== 'keep' || s.retire.length > 0).length;
  lines.push(changes === 0 ? 'no changes' : `${changes} change${changes === 1 ? '' : 's'}, ${count('keep')} kept`);
  for (const s of steps) {
    const a = s.action === 'keep' || s.action === 'prune' ? undefined : v.approved?.[s.server];
    if (a)
      lines.push(
        `approved tools of ${s.server} (${a.surface.hash.replace(/^sha256:/, '').slice(0, 12)}): ${Object.keys(a.surface.tools).join(', ') || 'none'}`,
      );
  }
  for (const n of v.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}
