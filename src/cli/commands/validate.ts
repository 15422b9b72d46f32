import { loadDesired } from '../load-desired.js';
import type { CliIO } from '../main.js';
import { COMMON_OPTIONS, type OptionTable, type Values } from '../options.js';
import { REV_OPTION, reportInvalid } from './shared.js';

export const validateCommand = {
  name: 'validate',
  usage: 'mcp-gitops validate [--repo <path|url>] [--path <dir>] [--env <name>] [--rev <rev>]',
  summary: 'Validates every spec at a commit: schema, names, dependencies, variables, secrets, templates. Exit 0 valid, 1 invalid, 2 usage or I/O error.',
  options: { ...COMMON_OPTIONS, ...REV_OPTION } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const d = await loadDesired(v, io.env);
    const bad = reportInvalid(d, io);
    if (bad !== undefined) return bad;
    const names = d.state.servers.map((s) => s.spec.name);
    const disabled = d.state.disabled.length > 0 ? `, ${d.state.disabled.length} disabled` : '';
    io.stdout.write(`valid: ${d.commit.slice(0, 12)}: ${names.length} server${names.length === 1 ? '' : 's'} (${names.join(', ')})${disabled}\n`);
    return 0;
  },
};
