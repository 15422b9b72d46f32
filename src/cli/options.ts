// Flags shared by the commands, each also settable as MCP_GITOPS_<FLAG> (docs/reference/cli.md).
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  readonly code = 'USAGE';
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; env?: boolean };

export const COMMON_OPTIONS = {
  repo: { type: 'string', description: 'spec repository: local path or https URL (default: .)' },
  branch: { type: 'string', description: "branch to follow (default: the repository's default branch)" },
  path: { type: 'string', description: 'directory in the repository holding the specs (default: .)' },
  env: { type: 'string', description: 'environment name: selects the Environment and spec.environments.<name>' },
  'secrets-dir': { type: 'string', description: 'directory with one file per secret (else environment variables)' },
  runtime: { type: 'string', description: 'process | docker | kubernetes (checks the fields that runtime needs)' },
  'state-dir': { type: 'string', description: 'daemon state directory (default: .mcp-gitops)' },
  'allow-check-hosts': { type: 'string', description: 'comma list of hosts beside 127.0.0.1, ::1 and localhost that health checks may reach (* = any)' },
  help: { type: 'boolean', short: 'h', description: 'show help', env: false },
} satisfies Record<string, OptionSpec>;

export type OptionTable = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | undefined>;

export function envName(flag: string): string {
  return `MCP_GITOPS_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Parses argv; a flag not given falls back to its MCP_GITOPS_* variable. */
export function parseOptions(argv: string[], table: OptionTable, env: NodeJS.ProcessEnv): Values {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: table, allowPositionals: false, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.replace(/\. To specify a positional.*$/s, '') : String(e));
  }
  const values: Values = { ...(parsed.values as Values) };
  for (const [flag, spec] of Object.entries(table)) {
    if (values[flag] !== undefined || spec.env === false) continue;
    const fromEnv = env[envName(flag)];
    if (fromEnv !== undefined && fromEnv !== '') values[flag] = spec.type === 'boolean' ? fromEnv === 'true' || fromEnv === '1' : fromEnv;
  }
  return values;
}

export function helpText(usage: string, summary: string, table: OptionTable): string {
  const rows = Object.entries(table).map(([flag, s]) => {
    const name = `${s.short ? `-${s.short}, ` : '    '}--${flag}${s.type === 'string' ? ' <value>' : ''}`;
    return `  ${name.padEnd(30)} ${s.description}${s.env === false ? '' : ` [${envName(flag)}]`}`;
  });
  return `${usage}\n\n${summary}\n\nOptions:\n${rows.join('\n')}\n`;
}

export function str(v: Values, flag: string): string | undefined {
  const x = v[flag];
  return typeof x === 'string' ? x : undefined;
}

export const RUNTIMES = ['process', 'docker', 'kubernetes'] as const;
export type RuntimeName = (typeof RUNTIMES)[number];

/** A comma list flag (`--allowed-hosts a,b`); undefined when not given or empty. */
export function listOption(v: Values, flag: string): string[] | undefined {
  const list = str(v, flag)
    ?.split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return list && list.length > 0 ? list : undefined;
}

export function runtimeOption(v: Values): RuntimeName | undefined {
  const r = str(v, 'runtime');
  if (r === undefined) return undefined;
  if (!(RUNTIMES as readonly string[]).includes(r)) throw new UsageError(`--runtime must be one of ${RUNTIMES.join(', ')}, got "${r}"`);
  return r as RuntimeName;
}
