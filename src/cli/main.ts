// CLI entry: dispatches to a command; exit codes 0 ok, 1 invalid specs, 2 usage or I/O error.
import { isSourceError } from '../source/source-error.js';
import { helpText, parseOptions, UsageError, type OptionTable, type Values } from './options.js';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  usage: string;
  summary: string;
  options: OptionTable;
  run(v: Values, io: CliIO): Promise<number>;
  /** Takes the raw arguments instead (a command that passes `-- <command> [args]` through). */
  main?(argv: readonly string[], io: CliIO): Promise<number>;
}

/**
 * Each command loads on demand: `mcp-gitops status` need not import docker, kubernetes, git and the
 * MCP SDK that `serve` uses (a CLI call costs ~0.2 s of CPU instead of ~1.6 s). Listed in help order.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./commands/serve.js')).serveCommand,
  validate: async () => (await import('./commands/validate.js')).validateCommand,
  render: async () => (await import('./commands/render.js')).renderCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  bridge: async () => (await import('./commands/bridge.js')).bridgeCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  history: async () => (await import('./commands/history.js')).historyCommand,
  tools: async () => (await import('./commands/tools.js')).toolsCommand,
  sync: async () => (await import('./commands/sync.js')).syncCommand,
  suspend: async () => (await import('./commands/suspend.js')).suspendCommand,
  resume: async () => (await import('./commands/suspend.js')).resumeCommand,
  import: async () => (await import('./commands/import.js')).importCommand,
};

async function topHelp(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const rows = commands.map((c) => `  ${c.name.padEnd(10)} ${c.summary.split('. ')[0].replace(/\.$/, '')}`);
  return `mcp-gitops: GitOps for MCP servers\n\nUsage: mcp-gitops <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun mcp-gitops <command> --help for its options.\n`;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(await topHelp());
    return name === undefined ? 2 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.stderr.write(`mcp-gitops: unknown command "${name}"\n\n${await topHelp()}`);
    return 2;
  }
  const command = await load();
  try {
    if (command.main) return await command.main(rest, io);
    const values = parseOptions(rest, command.options, io.env);
    if (values.help === true) {
      io.stdout.write(helpText(command.usage, command.summary, command.options));
      return 0;
    }
    return await command.run(values, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`mcp-gitops ${name}: ${e.message}\nRun mcp-gitops ${name} --help for usage.\n`);
      return 2;
    }
    if (isSourceError(e)) {
      io.stderr.write(`mcp-gitops ${name}: ${e.message}\n`);
      return 2;
    }
    io.stderr.write(`mcp-gitops ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
}
