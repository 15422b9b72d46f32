import { plan, type Change, type ObservedServer, type Plan } from '../../plan/plan.js';
import { readStateFile } from '../../state/store.js';
import { loadDesired } from '../load-desired.js';
import type { CliIO } from '../main.js';
import { capabilitiesOf } from '../../runtimes/capabilities.js';
import { COMMON_OPTIONS, runtimeOption, str, type OptionTable, type Values } from '../options.js';
import { OUTPUT_OPTION, REV_OPTION, outputFormat, reportInvalid, serialize } from './shared.js';

const SYMBOL = { create: '+', update: '~', delete: '-' } as const;

function describe(c: Change): string {
  const from = c.observed?.version, to = c.desired?.masked.version;
  const versions = c.action === 'update' ? (from !== to ? ` ${from ?? '?'} -> ${to}` : ` ${to} (spec changed)`) : c.action === 'create' ? ` ${to}` : ` ${from ?? ''}`;
  const strategy = c.action === 'delete' ? '' : ` [${c.strategy}]`;
  return `  ${SYMBOL[c.action]} ${c.action} ${c.name}${versions.trimEnd()}${strategy}${c.note ? ` (${c.note})` : ''}`;
}

export function formatPlan(p: Plan, header: string): string {
  const lines = [header];
  if (p.waves.length === 0) lines.push('  no changes');
  p.waves.forEach((w, i) => {
    const prune = w.every((c) => c.action === 'delete');
    lines.push(prune ? 'prune:' : `wave ${i + 1}:`, ...w.map(describe));
  });
  if (p.unchanged.length > 0) lines.push(`unchanged: ${p.unchanged.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

export const planCommand = {
  name: 'plan',
  usage: 'mcp-gitops plan [--repo <path|url>] [--path <dir>] [--env <name>] [--state-dir <dir>] [-o text|json]',
  summary: "Shows what a sync would do: creates, updates and deletes in dependency waves, against the state dir's applied revision (or against nothing).",
  options: { ...COMMON_OPTIONS, ...REV_OPTION, ...OUTPUT_OPTION } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const format = outputFormat(v, 'text');
    const d = await loadDesired(v, io.env);
    const bad = reportInvalid(d, io);
    if (bad !== undefined) return bad;
    const state = await readStateFile(str(v, 'state-dir') ?? '.mcp-gitops');
    const observed: ObservedServer[] = Object.values(state?.servers ?? {});
    const p = plan(d.state.servers, observed, { sharedPorts: capabilitiesOf(runtimeOption(v) ?? 'process').sharedHostPorts });
    const against = state?.applied ? `applied ${state.applied.slice(0, 12)}` : 'nothing applied';
    if (format === 'text') {
      io.stdout.write(formatPlan(p, `plan for ${d.commit.slice(0, 12)} against ${against}:`));
    } else {
      const waves = p.waves.map((w) => w.map((c) => ({
        action: c.action, name: c.name, strategy: c.strategy, ...(c.note && { note: c.note }),
        ...(c.observed && { from: { version: c.observed.version, commit: c.observed.commit, specHash: c.observed.specHash } }),
        ...(c.desired && { to: { version: c.desired.masked.version, specHash: c.desired.specHash } }),
      })));
      io.stdout.write(serialize({ commit: d.commit, against: state?.applied ?? null, waves, unchanged: p.unchanged }, format));
    }
    return 0;
  },
};
