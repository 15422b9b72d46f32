// `mcp-gitops tools <server>`: the tool surface a running daemon approved for one server (GET /status
// servers[].toolSurface), with its tool drift when the daemon reports one.
import { DaemonClient } from '../daemon-client.js';
import type { CliIO } from '../main.js';
import { helpText, parseOptions, UsageError, type OptionTable, type Values } from '../options.js';
import { toolsText, type ToolDriftView, type ToolsView } from '../tools-format.js';
import type { ToolSurface } from '../../tools/surface.js';
import { DAEMON_OPTIONS, printer } from './daemon-options.js';

const OPTIONS = { ...DAEMON_OPTIONS } satisfies OptionTable;

export const toolsCommand = {
  name: 'tools',
  usage: 'mcp-gitops tools <server> [--server <url>] [-o text|json|yaml]',
  summary:
    "Shows the tool surface a running daemon approved for one server: each tool's hashes (description, input schema, output schema, annotations) and any tool drift. Exit 0 ok, 2 usage error, unknown server or daemon unreachable.",
  options: OPTIONS,
  async run(v: Values, io: CliIO, name?: string): Promise<number> {
    if (!name) throw new UsageError('name the server: mcp-gitops tools <server>');
    const print = printer(v, io);
    const st = await DaemonClient.from(v, io.env).status();
    const s = st.servers.find((x) => x.name === name);
    if (!s) throw new UsageError(`the daemon has no server "${name}" (it has: ${st.servers.map((x) => x.name).join(', ') || 'none'})`);
    const extra = s as { toolSurface?: ToolSurface; toolDrift?: ToolDriftView | null };
    const view: ToolsView = {
      server: s.name,
      version: s.version,
      commit: s.commit,
      toolSurface: extra.toolSurface ?? null,
      ...(extra.toolDrift !== undefined && { toolDrift: extra.toolDrift }),
    };
    print(view, toolsText);
    return 0;
  },
  /** The server's name is the one positional argument. */
  async main(argv: readonly string[], io: CliIO): Promise<number> {
    // a flag's value is not the name: `--server http://x svc` names svc
    const takesValue = (a: string | undefined): boolean => a !== undefined && /^(--server|--output|-o)$/.test(a);
    const pos = argv.findIndex((a, j) => !a.startsWith('-') && !takesValue(argv[j - 1]));
    const name = pos === -1 ? undefined : argv[pos];
    const rest = argv.filter((_, j) => j !== pos);
    const v = parseOptions(rest, OPTIONS, io.env);
    if (v.help === true) {
      io.stdout.write(helpText(this.usage, this.summary, OPTIONS));
      return 0;
    }
    return this.run(v, io, name);
  },
};
