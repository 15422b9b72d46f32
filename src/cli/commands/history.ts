// `mcp-gitops history`: a running daemon's syncs, newest first (the history of its /status).
import { DaemonClient } from '../daemon-client.js';
import { historyText } from '../daemon-format.js';
import type { CliIO } from '../main.js';
import { UsageError, str, type OptionTable, type Values } from '../options.js';
import { DAEMON_OPTIONS, printer } from './daemon-options.js';

function limit(v: Values): number | undefined {
  const raw = str(v, 'limit');
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive whole number, got "${raw}"`);
  return n;
}

export const historyCommand = {
  name: 'history',
  usage: 'mcp-gitops history [--server <url>] [--limit <n>] [-o text|json|yaml]',
  summary: "Lists a running daemon's syncs, newest first: commit, result, reason, start, duration, message. Exit 0 ok, 2 usage error or daemon unreachable.",
  options: {
    ...DAEMON_OPTIONS,
    limit: { type: 'string', description: 'show only the newest <n> syncs', env: false },
  } satisfies OptionTable,
  async run(v: Values, io: CliIO): Promise<number> {
    const print = printer(v, io);
    const n = limit(v);
    print((await DaemonClient.from(v, io.env).status()).history.slice(0, n), historyText);
    return 0;
  },
};
