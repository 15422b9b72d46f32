// `mcp-gitops bridge [options] -- <command> [args...]`: runs one stdio MCP server and serves it as
// MCP streamable HTTP, so a pod on kubernetes speaks HTTP (ADR 0006). Exits with the child's code.
import { existsSync } from 'node:fs';
import { createLogger } from '../../daemon/logger.js';
import { Masker } from '../../render/mask.js';
import { startBridge, type Bridge } from '../../bridge/bridge-server.js';
import type { CliIO } from '../main.js';
import { helpText, parseOptions, str, UsageError, type OptionTable, type Values } from '../options.js';

const BRIDGE_OPTIONS = {
  host: { type: 'string', description: 'listen address (default 127.0.0.1; 0.0.0.0 in a pod)', env: false },
  port: { type: 'string', description: 'listen port (default 8000; 0 = any free port)', env: false },
  path: { type: 'string', description: 'MCP endpoint path (default /mcp)', env: false },
  'redact-env': { type: 'string', description: 'comma-separated env vars whose values are masked in logs', env: false },
  'termination-log': {
    type: 'string',
    description: "file for the server's last stderr line when it exits (default /dev/termination-log, if it exists)",
    env: false,
  },
  'stop-timeout': { type: 'string', description: 'seconds between SIGTERM and SIGKILL for the server on shutdown (default 5)', env: false },
  'log-level': { type: 'string', description: 'trace | debug | info | warn | error (default info)', env: false },
  help: { type: 'boolean', short: 'h', description: 'show help', env: false },
} satisfies OptionTable;

export interface BridgeArgs {
  host: string;
  port: number;
  path: string;
  redactEnv: string[];
  graceMs: number;
  logLevel: string;
  terminationLog?: string;
  command: string;
  args: string[];
}

function number(v: Values, flag: string, fallback: number, max: number): number {
  const raw = str(v, flag);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${flag} must be a number from 0 to ${max}, got "${raw}"`);
  return n;
}

/** The bridge's options from its flags and the argv after `--`. */
export function bridgeArgs(v: Values, child: readonly string[]): BridgeArgs {
  const [command, ...args] = child;
  if (command === undefined || command === '')
    throw new UsageError('give the stdio server to run after --, e.g. mcp-gitops bridge -- npx -y @modelcontextprotocol/server-memory');
  return {
    host: str(v, 'host') ?? '127.0.0.1',
    port: Math.trunc(number(v, 'port', 8000, 65_535)),
    path: str(v, 'path') ?? '/mcp',
    redactEnv: (str(v, 'redact-env') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    graceMs: number(v, 'stop-timeout', 5, 3600) * 1000,
    logLevel: str(v, 'log-level') ?? 'info',
    ...terminationLog(str(v, 'termination-log')),
    command,
    args,
  };
}

/** The kubelet creates /dev/termination-log in every container; elsewhere there is none to write. */
function terminationLog(flag: string | undefined): { terminationLog?: string } {
  if (flag !== undefined) return flag === '' ? {} : { terminationLog: flag };
  return existsSync(DEFAULT_TERMINATION_LOG) ? { terminationLog: DEFAULT_TERMINATION_LOG } : {};
}

/** `[own flags..., '--', child argv...]` split at the first `--`. */
export function splitAtDashes(argv: readonly string[]): { own: string[]; child: string[] } {
  const i = argv.indexOf('--');
  return i === -1 ? { own: [...argv], child: [] } : { own: argv.slice(0, i), child: argv.slice(i + 1) };
}

const DEFAULT_TERMINATION_LOG = '/dev/termination-log';
const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Runs until the child exits (or SIGTERM/SIGINT stops it); the exit code is the child's. */
export async function runBridge(a: BridgeArgs, io: CliIO): Promise<number> {
  const secretValues = a.redactEnv.map((name) => io.env[name]).filter((x): x is string => typeof x === 'string' && x !== '');
  const logger = createLogger({ level: a.logLevel, mask: new Masker(secretValues), destination: io.stdout });
  let bridge: Bridge;
  try {
    bridge = await startBridge({ ...a, env: io.env, secretValues, stderr: io.stderr, logger });
  } catch (err) {
    io.stderr.write(`mcp-gitops bridge: cannot listen on ${a.host}:${a.port}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const stop = (): void => {
    void bridge.close();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    const exit = await bridge.done;
    logger.info({ exit: exit.description }, 'bridge: the stdio server stopped');
    if (exit.signal) return 128 + (SIGNALS[exit.signal] ?? 0);
    return exit.code ?? 1;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
  }
}

export const bridgeCommand = {
  name: 'bridge',
  usage: 'Usage: mcp-gitops bridge [options] -- <command> [args...]',
  summary: "Run a stdio MCP server and serve it as MCP streamable HTTP (used in pods by the kubernetes runtime). Exits with the server's exit code.",
  options: BRIDGE_OPTIONS,
  /** main() hands the argv after `--` here (see ADR 0006). */
  passthrough: true,
  async run(v: Values, io: CliIO, child: readonly string[] = []): Promise<number> {
    return runBridge(bridgeArgs(v, child), io);
  },
  /** Parses its own argv: flags before `--`, the server's command line after it. */
  async main(argv: readonly string[], io: CliIO): Promise<number> {
    const { own, child } = splitAtDashes(argv);
    const v = parseOptions(own, BRIDGE_OPTIONS, io.env);
    if (v.help === true) {
      io.stdout.write(helpText(this.usage, this.summary, BRIDGE_OPTIONS));
      return 0;
    }
    return this.run(v, io, child);
  },
};
