// CLI entry: dispatches to a command; exit codes 0 ok, 1 invalid specs, 2 usage or I/O error.
import { isSourceError } from '../source/index.js';
import { bridgeCommand } from './commands/bridge.js';
import { historyCommand } from './commands/history.js';
import { importCommand } from './commands/import.js';
import { planCommand } from './commands/plan.js';
import { renderCommand } from './commands/render.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { resumeCommand, suspendCommand } from './commands/suspend.js';
import { syncCommand } from './commands/sync.js';
import { toolsCommand } from './commands/tools.js';
import { validateCommand } from './commands/validate.js';
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

export const COMMANDS: Command[] = [
  serveCommand,
  validateCommand,
  renderCommand,
  planCommand,
  bridgeCommand,
  statusCommand,
  historyCommand,
  toolsCommand,
  syncCommand,
  suspendCommand,
  resumeCommand,
  importCommand,
];

function topHelp(): string {
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary.split('. ')[0].replace(/\.$/, '')}`);
  return `mcp-gitops: GitOps for MCP servers\n\nUsage: mcp-gitops <command> [options]\n\nCommands:\n${rows.join('\n')}\n\nRun mcp-gitops <command> --help for its options.\n`;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(topHelp());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`mcp-gitops: unknown command "${name}"\n\n${topHelp()}`);
    return 2;
  }
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
