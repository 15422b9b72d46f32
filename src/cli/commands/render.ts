import type { RenderedServer } from '../../spec/desired.js';
import { loadDesired } from '../load-desired.js';
import type { CliIO } from '../main.js';
import { COMMON_OPTIONS, type OptionTable, type Values } from '../options.js';
import { OUTPUT_OPTION, REV_OPTION, outputFormat, reportInvalid, serialize } from './shared.js';

/** The display form of a server: masked values, its hash, no source bookkeeping. */
export function displayServer(s: RenderedServer): Record<string, unknown> {
  const { source: _source, ...rest } = s.masked;
  return { ...rest, specHash: s.specHash };
}

export const renderCommand = {
  name: 'render',
  usage: 'mcp-gitops render [--repo <path|url>] [--path <dir>] [--env <name>] [-o yaml|json]',
  summary: 'Prints the desired servers after environment overlays and templates, with every secret value masked as ***.',
  options: { ...COMMON_OPTIONS, ...REV_OPTION, ...OUTPUT_OPTION } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const format = outputFormat(v, 'yaml');
    const d = await loadDesired(v, io.env);
    const bad = reportInvalid(d, io);
    if (bad !== undefined) return bad;
    const out = { commit: d.commit, servers: d.state.servers.map(displayServer), disabled: d.state.disabled };
    io.stdout.write(serialize(out, format === 'text' ? 'yaml' : format));
    return 0;
  },
};
